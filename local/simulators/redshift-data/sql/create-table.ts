/**
 * `CREATE TABLE` in Redshift's dialect: column types mapped, `ENCODE`, `DISTSTYLE`, `DISTKEY`
 * and `SORTKEY` accepted and recorded (they have no effect on PostgreSQL), `IDENTITY(seed, step)`
 * as a PostgreSQL identity, and PRIMARY KEY / UNIQUE / REFERENCES recorded but not enforced,
 * since Redshift does not enforce them either.
 */
import { RedshiftSqlError } from './errors.ts';
import { type RewriteContext, rewrite } from './expressions.ts';
import { closingParen, type Piece, positionOf, splitArguments, text } from './output.ts';
import { identifierName, isSymbol, isWord, TOKEN_KINDS, type Token } from './tokens.ts';
import { parseType, TYPE_CONTEXTS } from './types.ts';

/** A column as the catalog keeps it. */
export interface CatalogColumn {
  name: string;
  /** The PostgreSQL type it was created with (`jsonb` for SUPER). */
  type: string;
  isSuper: boolean;
  encoding: string | undefined;
}

/** What Redshift would know of a table's physical design (none of it changes PostgreSQL). */
export interface TableDesign {
  schema: string;
  table: string;
  temporary: boolean;
  distStyle: string | undefined;
  distKey: string | undefined;
  sortKey: string[];
  sortKeyStyle: 'compound' | 'interleaved' | 'auto' | undefined;
  primaryKey: string[];
  columns: CatalogColumn[];
}

const COLUMN_ATTRIBUTE_WORDS = new Set([
  'not',
  'null',
  'default',
  'encode',
  'distkey',
  'sortkey',
  'primary',
  'unique',
  'references',
  'identity',
  'generated',
  'collate',
]);

/** The design of a table nothing is known of yet. */
export function newDesign(schema: string, table: string, temporary = false): TableDesign {
  return {
    schema,
    table,
    temporary,
    distStyle: undefined,
    distKey: undefined,
    sortKey: [],
    sortKeyStyle: undefined,
    primaryKey: [],
    columns: [],
  };
}

/** A dotted table name as `{schema, table}`, folded to lower case. */
export function tableName(
  tokens: readonly Token[],
  i: number,
  temporary = false,
): { schema: string; table: string; next: number; qualified: boolean } {
  const parts: string[] = [];
  let j = i;
  while (tokens[j]?.kind === TOKEN_KINDS.word || tokens[j]?.kind === TOKEN_KINDS.quotedIdentifier) {
    parts.push(identifierName(tokens[j] as Token));
    j += 1;
    if (!isSymbol(tokens[j], '.')) break;
    j += 1;
  }
  if (parts.length === 0 || parts.length > 3) {
    throw new RedshiftSqlError('a table name is expected here', {
      position: positionOf(tokens[i]),
      syntax: true,
    });
  }
  const table = parts.at(-1) ?? '';
  const schema = parts.length > 1 ? (parts.at(-2) ?? 'public') : temporary ? 'pg_temp' : 'public';
  return { schema, table, next: j, qualified: parts.length > 1 };
}

function columnList(tokens: readonly Token[], open: number): string[] {
  return splitArguments(tokens, open).map((arg) => identifierName(arg[0] as Token));
}

/** Reads one column definition; returns its PostgreSQL pieces and records its design. */
export function columnDefinition(
  def: readonly Token[],
  design: TableDesign,
  ctx: RewriteContext,
): Piece[] {
  const nameToken = def[0] as Token;
  const name = identifierName(nameToken);
  const type = parseType(def, 1, TYPE_CONTEXTS.column);
  const out: Piece[] = [text(`"${name}"`, nameToken.start), text(type.pg, def[1]?.start ?? 0)];
  const entry: CatalogColumn = { name, type: type.pg, isSuper: type.isSuper, encoding: undefined };
  let i = type.next;
  while (i < def.length) {
    const token = def[i];
    const start = token?.start ?? 0;
    if (isWord(token, 'not') && isWord(def[i + 1], 'null')) {
      out.push(text('NOT NULL', start));
      i += 2;
    } else if (isWord(token, 'null')) {
      out.push(text('NULL', start));
      i += 1;
    } else if (isWord(token, 'default')) {
      // The first token is the expression's even if it is a word like NULL.
      let end = isSymbol(def[i + 1], '(') ? closingParen(def, i + 1) + 1 : i + 2;
      while (end < def.length && !COLUMN_ATTRIBUTE_WORDS.has(def[end]?.text.toLowerCase() ?? '')) {
        end = isSymbol(def[end], '(') ? closingParen(def, end) + 1 : end + 1;
      }
      out.push(text('DEFAULT', start), ...rewrite(def.slice(i + 1, end), ctx));
      i = end;
    } else if (isWord(token, 'encode')) {
      entry.encoding = def[i + 1]?.text.toLowerCase();
      i += 2;
    } else if (isWord(token, 'distkey')) {
      design.distKey = name;
      design.distStyle = 'key';
      i += 1;
    } else if (isWord(token, 'sortkey')) {
      design.sortKey.push(name);
      design.sortKeyStyle ??= 'compound';
      i += 1;
    } else if (isWord(token, 'primary') && isWord(def[i + 1], 'key')) {
      design.primaryKey = [name];
      i += 2;
    } else if (isWord(token, 'unique')) {
      i += 1;
    } else if (isWord(token, 'references')) {
      i = tableName(def, i + 1).next;
      if (isSymbol(def[i], '(')) i = closingParen(def, i) + 1;
    } else if (isWord(token, 'identity') || isWord(token, 'generated')) {
      const open = def.findIndex((t, k) => k > i && isSymbol(t, '('));
      const [seed = '1', step = '1'] = splitArguments(def, open).map((a) =>
        a.map((t) => t.text).join(''),
      );
      out.push(
        text(`GENERATED BY DEFAULT AS IDENTITY (START WITH ${seed} INCREMENT BY ${step})`, start),
      );
      i = closingParen(def, open) + 1;
    } else if (isWord(token, 'collate')) {
      throw new RedshiftSqlError(
        'COLLATE is not supported by the simulator: compare LOWER(…) values',
        {
          position: positionOf(token),
        },
      );
    } else {
      throw new RedshiftSqlError(
        `unexpected "${token?.text}" in the definition of column ${name}: expected NOT NULL, DEFAULT, ENCODE, DISTKEY, SORTKEY, PRIMARY KEY or IDENTITY`,
        { position: positionOf(token), syntax: true },
      );
    }
  }
  design.columns.push(entry);
  return out;
}

/** A table constraint (`PRIMARY KEY (…)`, `UNIQUE (…)`, `FOREIGN KEY …`): recorded, not run. */
function tableConstraint(def: readonly Token[], design: TableDesign): boolean {
  let i = 0;
  if (isWord(def[0], 'constraint')) i = 2;
  if (isWord(def[i], 'primary') && isWord(def[i + 1], 'key')) {
    design.primaryKey = columnList(def, i + 2);
    return true;
  }
  return isWord(def[i], 'unique', 'foreign', 'check');
}

/** Table attributes after the column list; returns where they end. */
function tableAttributes(tokens: readonly Token[], i: number, design: TableDesign): number {
  let j = i;
  for (;;) {
    const token = tokens[j];
    if (isWord(token, 'diststyle')) {
      design.distStyle = tokens[j + 1]?.text.toLowerCase();
      j += 2;
    } else if (isWord(token, 'distkey')) {
      design.distKey = columnList(tokens, j + 1)[0];
      design.distStyle = 'key';
      j = closingParen(tokens, j + 1) + 1;
    } else if (isWord(token, 'compound', 'interleaved') && isWord(tokens[j + 1], 'sortkey')) {
      design.sortKeyStyle = token?.text.toLowerCase() as 'compound' | 'interleaved';
      design.sortKey = columnList(tokens, j + 2);
      j = closingParen(tokens, j + 2) + 1;
    } else if (isWord(token, 'sortkey') && isWord(tokens[j + 1], 'auto')) {
      design.sortKeyStyle = 'auto';
      j += 2;
    } else if (isWord(token, 'sortkey')) {
      design.sortKeyStyle = 'compound';
      design.sortKey = columnList(tokens, j + 1);
      j = closingParen(tokens, j + 1) + 1;
    } else if (isWord(token, 'encode') || isWord(token, 'backup')) {
      j += 2;
    } else {
      return j;
    }
  }
}

/** `CREATE [TEMP] TABLE …` as PostgreSQL, and the design to record once it has run. */
export function createTable(
  tokens: readonly Token[],
  ctx: RewriteContext,
): { pieces: Piece[]; design: TableDesign } {
  let i = 1;
  let temporary = false;
  if (isWord(tokens[i], 'local')) i += 1;
  if (isWord(tokens[i], 'temp', 'temporary')) {
    temporary = true;
    i += 1;
  }
  i += 1; // TABLE
  const ifNotExists =
    isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'not') && isWord(tokens[i + 2], 'exists');
  if (ifNotExists) i += 3;
  const name = tableName(tokens, i, temporary);
  const design = newDesign(name.schema, name.table, temporary);
  const head = `CREATE ${temporary ? 'TEMP ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}`;
  const nameText = tokens
    .slice(i, name.next)
    .map((t) => (t.kind === TOKEN_KINDS.quotedIdentifier ? `"${identifierName(t)}"` : t.text))
    .join('');
  const pieces: Piece[] = [
    text(head, tokens[0]?.start ?? 0),
    text(nameText, tokens[i]?.start ?? 0),
  ];
  let j = name.next;
  if (isSymbol(tokens[j], '(')) {
    const close = closingParen(tokens, j);
    const defs = splitArguments(tokens, j).filter((def) => !tableConstraint(def, design));
    const columns = defs.map((def) =>
      isWord(def[0], 'like') ? rewrite(def, ctx) : columnDefinition(def, design, ctx),
    );
    pieces.push(text('(', tokens[j]?.start ?? 0));
    columns.forEach((c, k) => {
      if (k > 0) pieces.push(text(',', c[0]?.start ?? 0));
      pieces.push(...c);
    });
    pieces.push(text(')', tokens[close]?.start ?? 0));
    j = close + 1;
  }
  j = tableAttributes(tokens, j, design);
  if (isWord(tokens[j], 'as')) {
    pieces.push(text('AS', tokens[j]?.start ?? 0), ...rewrite(tokens.slice(j + 1), ctx));
    j = tokens.length;
  }
  if (j < tokens.length) {
    throw new RedshiftSqlError(`unexpected "${tokens[j]?.text}" after the table definition`, {
      position: positionOf(tokens[j]),
      syntax: true,
    });
  }
  return { pieces, design };
}
