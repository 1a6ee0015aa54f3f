/**
 * sObject Collections: `PATCH /composite/sobjects/{type}/{extIdField}` (upsert),
 * `POST /composite/sobjects` (create) and `PATCH /composite/sobjects` (update), with
 * `{allOrNone, records}` bodies of at most 200 records. A well-formed call answers 200 with one
 * result per record in request order; a malformed one answers 400 as a whole.
 */
import { CALL_KINDS } from '../calls.ts';
import {
  type CollectionOptions,
  type CollectionRecord,
  createCollection,
  readCollection,
  type SaveResult,
  updateCollection,
  upsertCollection,
} from '../dml.ts';
import { ERROR_CODES, jsonParserError, SalesforceApiError } from '../errors.ts';
import { jsonObject } from '../http.ts';
import { ACCESS, type ApiAnswer, type ApiRequest, type Route } from '../router.ts';
import { externalIdOf, objectOf } from './records.ts';

/** The most records one collection call takes. */
export const MAX_COLLECTION_RECORDS = 200;

function collection(request: ApiRequest): {
  records: CollectionRecord[];
  options: CollectionOptions;
} {
  const body = jsonObject(request.raw, request.headers);
  const { allOrNone = false, records } = body;
  if (typeof allOrNone !== 'boolean') {
    throw jsonParserError(`allOrNone must be true or false, not ${JSON.stringify(allOrNone)}`);
  }
  if (!Array.isArray(records)) {
    throw jsonParserError('The body needs a records array: {"allOrNone": false, "records": [ … ]}');
  }
  if (records.length > MAX_COLLECTION_RECORDS) {
    throw new SalesforceApiError({
      status: 400,
      errorCode: ERROR_CODES.exceededIdLimit,
      message: `record limit reached. cannot submit more than ${MAX_COLLECTION_RECORDS} records into this call`,
    });
  }
  if (records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw jsonParserError('Every element of records must be a JSON object (an sObject).');
  }
  const locked = lockedIndexes(request.lockedRecords, records.length);
  return {
    records: readCollection(request.sim.org, records),
    options: { allOrNone, ...(locked ? { locked } : {}) },
  };
}

function lockedIndexes(locked: number[] | 'all' | undefined, count: number) {
  if (locked === undefined) return undefined;
  return new Set(locked === 'all' ? Array.from({ length: count }, (_, i) => i) : locked);
}

function answer(results: SaveResult[]): ApiAnswer {
  return { status: 200, body: results };
}

function upsertMany(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const field = externalIdOf(object, request.params.field ?? '');
  const { records, options } = collection(request);
  return answer(upsertCollection(request.sim.org, object, field, records, options));
}

function createMany(request: ApiRequest): ApiAnswer {
  const { records, options } = collection(request);
  return answer(createCollection(request.sim.org, records, options));
}

function updateMany(request: ApiRequest): ApiAnswer {
  const { records, options } = collection(request);
  return answer(updateCollection(request.sim.org, records, options));
}

const COLLECTIONS = '/services/data/:version/composite/sobjects';

/** The collection routes. */
export const compositeRoutes: Route[] = [
  {
    method: 'POST',
    path: COLLECTIONS,
    kind: CALL_KINDS.collections,
    access: ACCESS.api,
    handle: createMany,
  },
  {
    method: 'PATCH',
    path: COLLECTIONS,
    kind: CALL_KINDS.collections,
    access: ACCESS.api,
    handle: updateMany,
  },
  {
    method: 'PATCH',
    path: `${COLLECTIONS}/:type/:field`,
    kind: CALL_KINDS.collections,
    access: ACCESS.api,
    handle: upsertMany,
  },
];
