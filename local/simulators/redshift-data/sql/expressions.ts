/**
 * Rewrites the tokens of a Redshift statement (or part of one) to PostgreSQL: functions through
 * {@link FUNCTION_REWRITES}, casts to Redshift types, quoted identifiers folded to lower case,
 * `:name` parameters bound as `$n`; and refuses PostgreSQL-only syntax and SUPER navigation.
 */
import { RedshiftSqlError } from './errors.ts';
import { FUNCTION_REWRITES } from './functions.ts';
import { closingParen, type Piece, positionOf, splitArguments, text } from './output.ts';
import {
  identifierName,
  isSymbol,
  isWord,
  quoteIdentifier,
  TOKEN_KINDS,
  type Token,
} from './tokens.ts';
import { parseType, TYPE_CONTEXTS } from './types.ts';

/** What a rewrite needs to know and what it collects. */
export interface RewriteContext {
  /** Names of SUPER columns: `col.field` on one of them is SUPER navigation (refused). */
  superColumns: ReadonlySet<string>;
  /** The `:name` parameters met so far, in `$n` order. */
  parameters: string[];
}

const REFUSED_OPERATORS: Record<string, string> = {
  '->>':
    '->> is PostgreSQL JSON syntax, not Redshift: keep JSON text in a VARCHAR and read it with JSON_EXTRACT_PATH_TEXT',
  '->': '-> is PostgreSQL JSON syntax, not Redshift: read JSON text with JSON_EXTRACT_PATH_TEXT',
  '#>': '#> is PostgreSQL JSON syntax, not Redshift: read JSON text with JSON_EXTRACT_PATH_TEXT',
  '#>>': '#>> is PostgreSQL JSON syntax, not Redshift: read JSON text with JSON_EXTRACT_PATH_TEXT',
  '@>': '@> is a PostgreSQL JSONB/array operator, not Redshift',
  '<@': '<@ is a PostgreSQL JSONB/array operator, not Redshift',
  '?': '? is a PostgreSQL JSONB operator, not Redshift',
  '?|': '?| is a PostgreSQL JSONB operator, not Redshift',
  '?&': '?& is a PostgreSQL JSONB operator, not Redshift',
};

/** Word sequences refused wherever they appear, with what to use in Redshift. */
const REFUSED_WORDS: [string[], string][] = [
  [['on', 'conflict'], 'ON CONFLICT is PostgreSQL, not Redshift: use MERGE'],
  [
    ['returning'],
    'RETURNING is PostgreSQL, not Redshift: run a SELECT after the change (in the same BatchExecuteStatement)',
  ],
  [
    ['distinct', 'on'],
    'DISTINCT ON is PostgreSQL, not Redshift: use ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) and keep row 1',
  ],
  [['jsonb'], 'JSONB is not a Redshift type: use SUPER (and JSON_PARSE to build values)'],
  [['pivot'], 'PIVOT (PartiQL) is not supported by the simulator: use CASE and GROUP BY'],
  [['unpivot'], 'UNPIVOT (PartiQL) is not supported by the simulator: use UNION ALL'],
  [['lateral'], 'LATERAL is PostgreSQL, not Redshift: use a join or a CTE'],
];

const SUPER_NAVIGATION =
  'SUPER navigation and PartiQL (payload.field, payload[0]) are not supported by the simulator: store the fields you query in their own columns, or read the JSON text with JSON_SERIALIZE';

function refuseWords(tokens: readonly Token[], i: number): void {
  for (const [words, message] of REFUSED_WORDS) {
    if (words.every((w, k) => isWord(tokens[i + k], w))) {
      throw new RedshiftSqlError(message, { position: positionOf(tokens[i]) });
    }
  }
}

function isName(token: Token | undefined): boolean {
  return token?.kind === TOKEN_KINDS.word || token?.kind === TOKEN_KINDS.quotedIdentifier;
}

/** Rewrites `tokens` (no whitespace or comments) to PostgreSQL pieces. */
export function rewrite(tokens: readonly Token[], ctx: RewriteContext): Piece[] {
  const out: Piece[] = [];
  /** Output index where the last complete operand began (what a `::` cast applies to). */
  let operand = -1;
  const opens: number[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    if (token.kind === TOKEN_KINDS.positional) {
      throw new RedshiftSqlError(
        `${token.text}-style parameters are PostgreSQL: the Data API binds named parameters (:name, with Parameters [{name, value}])`,
        { position: positionOf(token) },
      );
    }
    if (token.kind === TOKEN_KINDS.parameter) {
      const name = token.text.slice(1);
      if (!ctx.parameters.includes(name)) ctx.parameters.push(name);
      operand = out.length;
      out.push(text(`$${ctx.parameters.indexOf(name) + 1}`, token.start));
      i += 1;
      continue;
    }
    if (token.kind === TOKEN_KINDS.word) {
      refuseWords(tokens, i);
      const lower = token.text.toLowerCase();
      const rewriteCall = FUNCTION_REWRITES[lower];
      if (rewriteCall && isSymbol(next, '(')) {
        const rawArgs = splitArguments(tokens, i + 1);
        const close = closingParen(tokens, i + 1);
        const args = rawArgs.map((arg) => rewrite(arg, ctx));
        operand = out.length;
        out.push(...rewriteCall({ name: token, args, rawArgs }));
        i = close + 1;
        continue;
      }
      if (lower === 'listagg' && isSymbol(next, '(')) {
        operand = out.length;
        i = listagg(tokens, i, ctx, out);
        continue;
      }
      if (lower === 'cast' && isSymbol(next, '(')) {
        operand = out.length;
        i = cast(tokens, i, ctx, out);
        continue;
      }
      if (lower === 'sysdate') {
        operand = out.length;
        out.push(text('LOCALTIMESTAMP', token.start));
        i += 1;
        continue;
      }
    }
    if (isName(token)) {
      operand = out.length;
      i = nameChain(tokens, i, ctx, out);
      continue;
    }
    if (isSymbol(token, '::')) {
      const parsed = parseType(tokens, i + 1, TYPE_CONTEXTS.cast);
      if (parsed.isSuper) {
        const target = out.splice(operand);
        const literal = target.length === 1 && target[0]?.text.startsWith("'");
        out.push(text('to_jsonb((', token.start), ...target);
        out.push(text(literal ? ')::text)' : '))', token.start));
      } else {
        out.push(text(`::${parsed.pg}`, token.start));
      }
      i = parsed.next;
      continue;
    }
    if (isSymbol(token, '[')) {
      throw new RedshiftSqlError(SUPER_NAVIGATION, { position: positionOf(token) });
    }
    const refused = token.kind === TOKEN_KINDS.operator ? REFUSED_OPERATORS[token.text] : undefined;
    if (refused) throw new RedshiftSqlError(refused, { position: positionOf(token) });
    if (isSymbol(token, '(')) {
      // A call's operand starts at its name: `f(x)::super` casts f(x), not (x).
      opens.push(isName(tokens[i - 1]) && operand === out.length - 1 ? operand : out.length);
    }
    if (isSymbol(token, ')')) operand = opens.pop() ?? out.length;
    else if (token.kind === TOKEN_KINDS.string || token.kind === TOKEN_KINDS.number) {
      operand = out.length;
    }
    out.push(text(token.text, token.start));
    i += 1;
  }
  return out;
}

/** A dotted name (`s.t.c`, `t.*`), quoted parts folded; refuses SUPER navigation. */
function nameChain(tokens: readonly Token[], i: number, ctx: RewriteContext, out: Piece[]): number {
  const parts: Token[] = [tokens[i] as Token];
  let j = i + 1;
  while (isSymbol(tokens[j], '.') && (isName(tokens[j + 1]) || isSymbol(tokens[j + 1], '*'))) {
    parts.push(tokens[j + 1] as Token);
    j += 2;
  }
  const names = parts.map((p) => (isSymbol(p, '*') ? '*' : identifierName(p)));
  const navigates =
    parts.length > 3 || names.slice(0, -1).some((name) => ctx.superColumns.has(name));
  if (navigates || isSymbol(tokens[j], '[')) {
    throw new RedshiftSqlError(SUPER_NAVIGATION, { position: positionOf(tokens[i]) });
  }
  const written = parts.map((p, k) =>
    p.kind === TOKEN_KINDS.quotedIdentifier ? quoteIdentifier(names[k] ?? '') : p.text,
  );
  out.push(text(written.join('.'), tokens[i]?.start ?? 0));
  return j;
}

/** `CAST(x AS type)`; a cast to SUPER makes a SUPER scalar (`to_jsonb`), as in Redshift. */
function cast(tokens: readonly Token[], i: number, ctx: RewriteContext, out: Piece[]): number {
  const close = closingParen(tokens, i + 1);
  let depth = 0;
  let as = -1;
  for (let k = i + 2; k < close; k += 1) {
    if (isSymbol(tokens[k], '(')) depth += 1;
    if (isSymbol(tokens[k], ')')) depth -= 1;
    if (depth === 0 && isWord(tokens[k], 'as')) as = k;
  }
  if (as === -1) {
    throw new RedshiftSqlError('CAST needs AS and a type: CAST(x AS type)', {
      position: positionOf(tokens[i]),
      syntax: true,
    });
  }
  const value = rewrite(tokens.slice(i + 2, as), ctx);
  const parsed = parseType(tokens, as + 1, TYPE_CONTEXTS.cast);
  if (parsed.next !== close) {
    throw new RedshiftSqlError('unexpected text after the type in CAST', {
      position: positionOf(tokens[parsed.next]),
      syntax: true,
    });
  }
  const start = tokens[i]?.start ?? 0;
  if (parsed.isSuper) {
    const literal = value.length === 1 && value[0]?.text.startsWith("'");
    out.push(text('to_jsonb((', start), ...value, text(literal ? ')::text)' : '))', start));
  } else {
    out.push(text('CAST(', start), ...value, text(`AS ${parsed.pg})`, start));
  }
  return close + 1;
}

/** `LISTAGG(expr[, delimiter]) [WITHIN GROUP (ORDER BY …)]` as `string_agg`. */
function listagg(tokens: readonly Token[], i: number, ctx: RewriteContext, out: Piece[]): number {
  const start = tokens[i]?.start ?? 0;
  const args = splitArguments(tokens, i + 1);
  let next = closingParen(tokens, i + 1) + 1;
  if (args.length < 1 || args.length > 2) {
    throw new RedshiftSqlError('LISTAGG takes an expression and an optional delimiter', {
      position: positionOf(tokens[i]),
    });
  }
  const [expression = [], delimiter] = args;
  const distinct = isWord(expression[0], 'distinct');
  const value = rewrite(distinct ? expression.slice(1) : expression, ctx);
  const separator = delimiter ? rewrite(delimiter, ctx) : [text("''", start)];
  let order: Piece[] = [];
  if (isWord(tokens[next], 'within') && isWord(tokens[next + 1], 'group')) {
    const open = next + 2;
    const close = closingParen(tokens, open);
    order = rewrite(tokens.slice(open + 1, close), ctx);
    next = close + 1;
  }
  out.push(text(`string_agg(${distinct ? 'DISTINCT ' : ''}(`, start), ...value);
  out.push(text(')::text,', start), ...separator, ...order, text(')', start));
  return next;
}
