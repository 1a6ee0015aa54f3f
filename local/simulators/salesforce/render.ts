/**
 * Records as the REST API answers them: an `attributes` map with the type and URL, every field
 * (or the ones asked for) in schema order, and values in Salesforce's wire formats (date-times
 * as `2026-01-01T00:00:00.000+0000`, dates as `2026-01-31`, numbers and booleans as JSON).
 */
import type { SalesforceField, SalesforceObject } from './schema.ts';
import type { StoredRecord, StoredValue } from './store.ts';

/** A stored value in the API's wire format. */
export function renderValue(field: SalesforceField, value: StoredValue | undefined): StoredValue {
  if (value === undefined || value === null) return null;
  if (field.type === 'DateTime' && typeof value === 'string') return value.replace(/Z$/, '+0000');
  return value;
}

/** The record's URL under the API version the caller used. */
export function recordUrl(version: string, object: string, id: string): string {
  return `/services/data/v${version}/sobjects/${object}/${id}`;
}

/** A record as `GET /sobjects/{type}/{id}` answers it, limited to `fields` when given. */
export function renderRecord(
  object: SalesforceObject,
  record: StoredRecord,
  version: string,
  fields?: SalesforceField[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: object.name, url: recordUrl(version, object.name, record.Id) },
  };
  for (const field of fields ?? Object.values(object.fields)) {
    out[field.name] = renderValue(field, record[field.name]);
  }
  return out;
}
