/**
 * Saving records: create, update by Id and upsert by external id, for one record and for sObject
 * Collections (up to 200 records, results in request order, `allOrNone` rolling back every write
 * of the call when one record fails).
 */
import { ERROR_CODES, type RecordError, recordError } from './errors.ts';
import { fieldNamed, objectNamed, type SalesforceField, type SalesforceObject } from './schema.ts';
import type { StoredRecord, StoredValue } from './store.ts';
import {
  duplicateValues,
  missingRequired,
  prepareWrite,
  WRITE_MODES,
  type WriteContext,
} from './validate.ts';
import { coerce } from './values.ts';

/** One record's result, as a SaveResult / UpsertResult of the API. */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

/** Where a record goes: a new record, an existing one by Id, or an upsert by external id. */
export type SaveTarget =
  | { kind: 'create' }
  | { kind: 'update'; id: string }
  | { kind: 'upsert'; field: SalesforceField; value: StoredValue };

/** Options of a collection call. */
export interface CollectionOptions {
  allOrNone: boolean;
  /** Indexes of records to fail with UNABLE_TO_LOCK_ROW (an injected fault). */
  locked?: ReadonlySet<number>;
}

/** A record of a collection: its object (from `attributes.type`) and its fields. */
export interface CollectionRecord {
  object: SalesforceObject | undefined;
  typeName: string | undefined;
  body: Record<string, unknown>;
}

const ROLLED_BACK = recordError(
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'Record rolled back because not all records were valid and the request was using AllOrNone header',
);

/** Saves one record to `target`; never throws for a bad record, it answers its errors. */
export function saveRecord(
  ctx: WriteContext,
  object: SalesforceObject,
  body: Record<string, unknown>,
  target: SaveTarget,
): SaveResult {
  const existing = existingFor(ctx, object, target);
  if ('error' in existing) return { success: false, errors: [existing.error] };
  const record = existing.record;
  const mode = record ? WRITE_MODES.update : WRITE_MODES.create;
  const { values, errors } = prepareWrite(ctx, object, withoutKey(body, target), mode);
  if (target.kind === 'upsert' && record === undefined) values[target.field.name] = target.value;
  const missing = missingRequired(object, values, record);
  if (missing) errors.push(missing);
  errors.push(...duplicateValues(ctx, object, values, record?.Id));
  if (errors.length > 0) {
    return { ...(target.kind === 'update' ? { id: target.id } : {}), success: false, errors };
  }
  if (record) {
    ctx.store.update(object, record.Id, values);
    return { id: record.Id, success: true, errors: [], ...createdFlag(target, false) };
  }
  const created = ctx.store.insert(
    object,
    { ...checkboxDefaults(object), ...values },
    (id): Record<string, StoredValue> => (object.custom ? { Name: id } : {}),
  );
  return { id: created.Id, success: true, errors: [], ...createdFlag(target, true) };
}

function createdFlag(target: SaveTarget, created: boolean): { created?: boolean } {
  return target.kind === 'upsert' ? { created } : {};
}

/** The external id field in an upsert body only repeats the URL's value: it is not rewritten. */
function withoutKey(body: Record<string, unknown>, target: SaveTarget): Record<string, unknown> {
  if (target.kind !== 'upsert') return body;
  const wanted = target.field.name.toLowerCase();
  return Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== wanted));
}

function existingFor(
  ctx: WriteContext,
  object: SalesforceObject,
  target: SaveTarget,
): { record: StoredRecord | undefined } | { error: RecordError } {
  if (target.kind === 'create') return { record: undefined };
  if (target.kind === 'update') {
    const record = ctx.store.get(object.name, target.id);
    if (record) return { record };
    return { error: recordError('ENTITY_IS_DELETED', 'entity is deleted') };
  }
  const matches = ctx.store.findBy(object, target.field, target.value);
  if (matches.length > 1) {
    return {
      error: recordError(
        'DUPLICATE_EXTERNAL_ID',
        `${target.field.name}: more than one record found for external id field: ${matches.map((r) => r.Id).join(', ')}`,
        [target.field.name],
      ),
    };
  }
  return { record: matches[0] };
}

function checkboxDefaults(object: SalesforceObject): Record<string, StoredValue> {
  return Object.fromEntries(
    Object.values(object.fields)
      .filter((f) => f.type === 'Checkbox')
      .map((f) => [f.name, f.defaultValue ?? false]),
  );
}

/** Reads `records` of a collection body into objects and bodies (structure checked by caller). */
export function readCollection(ctx: WriteContext, records: unknown[]): CollectionRecord[] {
  return records.map((raw) => {
    const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const attributes = body.attributes as { type?: unknown } | undefined;
    const typeName = typeof attributes?.type === 'string' ? attributes.type : undefined;
    const object = typeName === undefined ? undefined : objectNamed(ctx.schema, typeName);
    return { object, typeName, body };
  });
}

/**
 * Upserts a collection by `field`: checks each record's type and key, fails every record whose
 * key appears twice with DUPLICATE_VALUE, then saves in order.
 */
export function upsertCollection(
  ctx: WriteContext,
  object: SalesforceObject,
  field: SalesforceField,
  records: CollectionRecord[],
  options: CollectionOptions,
): SaveResult[] {
  const keys = records.map((r) => keyOf(r, field));
  const seen = new Map<string, number>();
  for (const key of keys) if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1);
  return runCollection(ctx, records, options, (record, index) => {
    const typeError = checkType(record, object);
    if (typeError) return fail(typeError);
    const raw = Object.entries(record.body).find(
      ([k]) => k.toLowerCase() === field.name.toLowerCase(),
    );
    if (raw === undefined || raw[1] === null || raw[1] === '') {
      return fail(recordError(ERROR_CODES.missingArgument, `${field.name} not specified`));
    }
    const key = keys[index];
    if (key !== undefined && (seen.get(key) ?? 0) > 1) {
      return fail(
        recordError('DUPLICATE_VALUE', `Duplicate external id specified: ${String(raw[1])}`, [
          field.name,
        ]),
      );
    }
    const coerced = coerce(field, raw[1]);
    if ('error' in coerced) return fail(coerced.error);
    if (options.locked?.has(index)) {
      const existing = ctx.store.findBy(object, field, coerced.value)[0];
      return fail(lockError(existing?.Id));
    }
    return saveRecord(ctx, object, record.body, { kind: 'upsert', field, value: coerced.value });
  });
}

/** Creates a collection (records may be of several objects). */
export function createCollection(
  ctx: WriteContext,
  records: CollectionRecord[],
  options: CollectionOptions,
): SaveResult[] {
  return runCollection(ctx, records, options, (record, index) => {
    const typeError = checkType(record, undefined);
    if (typeError || !record.object) return fail(typeError ?? unknownType(record.typeName));
    if (fieldOf(record, 'Id') !== undefined) {
      return fail(recordError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']));
    }
    if (options.locked?.has(index)) return fail(lockError(undefined));
    return saveRecord(ctx, record.object, record.body, { kind: 'create' });
  });
}

/** Updates a collection by the `id` of each record. */
export function updateCollection(
  ctx: WriteContext,
  records: CollectionRecord[],
  options: CollectionOptions,
): SaveResult[] {
  return runCollection(ctx, records, options, (record, index) => {
    const typeError = checkType(record, undefined);
    if (typeError || !record.object) return fail(typeError ?? unknownType(record.typeName));
    const id = fieldOf(record, 'Id');
    if (typeof id !== 'string' || id === '') {
      return fail(recordError(ERROR_CODES.missingArgument, 'Id not specified in an update call'));
    }
    if (options.locked?.has(index)) return { id, ...fail(lockError(id)) };
    const body = Object.fromEntries(
      Object.entries(record.body).filter(([k]) => k.toLowerCase() !== 'id'),
    );
    return saveRecord(ctx, record.object, body, { kind: 'update', id });
  });
}

function runCollection(
  ctx: WriteContext,
  records: CollectionRecord[],
  options: CollectionOptions,
  save: (record: CollectionRecord, index: number) => SaveResult,
): SaveResult[] {
  return ctx.store.transaction(() => {
    const results = records.map((record, index) => save(record, index));
    const failed = results.some((r) => !r.success);
    if (!options.allOrNone || !failed) return { result: results, rollback: false };
    const rolledBack = results.map((r) =>
      r.success ? { success: false, errors: [ROLLED_BACK] } : r,
    );
    return { result: rolledBack, rollback: true };
  });
}

function fail(error: RecordError): SaveResult {
  return { success: false, errors: [error] };
}

function lockError(id: string | undefined): RecordError {
  return recordError(
    ERROR_CODES.lockRow,
    id === undefined
      ? 'unable to obtain exclusive access to this record'
      : `unable to obtain exclusive access to this record or 1 records: ${id}`,
  );
}

function unknownType(typeName: string | undefined): RecordError {
  return typeName === undefined
    ? recordError('INVALID_TYPE', 'Each record needs an attributes map with its sObject type')
    : recordError('INVALID_TYPE', `sObject type '${typeName}' is not supported.`);
}

function checkType(
  record: CollectionRecord,
  expected: SalesforceObject | undefined,
): RecordError | undefined {
  if (!record.object) return unknownType(record.typeName);
  if (expected && record.object.name !== expected.name) {
    return recordError(
      'INVALID_TYPE',
      `The records of this call must all be ${expected.name}, not ${record.object.name}`,
    );
  }
  return undefined;
}

function keyOf(record: CollectionRecord, field: SalesforceField): string | undefined {
  const raw = Object.entries(record.body).find(
    ([k]) => k.toLowerCase() === field.name.toLowerCase(),
  );
  if (raw === undefined || raw[1] === null || raw[1] === undefined) return undefined;
  const text = String(raw[1]);
  return field.caseSensitive ? text : text.toLowerCase();
}

function fieldOf(record: CollectionRecord, name: string): unknown {
  const entry = Object.entries(record.body).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

/** The external id field `name` of `object`, when it is one (the API's upsert key). */
export function externalIdField(
  object: SalesforceObject,
  name: string,
): SalesforceField | undefined {
  const field = fieldNamed(object, name);
  return field?.externalId ? field : undefined;
}
