/**
 * Checks one record of a write as an org does before it saves: every key names a field (or a
 * relationship given by a parent's external id), values fit their fields, read-only fields are
 * left alone, lookups point at records of the right object, required fields are present on
 * create and unique fields stay unique. Problems come back as the record's errors.
 */
import { type RecordError, recordError } from './errors.ts';
import { to18 } from './ids.ts';
import {
  fieldNamed,
  objectNamed,
  relationshipNamed,
  type SalesforceField,
  type SalesforceObject,
  type SalesforceSchema,
} from './schema.ts';
import type { RecordStore, StoredValue } from './store.ts';
import { coerce } from './values.ts';

/** Create or update: decides which fields may be written and whether required ones must be. */
export const WRITE_MODES = { create: 'create', update: 'update' } as const;
export type WriteMode = (typeof WRITE_MODES)[keyof typeof WRITE_MODES];

/** What a write needs to look things up. */
export interface WriteContext {
  schema: SalesforceSchema;
  store: RecordStore;
}

/** The typed values to store, and the errors found (the write fails when there are any). */
export interface PreparedWrite {
  values: Record<string, StoredValue>;
  errors: RecordError[];
}

/** Validates `body` (a record of a request, without `attributes`) for `object`. */
export function prepareWrite(
  ctx: WriteContext,
  object: SalesforceObject,
  body: Record<string, unknown>,
  mode: WriteMode,
): PreparedWrite {
  const values: Record<string, StoredValue> = {};
  const errors: RecordError[] = [];
  const readOnly: string[] = [];
  const viaRelationship = new Set<string>();
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const field = fieldNamed(object, key);
    if (field) {
      const writable = mode === WRITE_MODES.create ? field.createable : field.updateable;
      if (!writable) {
        readOnly.push(field.name);
        continue;
      }
      if (viaRelationship.has(field.name)) {
        errors.push(bothGiven(field));
        continue;
      }
      const coerced = coerce(field, raw);
      if ('error' in coerced) errors.push(coerced.error);
      else values[field.name] = coerced.value;
      continue;
    }
    const lookup = relationshipNamed(object, key);
    if (!lookup) {
      errors.push(
        recordError('INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`),
      );
      continue;
    }
    if (lookup.name in values) {
      errors.push(bothGiven(lookup));
      continue;
    }
    viaRelationship.add(lookup.name);
    const resolved = resolveRelationship(ctx, lookup, raw);
    if ('error' in resolved) errors.push(resolved.error);
    else values[lookup.name] = resolved.value;
  }
  if (readOnly.length > 0) {
    errors.push(
      recordError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        readOnly,
      ),
    );
  }
  for (const field of Object.values(object.fields)) {
    if (field.type !== 'Lookup' || viaRelationship.has(field.name)) continue;
    const id = values[field.name];
    if (typeof id === 'string') {
      const checked = checkLookup(ctx, field, id);
      if ('error' in checked) errors.push(checked.error);
      else values[field.name] = checked.value;
    }
  }
  return { values, errors };
}

function bothGiven(lookup: SalesforceField): RecordError {
  return recordError(
    'INVALID_FIELD',
    `Cannot specify both an external ID reference ${lookup.relationshipName} and a salesforce id, ${lookup.name}`,
    [lookup.name],
  );
}

type Resolved = { value: StoredValue } | { error: RecordError };

function checkLookup(ctx: WriteContext, field: SalesforceField, id: string): Resolved {
  const parent = ctx.store.objectOfId(id);
  if (!parent || parent.name !== field.referenceTo) {
    return {
      error: recordError(
        'FIELD_INTEGRITY_EXCEPTION',
        `${field.label}: id value of incorrect type: ${id}`,
        [field.name],
      ),
    };
  }
  const record = ctx.store.get(parent.name, id);
  if (!record) {
    return {
      error: recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]),
    };
  }
  return { value: record.Id };
}

/** `Account__r: {Stripe_Customer_Id__c: 'cus_1'}` → the parent's Id. */
function resolveRelationship(ctx: WriteContext, lookup: SalesforceField, raw: unknown): Resolved {
  if (raw === null) return { value: null };
  const parent = objectNamed(ctx.schema, lookup.referenceTo ?? '');
  const keys =
    typeof raw === 'object' && !Array.isArray(raw)
      ? Object.keys(raw).filter((k) => k !== 'attributes')
      : [];
  const [key] = keys;
  if (!parent || key === undefined || keys.length !== 1) {
    return {
      error: recordError(
        'INVALID_FIELD',
        `${lookup.relationshipName} must name its parent by one external id field, such as {"${externalIdOf(parent) ?? 'External_Id__c'}": "…"}`,
        [lookup.name],
      ),
    };
  }
  const extField = fieldNamed(parent, key);
  if (!extField?.externalId) {
    return {
      error: recordError(
        'INVALID_FIELD',
        `Field ${key} on ${parent.name} is not an External ID field, so ${lookup.relationshipName} cannot refer to a ${parent.name} by it`,
        [lookup.name],
      ),
    };
  }
  const value = (raw as Record<string, unknown>)[key];
  const coerced = coerce(extField, value);
  const matches = 'value' in coerced ? ctx.store.findBy(parent, extField, coerced.value) : [];
  const [match] = matches;
  if (matches.length > 1) {
    return {
      error: recordError(
        'DUPLICATE_EXTERNAL_ID',
        `Foreign key external ID: ${String(value)} matched more than one record for field ${extField.name} in entity ${parent.name}`,
        [lookup.name],
      ),
    };
  }
  if (!match) {
    return {
      error: recordError(
        'INVALID_FIELD',
        `Foreign key external ID: ${String(value)} not found for field ${extField.name} in entity ${parent.name}`,
      ),
    };
  }
  return { value: match.Id };
}

function externalIdOf(object: SalesforceObject | undefined): string | undefined {
  return Object.values(object?.fields ?? {}).find((f) => f.externalId)?.name;
}

/** REQUIRED_FIELD_MISSING for the required fields a create leaves empty. */
export function missingRequired(
  object: SalesforceObject,
  values: Record<string, StoredValue>,
  existing: Record<string, StoredValue> | undefined,
): RecordError | undefined {
  const missing = Object.values(object.fields)
    .filter((f) => f.required)
    .filter((f) => {
      const value = f.name in values ? values[f.name] : existing?.[f.name];
      return value === null || value === undefined;
    })
    .map((f) => f.name);
  if (missing.length === 0) return undefined;
  return recordError(
    'REQUIRED_FIELD_MISSING',
    `Required fields are missing: [${missing.join(', ')}]`,
    missing,
  );
}

/** DUPLICATE_VALUE for a unique field whose value another record already holds. */
export function duplicateValues(
  ctx: WriteContext,
  object: SalesforceObject,
  values: Record<string, StoredValue>,
  selfId: string | undefined,
): RecordError[] {
  const errors: RecordError[] = [];
  for (const field of Object.values(object.fields)) {
    if (!field.unique || !(field.name in values)) continue;
    const other = ctx.store
      .findBy(object, field, values[field.name] ?? null)
      .find((r) => r.Id !== (selfId === undefined ? undefined : to18(selfId)));
    if (other) {
      errors.push(
        recordError(
          'DUPLICATE_VALUE',
          `duplicate value found: ${field.name} duplicates value on record with id: ${other.Id}`,
          [field.name],
        ),
      );
    }
  }
  return errors;
}
