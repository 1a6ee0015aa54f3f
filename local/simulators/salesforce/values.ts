/**
 * Turning a JSON value of a request into the typed value a field stores, as an org does: text
 * within its length (an empty string is null), numbers within precision, booleans, `2026-01-31`
 * dates, ISO 8601 date-times, and the errors Salesforce gives for values that do not fit. The
 * messages name the field by label and the `fields` list by API name, like the real ones.
 */
import { type RecordError, recordError } from './errors.ts';
import type { SalesforceField } from './schema.ts';
import type { StoredValue } from './store.ts';

/** The typed value, or the record error the value causes. */
export type Coerced = { value: StoredValue } | { error: RecordError };

type Coercer = (field: SalesforceField, raw: unknown) => Coerced;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function show(raw: unknown): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

function wrongType(field: SalesforceField, raw: unknown): Coerced {
  return {
    error: recordError(
      'INVALID_TYPE_ON_FIELD_IN_RECORD',
      `${field.label}: value not of required type: ${show(raw)}`,
      [field.name],
    ),
  };
}

const text: Coercer = (field, raw) => {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return wrongType(field, raw);
  }
  const value = String(raw);
  if (value === '') return { value: null };
  if (field.length !== undefined && [...value].length > field.length) {
    return {
      error: recordError(
        'STRING_TOO_LONG',
        `${field.label}: data value too large: ${value} (max length=${field.length})`,
        [field.name],
      ),
    };
  }
  return { value };
};

const email: Coercer = (field, raw) => {
  const coerced = text(field, raw);
  if ('value' in coerced && typeof coerced.value === 'string' && !EMAIL.test(coerced.value)) {
    return {
      error: recordError(
        'INVALID_EMAIL_ADDRESS',
        `${field.label}: invalid email address: ${coerced.value}`,
        [field.name],
      ),
    };
  }
  return coerced;
};

const number: Coercer = (field, raw) => {
  const value =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())
        ? Number(raw)
        : Number.NaN;
  if (typeof raw === 'string' && raw.trim() === '') return { value: null };
  if (!Number.isFinite(value)) return wrongType(field, raw);
  const scale = field.scale ?? 0;
  const digits = (field.precision ?? 18) - scale;
  const rounded = Number(value.toFixed(scale));
  if (Math.abs(rounded) >= 10 ** digits) {
    return {
      error: recordError(
        'NUMBER_OUTSIDE_VALID_RANGE',
        `${field.label}: value outside of valid range on numeric field: ${show(raw)}`,
        [field.name],
      ),
    };
  }
  return { value: rounded };
};

const checkbox: Coercer = (field, raw) => {
  if (typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) {
    return { value: raw.toLowerCase() === 'true' };
  }
  return wrongType(field, raw);
};

const date: Coercer = (field, raw) => {
  if (raw === '') return { value: null };
  const m = typeof raw === 'string' ? DATE.exec(raw) : null;
  if (!m) return wrongType(field, raw);
  const parsed = new Date(`${raw}T00:00:00.000Z`);
  const valid = !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === raw;
  return valid ? { value: raw as string } : wrongType(field, raw);
};

const dateTime: Coercer = (field, raw) => {
  if (raw === '') return { value: null };
  if (typeof raw !== 'string' || !DATE_TIME.test(raw)) return wrongType(field, raw);
  const withZone = /T/.test(raw) && !/(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? `${raw}Z` : raw;
  const normalized = withZone.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const parsed = new Date(normalized);
  return Number.isNaN(parsed.getTime()) ? wrongType(field, raw) : { value: parsed.toISOString() };
};

/** Lookups are checked against the store by the caller; here only the form of the id. */
const reference: Coercer = (field, raw) => {
  if (raw === '') return { value: null };
  if (typeof raw !== 'string' || !/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(raw)) {
    return {
      error: recordError(
        'MALFORMED_ID',
        `${field.label}: id value of incorrect type: ${show(raw)}`,
        [field.name],
      ),
    };
  }
  return { value: raw };
};

const COERCERS: Record<SalesforceField['type'], Coercer> = {
  Id: reference,
  Text: text,
  TextArea: text,
  LongTextArea: text,
  Phone: text,
  Url: text,
  Email: email,
  Number: number,
  Checkbox: checkbox,
  Date: date,
  DateTime: dateTime,
  Lookup: reference,
};

/** The value `raw` stores in `field`, or the error Salesforce answers for it. */
export function coerce(field: SalesforceField, raw: unknown): Coerced {
  if (raw === null) return { value: field.type === 'Checkbox' ? false : null };
  return COERCERS[field.type](field, raw);
}
