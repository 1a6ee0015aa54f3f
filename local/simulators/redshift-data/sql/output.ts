/**
 * The translated SQL as pieces that remember where in the Redshift statement they came from, so
 * a PostgreSQL error position can be reported against the SQL the client sent.
 */
import { RedshiftSqlError } from './errors.ts';
import { isSymbol, type Token } from './tokens.ts';

/** A piece of translated SQL and the source offset it stands for. */
export interface Piece {
  text: string;
  start: number;
}

/** Pieces for generated text attributed to `start`. */
export const text = (value: string, start: number): Piece => ({ text: value, start });

/** Joins pieces into SQL, one space between them. */
export function render(pieces: readonly Piece[]): string {
  return pieces.map((p) => p.text).join(' ');
}

/** The 1-based source position for a 1-based position in `render(pieces)`. */
export function sourcePosition(pieces: readonly Piece[], position: number): number {
  let offset = 0;
  for (const piece of pieces) {
    const end = offset + piece.text.length;
    if (position - 1 <= end) return piece.start + 1;
    offset = end + 1;
  }
  return (pieces.at(-1)?.start ?? 0) + 1;
}

/** The index of the `)` closing the `(` at `open`. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if (isSymbol(tokens[i], '(')) depth += 1;
    else if (isSymbol(tokens[i], ')')) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new RedshiftSqlError('a "(" is never closed', {
    position: (tokens[open]?.start ?? 0) + 1,
    syntax: true,
  });
}

/** The tokens between the parentheses at `open`, split on top-level commas. */
export function splitArguments(tokens: readonly Token[], open: number): Token[][] {
  const close = closingParen(tokens, open);
  const args: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = open + 1; i < close; i += 1) {
    const token = tokens[i] as Token;
    if (isSymbol(token, '(')) depth += 1;
    if (isSymbol(token, ')')) depth -= 1;
    if (depth === 0 && isSymbol(token, ',')) {
      args.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0 || args.length > 0) args.push(current);
  return args;
}

/** Where a token is, as a 1-based position for errors. */
export const positionOf = (token: Token | undefined): number => (token?.start ?? 0) + 1;
