/**
 * How long a text value may be, read from the migrations' own DDL (`name VARCHAR(n)`): Redshift
 * measures VARCHAR in bytes of UTF-8, and its COPY fails the whole load on a longer value. The
 * mapping fits every row to these limits first, so one odd event cannot fail its batch: free text
 * is cut at a character boundary, and an id or a code that does not fit fails its own event.
 */
import { MappingError, type Row } from './mapping-fields.ts';
import { MIGRATIONS } from './migrations.ts';
import type { TableName } from './tables.ts';

/** Free text a reader loses nothing essential of when it is cut; every other column is exact. */
const TRUNCATABLE = new Set(['email', 'name', 'description']);

const TABLE_DDL = /^CREATE TABLE \{schema\}\.(\w+) \(([\s\S]*)\)/;
const ADD_COLUMN = /^ALTER TABLE \{schema\}\.(\w+) ADD (?:COLUMN )?(\w+) VARCHAR\((\d+)\)/i;
const VARCHAR_COLUMN = /^\s*(\w+) VARCHAR\((\d+)\)/gim;

/** Table → column → its VARCHAR length in bytes, over every migration in order. */
function readLimits(): ReadonlyMap<string, ReadonlyMap<string, number>> {
  const limits = new Map<string, Map<string, number>>();
  const of = (table: string) => {
    const found = limits.get(table) ?? new Map<string, number>();
    limits.set(table, found);
    return found;
  };
  for (const migration of MIGRATIONS) {
    for (const sql of migration.statements) {
      const created = TABLE_DDL.exec(sql);
      if (created?.[1] !== undefined) {
        for (const [, column, bytes] of (created[2] ?? '').matchAll(VARCHAR_COLUMN)) {
          if (column !== undefined) of(created[1]).set(column, Number(bytes));
        }
      }
      const added = ADD_COLUMN.exec(sql);
      if (added?.[1] !== undefined && added[2] !== undefined) {
        of(added[1]).set(added[2], Number(added[3]));
      }
    }
  }
  return limits;
}

const LIMITS = readLimits();

/** The VARCHAR length of a column in bytes, when it is text. */
export function columnBytes(table: TableName, column: string): number | undefined {
  return LIMITS.get(table)?.get(column);
}

/** The longest prefix of `text` that is at most `bytes` bytes of UTF-8 (never half a character). */
export function truncateUtf8(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  let end = bytes;
  // A continuation byte (10xxxxxx) cannot start a character: back up to the one that does.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return encoded.subarray(0, end).toString('utf8');
}

/**
 * The row with free text cut to its column's length; throws a {@link MappingError} naming the
 * column when an id or a code is longer than its column (loading it cut would corrupt a key).
 */
export function fitRow(table: TableName, row: Row, what: string): Row {
  let fitted: Row | undefined;
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== 'string') continue;
    const limit = columnBytes(table, column);
    if (limit === undefined) continue;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes <= limit) continue;
    if (!TRUNCATABLE.has(column)) {
      throw new MappingError(
        `${what}: ${table}.${column} is ${bytes} bytes, longer than its VARCHAR(${limit}); it is not cut, since it identifies something. Widen the column with a migration if Stripe now sends longer values.`,
        { context: { connector: 'warehouse', table, column } },
      );
    }
    fitted = fitted ?? { ...row };
    fitted[column] = truncateUtf8(value, limit);
  }
  return fitted ?? row;
}
