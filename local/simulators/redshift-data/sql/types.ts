/**
 * Redshift type names and what they become in PostgreSQL. Types PostgreSQL has and Redshift does
 * not (JSONB, JSON, SERIAL, UUID, arrays) are refused with the Redshift type to use instead.
 */
import { RedshiftSqlError } from './errors.ts';
import { closingParen, type Piece, positionOf, text } from './output.ts';
import { isSymbol, isWord, TOKEN_KINDS, type Token } from './tokens.ts';

/** Where a type is written: a column definition (DDL) or a cast. */
export const TYPE_CONTEXTS = { column: 'column', cast: 'cast' } as const;
export type TypeContext = (typeof TYPE_CONTEXTS)[keyof typeof TYPE_CONTEXTS];

/** A parsed type: its PostgreSQL text, where it ends, and whether it is SUPER. */
export interface ParsedType {
  pg: string;
  next: number;
  isSuper: boolean;
}

const REFUSED_TYPES: Record<string, string> = {
  jsonb: 'JSONB is not a Redshift type: use SUPER (and JSON_PARSE to build values)',
  json: 'JSON is not a Redshift type: use SUPER (and JSON_PARSE to build values)',
  serial: 'SERIAL is PostgreSQL, not Redshift: use INTEGER IDENTITY(1,1)',
  bigserial: 'BIGSERIAL is PostgreSQL, not Redshift: use BIGINT IDENTITY(1,1)',
  smallserial: 'SMALLSERIAL is PostgreSQL, not Redshift: use SMALLINT IDENTITY(1,1)',
  uuid: 'UUID is not a Redshift type: use CHAR(36)',
  bytea: 'BYTEA is not a Redshift type: use VARBYTE (not supported by the simulator) or VARCHAR',
  hllsketch: 'HLLSKETCH is not supported by the simulator',
  geometry: 'GEOMETRY is not supported by the simulator',
  geography: 'GEOGRAPHY is not supported by the simulator',
  varbyte: 'VARBYTE is not supported by the simulator: store hex or base64 text in a VARCHAR',
};

/** Multi-word type names, longest first, and their one-word spelling. */
const MULTI_WORD: [string[], string][] = [
  [['timestamp', 'without', 'time', 'zone'], 'timestamp'],
  [['timestamp', 'with', 'time', 'zone'], 'timestamptz'],
  [['time', 'without', 'time', 'zone'], 'time'],
  [['time', 'with', 'time', 'zone'], 'timetz'],
  [['double', 'precision'], 'double precision'],
  [['character', 'varying'], 'varchar'],
  [['nvarchar'], 'varchar'],
  [['nchar'], 'char'],
];

const VARCHAR_NAMES = new Set(['varchar', 'text', 'bpchar', 'char', 'character']);

/** The message for a refused type name, if `name` is one. */
export function refusedType(name: string): string | undefined {
  return REFUSED_TYPES[name];
}

/** Reads the type starting at `i` (its name, then an optional `(…)`). */
export function parseType(tokens: readonly Token[], i: number, context: TypeContext): ParsedType {
  const first = tokens[i];
  if (first?.kind !== TOKEN_KINDS.word) {
    throw new RedshiftSqlError(`a type name is expected here`, {
      position: positionOf(first),
      syntax: true,
    });
  }
  let name = first.text.toLowerCase();
  let next = i + 1;
  for (const [words, spelled] of MULTI_WORD) {
    if (words.every((w, k) => isWord(tokens[i + k], w))) {
      name = spelled;
      next = i + words.length;
      break;
    }
  }
  const refused = REFUSED_TYPES[name];
  if (refused) throw new RedshiftSqlError(refused, { position: positionOf(first) });
  let args = '';
  if (isSymbol(tokens[next], '(')) {
    const close = closingParen(tokens, next);
    const inner = tokens.slice(next + 1, close);
    const max = inner.length === 1 && isWord(inner[0], 'max');
    args = max ? '(65535)' : `(${inner.map((t) => t.text).join('')})`;
    next = close + 1;
  }
  if (isSymbol(tokens[next], '[')) {
    throw new RedshiftSqlError('array types are not Redshift: use SUPER', {
      position: positionOf(tokens[next]),
    });
  }
  if (name === 'super') return { pg: 'jsonb', next, isSuper: true };
  if (context === TYPE_CONTEXTS.column && VARCHAR_NAMES.has(name) && args === '') {
    // Redshift: VARCHAR and TEXT without a length are VARCHAR(256); CHAR is CHAR(1).
    args = name === 'char' || name === 'character' || name === 'bpchar' ? '(1)' : '(256)';
    if (name === 'text') name = 'varchar';
  }
  if (name === 'float') name = 'double precision';
  return { pg: `${name}${args}`, next, isSuper: false };
}

/** The pieces for a parsed type, attributed to the type's first token. */
export function typePieces(parsed: ParsedType, token: Token | undefined): Piece[] {
  return [text(parsed.pg, token?.start ?? 0)];
}
