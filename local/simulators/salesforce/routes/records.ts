/**
 * Single records: `GET /sobjects/{type}/{id}` and `/{type}/{extIdField}/{value}` (reads, with
 * `?fields=`), `POST /sobjects/{type}` (create, 201), `PATCH /sobjects/{type}/{id}` (update, 204)
 * and `PATCH /sobjects/{type}/{extIdField}/{value}` (upsert: 201 with `created: true`, or 200
 * with `created: false` as API 46.0 and later answer; 300 with the records' URLs when the
 * value matches several).
 */
import { CALL_KINDS } from '../calls.ts';
import { externalIdField, saveRecord } from '../dml.ts';
import { ERROR_CODES, notFound, recordFailed, SalesforceApiError } from '../errors.ts';
import { jsonObject } from '../http.ts';
import { looksLikeId } from '../ids.ts';
import { recordUrl, renderRecord } from '../render.ts';
import { ACCESS, type ApiAnswer, type ApiRequest, type Route } from '../router.ts';
import { fieldNamed, objectNamed, type SalesforceField, type SalesforceObject } from '../schema.ts';
import type { StoredRecord } from '../store.ts';
import { coerce } from '../values.ts';

/** The object of the path's `:type`; 404 NOT_FOUND when the org has none. */
export function objectOf(request: ApiRequest): SalesforceObject {
  const object = objectNamed(request.sim.org.schema, request.params.type ?? '');
  if (!object) throw notFound();
  return object;
}

function externalIdNotFound(name: string): SalesforceApiError {
  return notFound(`Provided external ID field does not exist or is not accessible: ${name}`);
}

/** The path's external id field; 404 as Salesforce answers for one that is not. */
export function externalIdOf(object: SalesforceObject, name: string): SalesforceField {
  const field = externalIdField(object, name);
  if (!field) throw externalIdNotFound(name);
  return field;
}

function requestedFields(
  request: ApiRequest,
  object: SalesforceObject,
): SalesforceField[] | undefined {
  const list = request.query.get('fields');
  if (list === null || list.trim() === '') return undefined;
  return list.split(',').map((name) => {
    const field = fieldNamed(object, name.trim());
    if (!field) {
      throw new SalesforceApiError({
        status: 400,
        errorCode: ERROR_CODES.invalidField,
        message: `No such column '${name.trim()}' on sobject of type ${object.name}`,
      });
    }
    return field;
  });
}

function answerRecord(
  request: ApiRequest,
  object: SalesforceObject,
  record: StoredRecord,
): ApiAnswer {
  const fields = requestedFields(request, object);
  return { status: 200, body: renderRecord(object, record, request.version, fields) };
}

function multipleChoices(request: ApiRequest, object: SalesforceObject, records: StoredRecord[]) {
  return {
    status: 300,
    body: records.map((r) => recordUrl(request.version, object.name, r.Id)),
  };
}

function readById(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const id = request.params.id ?? '';
  if (!looksLikeId(id)) throw externalIdNotFound(id);
  const record = request.sim.org.store.get(object.name, id);
  if (!record) throw notFound();
  return answerRecord(request, object, record);
}

function matching(request: ApiRequest, object: SalesforceObject, field: SalesforceField) {
  const coerced = coerce(field, request.params.value ?? '');
  if ('error' in coerced) return [];
  return request.sim.org.store.findBy(object, field, coerced.value);
}

function readByExternalId(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const field = externalIdOf(object, request.params.field ?? '');
  const records = matching(request, object, field);
  if (records.length > 1) return multipleChoices(request, object, records);
  const [record] = records;
  if (!record) throw notFound();
  return answerRecord(request, object, record);
}

function create(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const body = jsonObject(request.raw, request.headers);
  const result = saveRecord(request.sim.org, object, body, { kind: 'create' });
  if (!result.success) throw recordFailed(result.errors);
  return { status: 201, body: { id: result.id, success: true, errors: [] } };
}

function update(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const id = request.params.id ?? '';
  const body = jsonObject(request.raw, request.headers);
  if (!looksLikeId(id) || !request.sim.org.store.get(object.name, id)) throw notFound();
  const result = saveRecord(request.sim.org, object, body, { kind: 'update', id });
  if (!result.success) throw recordFailed(result.errors);
  return { status: 204 };
}

function upsert(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const field = externalIdOf(object, request.params.field ?? '');
  const body = jsonObject(request.raw, request.headers);
  const records = matching(request, object, field);
  if (records.length > 1) return multipleChoices(request, object, records);
  const value = coerce(field, request.params.value ?? '');
  if ('error' in value) throw recordFailed([value.error]);
  const target = { kind: 'upsert', field, value: value.value } as const;
  const result = saveRecord(request.sim.org, object, body, target);
  if (!result.success) throw recordFailed(result.errors);
  return {
    status: result.created ? 201 : 200,
    body: { id: result.id, success: true, errors: [], created: result.created === true },
  };
}

const SOBJECT = '/services/data/:version/sobjects/:type';

/** The single-record routes (after describe in the table: `/describe` is not an id). */
export const recordRoutes: Route[] = [
  { method: 'POST', path: SOBJECT, kind: CALL_KINDS.write, access: ACCESS.api, handle: create },
  {
    method: 'GET',
    path: `${SOBJECT}/:id`,
    kind: CALL_KINDS.read,
    access: ACCESS.api,
    handle: readById,
  },
  {
    method: 'PATCH',
    path: `${SOBJECT}/:id`,
    kind: CALL_KINDS.write,
    access: ACCESS.api,
    handle: update,
  },
  {
    method: 'GET',
    path: `${SOBJECT}/:field/:value`,
    kind: CALL_KINDS.read,
    access: ACCESS.api,
    handle: readByExternalId,
  },
  {
    method: 'PATCH',
    path: `${SOBJECT}/:field/:value`,
    kind: CALL_KINDS.upsert,
    access: ACCESS.api,
    handle: upsert,
  },
];
