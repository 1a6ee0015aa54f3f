/**
 * Runs a parsed SOQL query against the store: checks every object, field and relationship path
 * against the schema (INVALID_TYPE / INVALID_FIELD with Salesforce's messages), checks literal
 * types against field types, filters, sorts, and renders the rows with nested parent records.
 */
import { to18 } from './ids.ts';
import { renderValue } from './render.ts';
import {
  fieldNamed,
  objectNamed,
  relationshipNamed,
  type SalesforceField,
  type SalesforceObject,
  type SalesforceSchema,
} from './schema.ts';
import {
  type Condition,
  type FieldRef,
  SoqlError,
  type SoqlLiteral,
  type SoqlQuery,
} from './soql.ts';
import type { RecordStore, StoredRecord, StoredValue } from './store.ts';

/** A resolved path: the lookups to follow, then the field to read. */
interface ResolvedPath {
  hops: SalesforceField[];
  field: SalesforceField;
  /** Canonical names, for rendering (`['Account__r', 'Name']`). */
  names: string[];
}

/** The query's rows, rendered as the API answers them, and how many match. */
export interface QueryRows {
  totalSize: number;
  records: Record<string, unknown>[];
}

/** What a query runs against. */
export interface QueryContext {
  schema: SalesforceSchema;
  store: RecordStore;
  /** `62.0`: record URLs name the version the caller used. */
  version: string;
}

const NO_SUCH_COLUMN_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

function resolvePath(
  schema: SalesforceSchema,
  root: SalesforceObject,
  ref: FieldRef,
): ResolvedPath {
  let object = root;
  const hops: SalesforceField[] = [];
  const names: string[] = [];
  for (const part of ref.path.slice(0, -1)) {
    const lookup = relationshipNamed(object, part);
    const parent = lookup && objectNamed(schema, lookup.referenceTo ?? '');
    if (!lookup || !parent) {
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        ref.position,
      );
    }
    hops.push(lookup);
    names.push(lookup.relationshipName ?? part);
    object = parent;
  }
  const last = ref.path[ref.path.length - 1] ?? '';
  const field = fieldNamed(object, last);
  if (!field) {
    throw new SoqlError(
      'INVALID_FIELD',
      `No such column '${last}' on entity '${object.name}'. ${NO_SUCH_COLUMN_HINT}`,
      ref.position,
    );
  }
  names.push(field.name);
  return { hops, field, names };
}

function read(store: RecordStore, record: StoredRecord, path: ResolvedPath): StoredValue {
  let current: StoredRecord | undefined = record;
  for (const hop of path.hops) {
    const id: StoredValue | undefined = current?.[hop.name];
    current = typeof id === 'string' ? store.get(hop.referenceTo ?? '', id) : undefined;
  }
  return current?.[path.field.name] ?? null;
}

const LITERAL_KIND: Record<
  SalesforceField['type'],
  { kinds: SoqlLiteral['kind'][]; type: string; quoted: boolean }
> = {
  Id: { kinds: ['string'], type: 'id', quoted: true },
  Lookup: { kinds: ['string'], type: 'id', quoted: true },
  Text: { kinds: ['string'], type: 'string', quoted: true },
  TextArea: { kinds: ['string'], type: 'string', quoted: true },
  LongTextArea: { kinds: ['string'], type: 'string', quoted: true },
  Phone: { kinds: ['string'], type: 'string', quoted: true },
  Email: { kinds: ['string'], type: 'string', quoted: true },
  Url: { kinds: ['string'], type: 'string', quoted: true },
  Number: { kinds: ['number'], type: 'double', quoted: false },
  Checkbox: { kinds: ['boolean'], type: 'boolean', quoted: false },
  Date: { kinds: ['date'], type: 'date', quoted: false },
  DateTime: { kinds: ['datetime'], type: 'dateTime', quoted: false },
};

function checkLiteral(field: SalesforceField, value: SoqlLiteral, position: number): void {
  const expected = LITERAL_KIND[field.type];
  if (value.kind === 'null' || expected.kinds.includes(value.kind)) return;
  const quoting = expected.quoted
    ? 'should be enclosed in quotes'
    : 'should not be enclosed in quotes';
  throw new SoqlError(
    'INVALID_FIELD',
    `value of filter criterion for field '${field.name}' must be of type ${expected.type} and ${quoting}`,
    position,
  );
}

/** A comparable form of a stored value or literal, or null. */
function comparable(
  field: SalesforceField,
  value: StoredValue | SoqlLiteral,
): string | number | boolean | null {
  const raw =
    typeof value === 'object' && value !== null ? ('value' in value ? value.value : null) : value;
  if (raw === null) return null;
  if (field.type === 'Id' || field.type === 'Lookup')
    return to18(String(raw)) ?? String(raw).toLowerCase();
  if (field.type === 'DateTime') return Date.parse(String(raw));
  if (typeof raw === 'string') return raw.toLowerCase();
  return raw;
}

function likeRegex(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

type Predicate = (record: StoredRecord) => boolean;

function compile(ctx: QueryContext, root: SalesforceObject, condition: Condition): Predicate {
  if ('items' in condition) {
    const items = condition.items.map((c) => compile(ctx, root, c));
    return condition.kind === 'and'
      ? (r) => items.every((p) => p(r))
      : (r) => items.some((p) => p(r));
  }
  if ('item' in condition) {
    const inner = compile(ctx, root, condition.item);
    return (r) => !inner(r);
  }
  const path = resolvePath(ctx.schema, root, condition.field);
  const values = condition.kind === 'in' ? condition.values : [condition.value];
  for (const value of values) checkLiteral(path.field, value, condition.position);
  const wanted = values.map((v) => comparable(path.field, v));
  if (condition.kind === 'in') {
    return (r) => {
      const actual = comparable(path.field, read(ctx.store, r, path));
      const found = wanted.includes(actual);
      return condition.negated ? !found : found;
    };
  }
  const [target = null] = wanted;
  const { op } = condition;
  if (op === 'LIKE') {
    const regex = likeRegex(String(target ?? ''));
    return (r) => {
      const actual = read(ctx.store, r, path);
      return actual !== null && regex.test(String(actual));
    };
  }
  return (r) => {
    const actual = comparable(path.field, read(ctx.store, r, path));
    if (op === '=') return actual === target;
    if (op === '!=') return actual !== target;
    if (actual === null || target === null) return false;
    if (op === '<') return actual < target;
    if (op === '<=') return actual <= target;
    if (op === '>') return actual > target;
    return actual >= target;
  };
}

/** Runs `query`; throws {@link SoqlError} for an unknown object or field. */
export function runQuery(ctx: QueryContext, query: SoqlQuery): QueryRows {
  const root = objectNamed(ctx.schema, query.from.name);
  if (!root) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      query.from.position,
    );
  }
  const selected = query.fields.map((ref) => resolvePath(ctx.schema, root, ref));
  const where = query.where ? compile(ctx, root, query.where) : () => true;
  const order = query.orderBy.map((o) => ({ ...o, path: resolvePath(ctx.schema, root, o.field) }));
  let rows = ctx.store.all(root.name).filter(where);
  if (order.length > 0) {
    rows = rows.sort((a, b) => {
      for (const o of order) {
        const x = comparable(o.path.field, read(ctx.store, a, o.path));
        const y = comparable(o.path.field, read(ctx.store, b, o.path));
        if (x === y) continue;
        if (x === null) return o.nullsLast ? 1 : -1;
        if (y === null) return o.nullsLast ? -1 : 1;
        return (x < y ? -1 : 1) * (o.descending ? -1 : 1);
      }
      return 0;
    });
  }
  rows = rows.slice(
    query.offset ?? 0,
    query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit,
  );
  if (query.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => renderRow(ctx, root, r, selected)) };
}

function attributes(ctx: QueryContext, object: string, id: string) {
  return { type: object, url: `/services/data/v${ctx.version}/sobjects/${object}/${id}` };
}

function renderRow(
  ctx: QueryContext,
  root: SalesforceObject,
  record: StoredRecord,
  selected: ResolvedPath[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(ctx, root.name, record.Id) };
  for (const path of selected) {
    let target = out;
    let current: StoredRecord | undefined = record;
    let complete = true;
    path.hops.forEach((hop, i) => {
      if (!complete) return;
      const name = path.names[i] ?? hop.name;
      const id = current?.[hop.name];
      current = typeof id === 'string' ? ctx.store.get(hop.referenceTo ?? '', id) : undefined;
      if (!current) {
        if (!(name in target)) target[name] = null;
        complete = false;
        return;
      }
      const existing = target[name];
      if (typeof existing !== 'object' || existing === null) {
        target[name] = { attributes: attributes(ctx, hop.referenceTo ?? '', current.Id) };
      }
      target = target[name] as Record<string, unknown>;
    });
    if (complete) target[path.field.name] = renderValue(path.field, current?.[path.field.name]);
  }
  return out;
}
