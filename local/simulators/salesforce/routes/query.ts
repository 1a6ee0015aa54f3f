/**
 * `GET /query?q=SOQL` and `GET /query/{locator}` (queryMore): batches of 2000 records (or the
 * `batchSize` of `Sforce-Query-Options`, 200 to 2000), `nextRecordsUrl` while more remain, and
 * SOQL errors as 400 MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE with Salesforce's caret
 * message.
 */
import { randomBytes } from 'node:crypto';
import { CALL_KINDS } from '../calls.ts';
import { ERROR_CODES, SalesforceApiError } from '../errors.ts';
import { ACCESS, type ApiAnswer, type ApiRequest, type Route } from '../router.ts';
import { describeSoqlError, parseSoql, SoqlError } from '../soql.ts';
import { runQuery } from '../soql-eval.ts';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const KEPT_CURSORS = 1000;

/** Results still to be fetched with queryMore, by locator id. */
export class QueryCursors {
  readonly #cursors = new Map<string, Record<string, unknown>[]>();

  /** Keeps `records` and returns the locator id (the oldest cursors are dropped past 1000). */
  open(records: Record<string, unknown>[]): string {
    const id = `01g${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`;
    this.#cursors.set(id, records);
    if (this.#cursors.size > KEPT_CURSORS) {
      const oldest = this.#cursors.keys().next().value;
      if (oldest !== undefined) this.#cursors.delete(oldest);
    }
    return id;
  }

  get(id: string): Record<string, unknown>[] | undefined {
    return this.#cursors.get(id);
  }

  close(id: string): void {
    this.#cursors.delete(id);
  }
}

function batchSizeOf(request: ApiRequest): number {
  const header = request.headers['sforce-query-options'];
  const size = /batchSize\s*=\s*(\d+)/i.exec(typeof header === 'string' ? header : '')?.[1];
  if (size === undefined) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(size)));
}

/** One page of `records` from `offset`, with the locator of the next page if there is one. */
function page(
  request: ApiRequest,
  cursor: string,
  records: Record<string, unknown>[],
  offset: number,
  totalSize: number,
): ApiAnswer {
  const size = batchSizeOf(request);
  const batch = records.slice(offset, offset + size);
  const done = offset + size >= records.length;
  if (done) request.sim.cursors.close(cursor);
  const next = done
    ? {}
    : { nextRecordsUrl: `/services/data/v${request.version}/query/${cursor}-${offset + size}` };
  return { status: 200, body: { totalSize, done, ...next, records: batch } };
}

function query(request: ApiRequest): ApiAnswer {
  const soql = request.query.get('q');
  if (soql === null || soql.trim() === '') {
    throw new SalesforceApiError({
      status: 400,
      errorCode: ERROR_CODES.malformedQuery,
      message: 'A query string has to be specified',
    });
  }
  const { org } = request.sim;
  let result: ReturnType<typeof runQuery>;
  try {
    const ctx = { schema: org.schema, store: org.store, version: request.version };
    result = runQuery(ctx, parseSoql(soql));
  } catch (error) {
    if (!(error instanceof SoqlError)) throw error;
    throw new SalesforceApiError({
      status: 400,
      errorCode: error.errorCode,
      message: describeSoqlError(soql, error),
    });
  }
  const cursor = request.sim.cursors.open(result.records);
  return page(request, cursor, result.records, 0, result.totalSize);
}

function queryMore(request: ApiRequest): ApiAnswer {
  const locator = request.params.locator ?? '';
  const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
  const records = m?.[1] === undefined ? undefined : request.sim.cursors.get(m[1]);
  if (!m?.[1] || records === undefined) {
    throw new SalesforceApiError({
      status: 400,
      errorCode: ERROR_CODES.invalidQueryLocator,
      message: 'invalid query locator',
    });
  }
  return page(request, m[1], records, Number(m[2]), records.length);
}

/** The query routes. */
export const queryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/services/data/:version/query',
    kind: CALL_KINDS.query,
    access: ACCESS.api,
    handle: query,
  },
  {
    method: 'GET',
    path: '/services/data/:version/queryAll',
    kind: CALL_KINDS.query,
    access: ACCESS.api,
    handle: query,
  },
  {
    method: 'GET',
    path: '/services/data/:version/query/:locator',
    kind: CALL_KINDS.query,
    access: ACCESS.api,
    handle: queryMore,
  },
];
