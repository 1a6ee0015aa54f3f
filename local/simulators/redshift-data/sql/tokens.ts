/**
 * A tokenizer for the Redshift SQL the simulator accepts. The translator works on tokens, never
 * on raw text, so a keyword inside a string literal, a quoted identifier or a comment is never
 * rewritten or refused.
 */
import { RedshiftSqlError } from './errors.ts';

/** The kinds of token the tokenizer produces. */
export const TOKEN_KINDS = {
  whitespace: 'whitespace',
  comment: 'comment',
  word: 'word',
  quotedIdentifier: 'quotedIdentifier',
  string: 'string',
  number: 'number',
  parameter: 'parameter',
  positional: 'positional',
  operator: 'operator',
  punctuation: 'punctuation',
} as const;

export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

/** One token: its kind, its exact source text, and where it starts in the source. */
export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token's first character in the statement it came from. */
  start: number;
}

const OPERATORS = [
  '->>',
  '#>>',
  '->',
  '#>',
  '::',
  '<=',
  '>=',
  '<>',
  '!=',
  '||',
  '@>',
  '<@',
  '?|',
  '?&',
  '~*',
  '!~',
];
const SINGLE_OPERATORS = new Set([...'+-*/%<>=~!@#^&|?`']);
const PUNCTUATION = new Set([...'(),;.[]:']);

function isWordStart(ch: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(ch);
}

function isWordPart(ch: string): boolean {
  return /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

/** Index just past a quoted run starting at `from` (the opening quote), doubled quotes escaped. */
function endOfQuoted(sql: string, from: number, quote: string, what: string): number {
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  throw new RedshiftSqlError(`unterminated ${what} starting at position ${from + 1}`, {
    position: from + 1,
    syntax: true,
  });
}

function endOfBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new RedshiftSqlError(`unterminated /* comment starting at position ${from + 1}`, {
    position: from + 1,
    syntax: true,
  });
}

function endOfNumber(sql: string, from: number): number {
  const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(from, from + 400));
  return from + (match?.[0].length ?? 1);
}

/** Splits `sql` into tokens; refuses what Redshift cannot read (E'' strings, $$ quoting). */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i });
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (/\s/.test(ch)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end] ?? '')) end += 1;
      push(TOKEN_KINDS.whitespace, end);
    } else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push(TOKEN_KINDS.comment, newline === -1 ? sql.length : newline);
    } else if (ch === '/' && next === '*') {
      push(TOKEN_KINDS.comment, endOfBlockComment(sql, i));
    } else if (ch === "'") {
      push(TOKEN_KINDS.string, endOfQuoted(sql, i, "'", 'string literal'));
    } else if (ch === '"') {
      push(TOKEN_KINDS.quotedIdentifier, endOfQuoted(sql, i, '"', 'quoted identifier'));
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(next))) {
      push(TOKEN_KINDS.number, endOfNumber(sql, i));
    } else if (ch === '$') {
      const match = /^\$(\d+|[A-Za-z_]*\$)/.exec(sql.slice(i, i + 64));
      if (match?.[0].endsWith('$') && match[0].length > 1) {
        throw new RedshiftSqlError(
          `dollar quoting (${match[0]}) is for stored procedure bodies, which the simulator does not support: use a '…' string literal`,
          { position: i + 1 },
        );
      }
      push(TOKEN_KINDS.positional, i + (match?.[0].length ?? 1));
    } else if (ch === ':' && next !== ':' && isWordStart(next) && sql[i - 1] !== ':') {
      let end = i + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end += 1;
      push(TOKEN_KINDS.parameter, end);
    } else if (isWordStart(ch)) {
      if ((ch === 'E' || ch === 'e') && next === "'" && !isWordPart(sql[i - 1] ?? ' ')) {
        throw new RedshiftSqlError(
          `E'…' escape strings are PostgreSQL, not Redshift: write a plain '…' literal`,
          { position: i + 1 },
        );
      }
      let end = i + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end += 1;
      push(TOKEN_KINDS.word, end);
    } else {
      const operator = OPERATORS.find((op) => sql.startsWith(op, i));
      if (operator) push(TOKEN_KINDS.operator, i + operator.length);
      else if (PUNCTUATION.has(ch)) push(TOKEN_KINDS.punctuation, i + 1);
      else if (SINGLE_OPERATORS.has(ch)) push(TOKEN_KINDS.operator, i + 1);
      else
        throw new RedshiftSqlError(`unexpected character ${JSON.stringify(ch)}`, {
          position: i + 1,
          syntax: true,
        });
    }
  }
  return tokens;
}

/** Whether a token is only layout (whitespace or a comment). */
export function isTrivia(token: Token | undefined): boolean {
  return token?.kind === TOKEN_KINDS.whitespace || token?.kind === TOKEN_KINDS.comment;
}

/** Whether `token` is the keyword or identifier `word` (case-insensitive, unquoted). */
export function isWord(token: Token | undefined, ...words: string[]): boolean {
  if (token?.kind !== TOKEN_KINDS.word) return false;
  const lower = token.text.toLowerCase();
  return words.some((w) => w === lower);
}

/** Whether `token` is the punctuation or operator `text`. */
export function isSymbol(token: Token | undefined, text: string): boolean {
  return (
    (token?.kind === TOKEN_KINDS.punctuation || token?.kind === TOKEN_KINDS.operator) &&
    token.text === text
  );
}

/** The statements of a script, split on top-level `;`, each as its meaningful tokens. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (isSymbol(token, ';')) {
      statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  statements.push(current);
  return statements.filter((s) => s.some((t) => !isTrivia(t)));
}

/** The value of a '…' string literal token. */
export function stringValue(token: Token): string {
  return token.text.slice(1, -1).replaceAll("''", "'");
}

/** A string literal for `value`, quotes doubled (standard_conforming_strings is on). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The identifier a word or quoted identifier names, folded to lower case as Redshift does
 * (quoted identifiers included, unless enable_case_sensitive_identifier is on).
 */
export function identifierName(token: Token): string {
  if (token.kind === TOKEN_KINDS.quotedIdentifier) {
    return token.text.slice(1, -1).replaceAll('""', '"').toLowerCase();
  }
  return token.text.toLowerCase();
}

/** A quoted PostgreSQL identifier for `name` (quoted always, so reserved words are safe). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
