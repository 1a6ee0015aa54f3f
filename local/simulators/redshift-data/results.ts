/**
 * PostgreSQL result sets as GetStatementResult answers them: each value a Field union
 * (`longValue` for integers, `doubleValue` for floats, `stringValue` for DECIMAL, dates, times and
 * SUPER, `booleanValue`, `isNull`), and ColumnMetadata with Redshift's type names.
 */
import type { FieldDef, PoolClient } from 'pg';

/** One value of a record, as the Data API's Field union. */
export type Field =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string };

/** A column of a result set, as the Data API describes it. */
export interface ColumnMetadata {
  isCaseSensitive: boolean;
  isCurrency: boolean;
  isSigned: boolean;
  label: string;
  name: string;
  nullable: number;
  precision: number;
  scale: number;
  schemaName: string;
  tableName: string;
  typeName: string;
  length: number;
}

/** A cached result set. */
export interface QueryResult {
  columns: ColumnMetadata[];
  records: Field[][];
  /** Approximate bytes of the records as JSON (DescribeStatement's ResultSize). */
  size: number;
}

/** Field kinds, by how a PostgreSQL type's text is turned into a Field. */
const FIELD_KINDS = {
  long: 'long',
  double: 'double',
  boolean: 'boolean',
  json: 'json',
  string: 'string',
} as const;
type FieldKind = (typeof FIELD_KINDS)[keyof typeof FIELD_KINDS];

interface TypeInfo {
  name: string;
  kind: FieldKind;
  precision: number;
  signed: boolean;
  caseSensitive: boolean;
}

const type = (name: string, kind: FieldKind, precision: number, signed = false): TypeInfo => ({
  name,
  kind,
  precision,
  signed,
  caseSensitive: kind === FIELD_KINDS.string && precision === 0,
});

/** Redshift's names for the PostgreSQL types a result can have, by type OID. */
const TYPES: Record<number, TypeInfo> = {
  16: type('bool', FIELD_KINDS.boolean, 1),
  20: type('int8', FIELD_KINDS.long, 19, true),
  21: type('int2', FIELD_KINDS.long, 5, true),
  23: type('int4', FIELD_KINDS.long, 10, true),
  26: type('oid', FIELD_KINDS.long, 10),
  700: type('float4', FIELD_KINDS.double, 8, true),
  701: type('float8', FIELD_KINDS.double, 17, true),
  1700: type('numeric', FIELD_KINDS.string, 0, true),
  114: type('super', FIELD_KINDS.json, 0),
  3802: type('super', FIELD_KINDS.json, 0),
  1082: type('date', FIELD_KINDS.string, 13),
  1114: type('timestamp', FIELD_KINDS.string, 29),
  1184: type('timestamptz', FIELD_KINDS.string, 35),
  1083: type('time', FIELD_KINDS.string, 15),
  1266: type('timetz', FIELD_KINDS.string, 21),
  1186: type('interval', FIELD_KINDS.string, 49),
  1042: type('bpchar', FIELD_KINDS.string, 0),
  1043: type('varchar', FIELD_KINDS.string, 0),
  25: type('varchar', FIELD_KINDS.string, 0),
  19: type('name', FIELD_KINDS.string, 0),
  705: type('varchar', FIELD_KINDS.string, 0),
};
const FALLBACK = type('varchar', FIELD_KINDS.string, 0);

/** JSON text without the spaces PostgreSQL's jsonb output adds (Redshift prints SUPER compact). */
export function compactJson(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const ch = json[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += json[i + 1] ?? '';
        i += 1;
      } else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!/\s/.test(ch)) out += ch;
  }
  return out;
}

const CONVERT: Record<FieldKind, (text: string) => Field> = {
  long: (text) => ({ longValue: Number(text) }),
  double: (text) => {
    const value = Number(text);
    return Number.isFinite(value) ? { doubleValue: value } : { stringValue: text };
  },
  boolean: (text) => ({ booleanValue: text === 't' || text === 'true' }),
  json: (text) => ({ stringValue: compactJson(text) }),
  string: (text) => ({ stringValue: text }),
};

/** The `(precision, scale, length)` PostgreSQL's type modifier gives a column. */
function sizes(
  field: FieldDef,
  info: TypeInfo,
): { precision: number; scale: number; length: number } {
  const modifier = field.dataTypeModifier;
  if (field.dataTypeID === 1700 && modifier >= 4) {
    return {
      precision: ((modifier - 4) >> 16) & 0xffff,
      scale: (modifier - 4) & 0xffff,
      length: 0,
    };
  }
  if ((field.dataTypeID === 1043 || field.dataTypeID === 1042) && modifier >= 4) {
    return { precision: modifier - 4, scale: 0, length: modifier - 4 };
  }
  return { precision: info.precision, scale: 0, length: 0 };
}

/** The schema and table of each source table OID in `fields`. */
async function tableNames(
  client: PoolClient,
  fields: readonly FieldDef[],
): Promise<Map<number, { schema: string; table: string }>> {
  const oids = [...new Set(fields.map((f) => f.tableID).filter((oid) => oid > 0))];
  const names = new Map<number, { schema: string; table: string }>();
  if (oids.length === 0) return names;
  const { rows } = await client.query<{ oid: number; schema: string; table: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
    [oids],
  );
  for (const row of rows) names.set(row.oid, { schema: row.schema, table: row.table });
  return names;
}

/** Builds the cached result of a query run with raw text values and `rowMode: 'array'`. */
export async function toQueryResult(
  client: PoolClient,
  fields: readonly FieldDef[],
  rows: readonly (readonly (string | null)[])[],
): Promise<QueryResult> {
  const infos = fields.map((f) => TYPES[f.dataTypeID] ?? FALLBACK);
  const tables = await tableNames(client, fields);
  const columns = fields.map((field, k): ColumnMetadata => {
    const info = infos[k] ?? FALLBACK;
    const source = tables.get(field.tableID);
    return {
      isCaseSensitive: info.caseSensitive,
      isCurrency: false,
      isSigned: info.signed,
      label: field.name,
      name: field.name,
      nullable: 1,
      ...sizes(field, info),
      schemaName: source?.schema ?? '',
      tableName: source?.table ?? '',
      typeName: info.name,
    };
  });
  const converters = infos.map((info) => CONVERT[info.kind]);
  let size = 0;
  const records = rows.map((row) =>
    row.map((value, k): Field => {
      if (value === null) return { isNull: true };
      size += value.length + 16;
      return (converters[k] ?? CONVERT.string)(value);
    }),
  );
  return { columns, records, size };
}
