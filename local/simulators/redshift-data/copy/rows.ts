/**
 * One JSON object as a row of the COPY's table: keys matched to columns (exactly, or ignoring
 * case with ignorecase), missing keys NULL, nested objects and arrays kept as JSON for SUPER
 * columns and refused for the others, epoch numbers turned into timestamps with TIMEFORMAT
 * 'epochsecs'. VARCHAR lengths are bytes of UTF-8, as in Redshift: a longer string fails the
 * load (`String length exceeds DDL length`), or is cut at a character boundary with
 * TRUNCATECOLUMNS.
 */
import { type CopyCommand, TIME_FORMATS } from '../sql/copy.ts';
import { type JsonRecord, LoadError } from './json-records.ts';

/** A column being loaded: its name and PostgreSQL type as `format_type` writes it. */
export interface TargetColumn {
  name: string;
  type: string;
}

const EPOCH_UNIT_MS: Record<string, number> = {
  [TIME_FORMATS.epochSecs]: 1000,
  [TIME_FORMATS.epochMillisecs]: 1,
};

function isTimestamp(type: string): boolean {
  return type.startsWith('timestamp');
}

/** ISO text for an epoch number, in UTC (with the zone for TIMESTAMPTZ columns). */
function fromEpoch(value: number, unitMs: number, type: string): string {
  const iso = new Date(value * unitMs).toISOString();
  return type.includes('with time zone') ? iso : iso.slice(0, -1);
}

function lengthOf(type: string): number | undefined {
  const match = /^character(?: varying)?\((\d+)\)$/.exec(type);
  return match ? Number(match[1]) : undefined;
}

/** The longest prefix of `text` that fits `bytes` bytes of UTF-8, never half a character. */
function cutToBytes(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  let end = bytes;
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return encoded.subarray(0, end).toString('utf8');
}

/** The text as the column takes it: within its length in bytes, cut or refused. */
function fitted(text: string, column: TargetColumn, copy: CopyCommand, line: number): string {
  const length = lengthOf(column.type);
  if (length === undefined || Buffer.byteLength(text, 'utf8') <= length) return text;
  if (copy.truncateColumns) return cutToBytes(text, length);
  throw new LoadError(
    `String length exceeds DDL length: ${Buffer.byteLength(text, 'utf8')} bytes for ${column.name} (${column.type}, bytes in Redshift); COPY … TRUNCATECOLUMNS cuts it instead.`,
    { line, column: column.name },
  );
}

/** A value for one column, or a LoadError saying why it cannot be loaded. */
function convert(value: unknown, column: TargetColumn, copy: CopyCommand, line: number): unknown {
  if (column.type === 'jsonb') return value;
  if (typeof value === 'object') {
    throw new LoadError(
      `Invalid JSONPath format: a JSON ${Array.isArray(value) ? 'array' : 'object'} cannot be loaded into column ${column.name} (${column.type}); declare it SUPER.`,
      { line, column: column.name },
    );
  }
  const unitMs = EPOCH_UNIT_MS[copy.timeFormat];
  if (typeof value === 'number' && unitMs !== undefined && isTimestamp(column.type)) {
    return fromEpoch(value, unitMs, column.type);
  }
  if (typeof value === 'string') {
    let text = value;
    if (text.includes('\u0000')) {
      if (copy.acceptInvChars === undefined) {
        throw new LoadError(
          `Invalid character (NUL) in column ${column.name}; COPY … ACCEPTINVCHARS replaces it.`,
          {
            line,
            column: column.name,
          },
        );
      }
      text = text.replaceAll('\u0000', copy.acceptInvChars);
    }
    return fitted(text, column, copy, line);
  }
  return value;
}

/** The row for one JSON object, keyed by column name. */
export function toRow(
  record: JsonRecord,
  columns: readonly TargetColumn[],
  copy: CopyCommand,
): Record<string, unknown> {
  const source = record.value;
  let byName: Record<string, unknown> = source;
  if (copy.ignoreCase) {
    byName = {};
    for (const [key, value] of Object.entries(source)) byName[key.toLowerCase()] = value;
  }
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    const value = Object.hasOwn(byName, column.name) ? byName[column.name] : undefined;
    if (value === undefined || value === null) continue;
    row[column.name] = convert(value, column, copy, record.line);
  }
  return row;
}
