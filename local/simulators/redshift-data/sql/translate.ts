/**
 * Translates one Redshift statement of the subset in docs/redshift-dialect.md to PostgreSQL, or
 * refuses it with a {@link RedshiftSqlError} that names the construct and the Redshift way.
 * Dispatch is by the statement's first word; COPY becomes a {@link CopyCommand} the simulator
 * runs itself; DDL reports the catalog change (dist/sort keys, SUPER columns) to record.
 */

import { type CopyCommand, parseCopy } from './copy.ts';
import {
  type CatalogColumn,
  columnDefinition,
  createTable,
  newDesign,
  type TableDesign,
  tableName,
} from './create-table.ts';
import { RedshiftSqlError } from './errors.ts';
import { type RewriteContext, rewrite } from './expressions.ts';
import { checkMerge } from './merge.ts';
import { type Piece, positionOf, render, splitArguments, text } from './output.ts';
import {
  identifierName,
  isSymbol,
  isTrivia,
  isWord,
  quoteIdentifier,
  splitStatements,
  TOKEN_KINDS,
  type Token,
  tokenize,
} from './tokens.ts';

/** A change to the simulator's catalog, applied once the statement has committed. */
export type CatalogChange =
  | { kind: 'create'; design: TableDesign }
  | { kind: 'drop'; tables: { schema: string; table: string }[] }
  | { kind: 'dropSchema'; schemas: string[] }
  | { kind: 'addColumn'; schema: string; table: string; column: CatalogColumn }
  | { kind: 'alter'; schema: string; table: string; design: Partial<TableDesign> };

/** How the simulator runs a statement. */
export const PLAN_KINDS = { sql: 'sql', copy: 'copy', noop: 'noop' } as const;

/** A translated statement. */
export type StatementPlan =
  | {
      kind: typeof PLAN_KINDS.sql;
      sql: string;
      /** The SQL as pieces that map back to source positions (for error positions). */
      pieces: Piece[];
      /** `:name` parameters in `$n` order. */
      parameters: string[];
      /** BEGIN/COMMIT/ROLLBACK/END/ABORT. */
      transactionControl: boolean;
      change: CatalogChange | undefined;
    }
  | { kind: typeof PLAN_KINDS.copy; copy: CopyCommand; parameters: string[] }
  | { kind: typeof PLAN_KINDS.noop; parameters: string[]; change: CatalogChange | undefined };

/** What the translation knows of the database. */
export interface TranslateOptions {
  /** Column names of SUPER type: `name.field` is SUPER navigation, refused with a clear error. */
  superColumns?: ReadonlySet<string>;
}

type Handler = (tokens: Token[], ctx: RewriteContext) => StatementPlan;

const refuse = (message: string) => (tokens: Token[]) => {
  throw new RedshiftSqlError(message, { position: positionOf(tokens[0]) });
};

function sqlPlan(
  pieces: Piece[],
  ctx: RewriteContext,
  options: { change?: CatalogChange; transactionControl?: boolean } = {},
): StatementPlan {
  return {
    kind: PLAN_KINDS.sql,
    sql: render(pieces),
    pieces,
    parameters: ctx.parameters,
    transactionControl: options.transactionControl ?? false,
    change: options.change,
  };
}

const generic: Handler = (tokens, ctx) => sqlPlan(rewrite(tokens, ctx), ctx);

const noop = (ctx: RewriteContext, change?: CatalogChange): StatementPlan => ({
  kind: PLAN_KINDS.noop,
  parameters: ctx.parameters,
  change,
});

const CREATE_REFUSALS: [string[], string][] = [
  [['index'], 'CREATE INDEX: Redshift has no indexes; use SORTKEY (and DISTKEY) in CREATE TABLE'],
  [
    ['unique', 'index'],
    'CREATE INDEX: Redshift has no indexes; use SORTKEY (and DISTKEY) in CREATE TABLE',
  ],
  [
    ['procedure'],
    'stored procedures are not supported by the simulator: send the statements with BatchExecuteStatement',
  ],
  [
    ['or', 'replace', 'procedure'],
    'stored procedures are not supported by the simulator: send the statements with BatchExecuteStatement',
  ],
  [['function'], 'user-defined functions are not supported by the simulator'],
  [['or', 'replace', 'function'], 'user-defined functions are not supported by the simulator'],
  [
    ['external'],
    'external schemas and tables (Redshift Spectrum) are not supported by the simulator',
  ],
  [['extension'], 'CREATE EXTENSION is PostgreSQL, not Redshift'],
  [['sequence'], 'sequences are PostgreSQL, not Redshift: use an IDENTITY column'],
  [['type'], 'CREATE TYPE is PostgreSQL, not Redshift'],
];

const create: Handler = (tokens, ctx) => {
  for (const [words, message] of CREATE_REFUSALS) {
    if (words.every((w, k) => isWord(tokens[k + 1], w))) refuse(message)(tokens);
  }
  if (isWord(tokens[1], 'table', 'temp', 'temporary', 'local')) {
    const { pieces, design } = createTable(tokens, ctx);
    return sqlPlan(pieces, ctx, { change: { kind: 'create', design } });
  }
  if (isWord(tokens[1], 'user') && tokens[2] !== undefined) {
    // Password and options dropped: the user only holds grants (pg_user lists it, as Redshift
    // does); the simulator runs every statement as its own PostgreSQL user.
    const name = quoteIdentifier(identifierName(tokens[2]));
    return sqlPlan([text(`CREATE USER ${name}`, tokens[0]?.start ?? 0)], ctx);
  }
  // Late-binding views (WITH NO SCHEMA BINDING) are bound views in PostgreSQL.
  const n = tokens.length;
  const lateBinding = ['with', 'no', 'schema', 'binding'].every((w, k) =>
    isWord(tokens[n - 4 + k], w),
  );
  return generic(lateBinding ? tokens.slice(0, n - 4) : tokens, ctx);
};

const alter: Handler = (tokens, ctx) => {
  if (!isWord(tokens[1], 'table')) return generic(tokens, ctx);
  const name = tableName(tokens, 2);
  const rest = tokens.slice(name.next);
  const head = render(rewrite(tokens.slice(0, name.next), ctx));
  if (isWord(rest[0], 'add') && !isWord(rest[1], 'constraint', 'primary', 'unique', 'foreign')) {
    const def = isWord(rest[1], 'column') ? rest.slice(2) : rest.slice(1);
    const design = newDesign(name.schema, name.table);
    const pieces = columnDefinition(def, design, ctx);
    const [column] = design.columns;
    const change =
      column && ({ kind: 'addColumn', schema: name.schema, table: name.table, column } as const);
    return sqlPlan([text(`${head} ADD COLUMN`, tokens[0]?.start ?? 0), ...pieces], ctx, { change });
  }
  const keys =
    isWord(rest[0], 'alter') &&
    isWord(rest[1], 'diststyle', 'distkey', 'sortkey', 'compound', 'interleaved', 'encode');
  if (keys) {
    const patch: Partial<TableDesign> = {};
    if (isWord(rest[1], 'diststyle')) patch.distStyle = rest[2]?.text.toLowerCase();
    if (isWord(rest[1], 'distkey'))
      Object.assign(patch, { distStyle: 'key', distKey: rest[2]?.text.toLowerCase() });
    const sortAt = rest.findIndex((t) => isWord(t, 'sortkey'));
    if (sortAt !== -1 && isSymbol(rest[sortAt + 1], '(')) {
      patch.sortKey = splitArguments(rest, sortAt + 1).map((arg) =>
        identifierName(arg[0] as Token),
      );
    }
    return noop(ctx, { kind: 'alter', schema: name.schema, table: name.table, design: patch });
  }
  if (isWord(rest[0], 'append'))
    refuse('ALTER TABLE APPEND is not supported by the simulator: use INSERT … SELECT and DELETE')(
      tokens,
    );
  return generic(tokens, ctx);
};

const drop: Handler = (tokens, ctx) => {
  if (isWord(tokens[1], 'schema')) {
    const first = isWord(tokens[2], 'if') ? 4 : 2;
    const schemas = tokens
      .slice(first)
      .filter((t) => t.kind === TOKEN_KINDS.word || t.kind === TOKEN_KINDS.quotedIdentifier)
      .filter((t) => !isWord(t, 'cascade', 'restrict'))
      .map(identifierName);
    return sqlPlan(rewrite(tokens, ctx), ctx, { change: { kind: 'dropSchema', schemas } });
  }
  if (!isWord(tokens[1], 'table')) return generic(tokens, ctx);
  let i = isWord(tokens[2], 'if') ? 4 : 2;
  const tables: { schema: string; table: string }[] = [];
  while (i < tokens.length && !isWord(tokens[i], 'cascade', 'restrict')) {
    const name = tableName(tokens, i);
    tables.push({ schema: name.schema, table: name.table });
    i = name.next + 1; // past the comma
  }
  return sqlPlan(rewrite(tokens, ctx), ctx, { change: { kind: 'drop', tables } });
};

const merge: Handler = (tokens, ctx) => {
  checkMerge(tokens);
  return generic(tokens, ctx);
};

const transaction: Handler = (tokens, ctx) =>
  sqlPlan(rewrite(tokens, ctx), ctx, { transactionControl: true });

/** Handlers by the statement's first word (lower case). */
const STATEMENTS: Record<string, Handler> = {
  create,
  alter,
  drop,
  merge,
  copy: (tokens, ctx) => ({
    kind: PLAN_KINDS.copy,
    copy: parseCopy(tokens),
    parameters: ctx.parameters,
  }),
  unload: refuse(
    'UNLOAD is not supported by the simulator: SELECT the rows and page through GetStatementResult',
  ),
  call: refuse(
    'stored procedures (CALL) are not supported by the simulator: send the statements with BatchExecuteStatement',
  ),
  vacuum: (_tokens, ctx) => noop(ctx),
  analyze: (_tokens, ctx) => noop(ctx),
  begin: transaction,
  start: transaction,
  commit: transaction,
  end: transaction,
  rollback: transaction,
  abort: transaction,
};

/** Translates one statement; refuses several, or none. */
export function planStatement(sql: string, options: TranslateOptions = {}): StatementPlan {
  const statements = splitStatements(tokenize(sql));
  if (statements.length === 0)
    throw new RedshiftSqlError('the SQL statement is empty', { syntax: true });
  if (statements.length > 1) {
    const second = statements[1]?.find((t) => !isTrivia(t));
    throw new RedshiftSqlError(
      'ExecuteStatement runs one SQL statement: send several with BatchExecuteStatement (Sqls), one per entry',
      { position: positionOf(second) },
    );
  }
  const tokens = (statements[0] ?? []).filter((t) => !isTrivia(t));
  const ctx: RewriteContext = { superColumns: options.superColumns ?? new Set(), parameters: [] };
  const handler = STATEMENTS[tokens[0]?.text.toLowerCase() ?? ''] ?? generic;
  return handler(tokens, ctx);
}

/**
 * The PostgreSQL for one Redshift statement of the subset (`:name` parameters become `$1`, `$2`…
 * in order of first use). Throws a {@link RedshiftSqlError} for SQL outside the subset, and for
 * COPY, VACUUM and ANALYZE, which the simulator runs itself rather than translating.
 */
export function translateRedshiftSql(sql: string, options: TranslateOptions = {}): string {
  const plan = planStatement(sql, options);
  if (plan.kind !== PLAN_KINDS.sql) {
    throw new RedshiftSqlError(
      `${plan.kind === PLAN_KINDS.copy ? 'COPY' : 'this statement'} has no PostgreSQL translation: the simulator runs it itself`,
    );
  }
  return plan.sql;
}
