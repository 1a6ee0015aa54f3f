/**
 * Where each logical value of the mapping lands in Salesforce: the documented default map
 * (`field-map.json`, explained in docs/salesforce-field-map.md), a user's override merged over it,
 * and the Salesforce record one write becomes.
 */
import { ConfigError } from '../../config.ts';
import defaults from './field-map.json' with { type: 'json' };
import { RECORD_KINDS, type RecordKind, type RecordWrite } from './mapping.ts';

/** Where one kind of record lives in Salesforce. */
export interface ObjectMap {
  /** The object's API name, e.g. `Account`, `Stripe_Invoice__c`. */
  object: string;
  /** The External ID field holding the Stripe id; records are upserted by it. */
  externalIdField: string;
  /** Logical key → Salesforce field API name; null means "do not write this value". */
  fields: Readonly<Record<string, string | null>>;
  /** Parent kind → the relationship name of the lookup to it, e.g. `Account__r`. */
  parents: Readonly<Partial<Record<RecordKind, string>>>;
}

export type FieldMap = Readonly<Record<RecordKind, ObjectMap>>;

/** The kinds a record may point to: only records written before it (RECORD_KINDS order). */
const PARENT_KINDS: Readonly<Record<RecordKind, readonly RecordKind[]>> = {
  account: [],
  subscription: ['account'],
  invoice: ['account', 'subscription'],
  payment: ['account', 'invoice'],
};

const SETTINGS = ['object', 'externalIdField', 'fields', 'parents'] as const;

/** What may follow a custom name after `__`, and an example, by what is named. */
const NAMES = {
  object: { suffixes: ['c'], example: 'Stripe_Invoice__c' },
  field: { suffixes: ['c', 'pc'], example: 'Billing_Email__c' },
  relationship: { suffixes: ['r', 'pr'], example: 'Account__r' },
} as const;

type NameKind = keyof typeof NAMES;

const NAME_PART = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;
const MAX_NAME_PART_LENGTH = 40;

/**
 * Whether `name` is a Salesforce API name: a standard name (`BillingCity`), or a custom one with
 * an optional namespace (`Billing_Email__c`, `acme__Billing_Email__c`). Each part starts with a
 * letter, holds letters, digits and single underscores, does not end in one, and is ≤ 40 long.
 */
function isApiName(name: string, suffixes: readonly string[]): boolean {
  const parts = name.split('__');
  const suffix = parts.length > 1 ? parts.at(-1)?.toLowerCase() : undefined;
  const custom = suffix !== undefined && suffixes.includes(suffix);
  const named = custom ? parts.slice(0, -1) : parts;
  if (named.length > (custom ? 2 : 1)) return false;
  return named.every((part) => NAME_PART.test(part) && part.length <= MAX_NAME_PART_LENGTH);
}

function isRecordKind(value: string): value is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(value);
}

/** What a value is, for messages: `null`, `an array`, `an object`, `a number`, … */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function asObject(value: unknown, what: string, expected: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new ConfigError(`${what} must be ${expected}; it is ${describe(value)}.`);
}

/** `value` as the API name of an object, field or relationship; `orNull` says what null would do. */
function asName(value: unknown, what: string, kind: NameKind, orNull = ''): string {
  if (typeof value !== 'string') {
    throw new ConfigError(
      `${what} must be a Salesforce ${kind} API name (a string)${orNull}; it is ${describe(value)}.`,
    );
  }
  if (!isApiName(value, NAMES[kind].suffixes)) {
    throw new ConfigError(
      `${what} is "${value}", which is not a Salesforce ${kind} API name: use letters, digits and ` +
        `single underscores, starting with a letter, as in ${NAMES[kind].example}${orNull}.`,
    );
  }
  return value;
}

function mergeFields(
  base: ObjectMap['fields'],
  raw: unknown,
  at: string,
): Record<string, string | null> {
  const fields = { ...base };
  const override = asObject(raw, at, 'an object from logical key to Salesforce field or null');
  for (const [key, value] of Object.entries(override)) {
    if (!Object.hasOwn(base, key)) {
      throw new ConfigError(
        `${at} has an unknown logical key "${key}"; the keys are ${Object.keys(base).join(', ')}.`,
      );
    }
    fields[key] =
      value === null ? null : asName(value, `${at}.${key}`, 'field', ', or null to not write it');
  }
  return fields;
}

function mergeParents(
  kind: RecordKind,
  base: ObjectMap['parents'],
  raw: unknown,
  at: string,
): Partial<Record<RecordKind, string>> {
  const parents = { ...base };
  const override = asObject(raw, at, 'an object from parent kind to relationship name or null');
  const allowed = PARENT_KINDS[kind];
  for (const [parent, value] of Object.entries(override)) {
    if (!isRecordKind(parent) || !allowed.includes(parent)) {
      const known =
        allowed.length > 0
          ? `the parents of ${kind} are ${allowed.join(', ')}`
          : `${kind} has no parents`;
      throw new ConfigError(`${at} has an unknown parent "${parent}"; ${known}.`);
    }
    if (value === null) delete parents[parent];
    else
      parents[parent] = asName(
        value,
        `${at}.${parent}`,
        'relationship',
        ', or null to not link it',
      );
  }
  return parents;
}

function mergeObjectMap(kind: RecordKind, base: ObjectMap, raw: unknown, at: string): ObjectMap {
  const override = asObject(raw, at, `an object with any of ${SETTINGS.join(', ')}`);
  for (const key of Object.keys(override)) {
    if (!(SETTINGS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `${at} has an unknown setting "${key}"; the settings are ${SETTINGS.join(', ')}.`,
      );
    }
  }
  const { object, externalIdField, fields, parents } = override;
  return {
    object: object === undefined ? base.object : asName(object, `${at}.object`, 'object'),
    externalIdField:
      externalIdField === undefined
        ? base.externalIdField
        : asName(externalIdField, `${at}.externalIdField`, 'field'),
    fields: fields === undefined ? base.fields : mergeFields(base.fields, fields, `${at}.fields`),
    parents:
      parents === undefined
        ? base.parents
        : mergeParents(kind, base.parents, parents, `${at}.parents`),
  };
}

/** Each Salesforce field holds one value: no two keys, nor a key and the upsert key, share one. */
function checkTargets(map: FieldMap, source: string): void {
  for (const kind of RECORD_KINDS) {
    const { object, externalIdField, fields } = map[kind];
    const seen = new Map<string, string>();
    for (const [key, field] of Object.entries(fields)) {
      if (field === null) continue;
      const at = `${source}: ${kind}.fields.${key}`;
      if (field.toLowerCase() === externalIdField.toLowerCase()) {
        throw new ConfigError(
          `${at} writes ${field}, the External ID field ${object} records are upserted by; point it at another field or set it to null.`,
        );
      }
      const other = seen.get(field.toLowerCase());
      if (other !== undefined) {
        throw new ConfigError(
          `${at} and ${kind}.fields.${other} both write ${object}.${field}; a field holds one value: point one of them at another field or set it to null.`,
        );
      }
      seen.set(field.toLowerCase(), key);
    }
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}

/** The documented defaults (field-map.json), checked like an override when the module loads. */
export const DEFAULT_FIELD_MAP: FieldMap = deepFreeze(structuredClone(defaults) satisfies FieldMap);
checkTargets(DEFAULT_FIELD_MAP, 'shared/connectors/salesforce/field-map.json');

/** The override as a value: JSON text parsed, blank text as nothing. */
function overrideValue(override: unknown, source: string): unknown {
  if (typeof override !== 'string') return override;
  if (override.trim() === '') return undefined;
  try {
    return JSON.parse(override);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `${source} is not valid JSON (${reason}); set it to a JSON object such as {"account": {"fields": {"email": "Billing_Email__c"}}}.`,
      { cause: error },
    );
  }
}

/**
 * A user's override (JSON text or parsed), merged over the defaults: only what it names changes.
 * Nothing (undefined, null, empty text) gives the defaults. Throws an Error whose message names
 * `source` and says exactly what is wrong (unknown kind, unknown logical key — listing the known
 * ones —, a field name that is not a valid Salesforce API name, duplicate target fields within
 * one object). Call it once at cold start with the SALESFORCE_FIELD_MAP setting.
 */
export function parseFieldMap(override: unknown, source: string): FieldMap {
  const parsed = overrideValue(override, source);
  if (parsed === undefined || parsed === null) return DEFAULT_FIELD_MAP;
  const kinds = asObject(
    parsed,
    source,
    `a JSON object keyed by record kind (${RECORD_KINDS.join(', ')})`,
  );
  for (const kind of Object.keys(kinds)) {
    if (!isRecordKind(kind)) {
      throw new ConfigError(
        `${source} names an unknown record kind "${kind}"; the kinds are ${RECORD_KINDS.join(', ')}.`,
      );
    }
  }
  const merged = (kind: RecordKind): ObjectMap =>
    kinds[kind] === undefined
      ? DEFAULT_FIELD_MAP[kind]
      : mergeObjectMap(kind, DEFAULT_FIELD_MAP[kind], kinds[kind], `${source}: ${kind}`);
  const map: FieldMap = {
    account: merged('account'),
    subscription: merged('subscription'),
    invoice: merged('invoice'),
    payment: merged('payment'),
  };
  checkTargets(map, source);
  return map;
}

function isCustomObject(object: string): boolean {
  return object.toLowerCase().endsWith('__c');
}

/**
 * The Salesforce record for one write: `{ attributes: { type }, [externalIdField]: stripeId,
 * ...mapped values, [relationship]: { [parent's externalIdField]: parentStripeId } }`; values whose
 * field is null in the map are left out, and so are parents the map does not link; for a new-able
 * complete write of a custom object also `Name: stripeId` (its required Name field). The shape
 * sObject Collections upsert takes, one per record.
 */
export function toSalesforceRecord(
  write: RecordWrite,
  map: FieldMap,
): { object: string; externalIdField: string; record: Record<string, unknown> } {
  const target = map[write.kind];
  const record: Record<string, unknown> = {
    attributes: { type: target.object },
    [target.externalIdField]: write.stripeId,
  };
  if (write.complete && isCustomObject(target.object)) record.Name = write.stripeId;
  for (const [key, value] of Object.entries(write.values)) {
    const field = Object.hasOwn(target.fields, key) ? target.fields[key] : undefined;
    if (field) record[field] = value;
  }
  for (const parent of RECORD_KINDS) {
    const parentId = write.parents[parent];
    const relationship = target.parents[parent];
    if (parentId !== undefined && relationship !== undefined) {
      record[relationship] = { [map[parent].externalIdField]: parentId };
    }
  }
  return { object: target.object, externalIdField: target.externalIdField, record };
}
