/**
 * The only module that talks to Salesforce: signs in (client credentials or JWT bearer), upserts
 * records by external id with sObject Collections (200 records per API call), runs SOQL, and
 * turns Salesforce's errors into ours. An expired session is renewed once per call and the call
 * repeated; `REQUEST_LIMIT_EXCEEDED`, `UNABLE_TO_LOCK_ROW`, 429 and 5xx are retryable.
 */
import { createSign } from 'node:crypto';
import { Connection } from '@jsforce/jsforce-node';
import { PermanentError, RetryableError } from '../../errors.ts';
import type { SalesforceCredentials } from './config.ts';

/** sObject Collections take at most this many records per call. */
export const MAX_COLLECTION_RECORDS = 200;

/**
 * How long to wait before trying again once the org's daily API quota is spent: the quota is a
 * rolling 24 hours, so an hour between the queue's five tries spreads them over most of a day.
 */
export const QUOTA_RETRY_MS = 60 * 60 * 1000;

/** Salesforce error codes that may succeed when tried again later. */
const RETRYABLE_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  // What Salesforce answers a 500 with: an internal error, not the request's fault.
  'UNKNOWN_EXCEPTION',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  'INVALID_SESSION_ID',
]);

/** One record's error from sObject Collections. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: readonly string[];
}

/** One record's result, in the order the records were sent. */
export type RecordResult =
  | { success: true; id: string; created: boolean }
  | { success: false; errors: readonly RecordError[] };

export interface SalesforceClientOptions {
  loginUrl: string;
  /** The JWT bearer flow's audience; default the login URL. */
  jwtAudience?: string;
  apiVersion: string;
  /** Read on each sign-in, so a rotated secret is picked up when the session is renewed. */
  credentials: () => Promise<SalesforceCredentials>;
}

/** The org's daily API usage, from the `Sforce-Limit-Info` header of the last answer. */
export interface ApiUsage {
  used: number;
  limit: number;
}

interface JsforceError {
  errorCode?: unknown;
  name?: unknown;
  message?: unknown;
  code?: unknown;
}

/** Whether a per-record or whole-call Salesforce error code is worth retrying. */
export function isRetryableCode(code: string): boolean {
  return RETRYABLE_CODES.has(code) || /^ERROR_HTTP_(5\d\d|429)$/.test(code);
}

/** Turns what jsforce threw into our error classes; messages carry Salesforce's own text. */
export function translateError(error: unknown, doing: string): Error {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as JsforceError;
  const code = typeof e.errorCode === 'string' ? e.errorCode : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const context = { connector: 'salesforce', ...(code ? { salesforceErrorCode: code } : {}) };
  if (code === undefined && /INVALID_SESSION_ID|Unable to refresh session/.test(message)) {
    return new RetryableError(
      `Salesforce refused the session again right after signing in while ${doing}: check that the integration user is active, may use the API and is allowed to use the connected app.`,
      { cause: error, context: { ...context, salesforceErrorCode: 'INVALID_SESSION_ID' } },
    );
  }
  if (code === undefined) {
    // No Salesforce answer: the network, a timeout, or the token endpoint.
    const oauth = /invalid_client|invalid_grant|unsupported_grant_type|invalid_app_access/.exec(
      message,
    );
    if (oauth) {
      return new PermanentError(
        `Salesforce refused to sign in while ${doing} (${oauth[0]}): ${message}. Check the connected app's consumer key and secret, or for the JWT bearer flow its certificate, the user name, and that the user is pre-authorised for the app.`,
        { cause: error, context },
      );
    }
    return new RetryableError(`Salesforce could not be reached while ${doing}: ${message}`, {
      cause: error,
      context,
    });
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new RetryableError(
      `Salesforce refused the call while ${doing}: the org's API limit is spent (${message}). The connector tries again in an hour; raise the org's limit or lower other integrations' use if this persists.`,
      { cause: error, context, retryAfterMs: QUOTA_RETRY_MS },
    );
  }
  if (isRetryableCode(code)) {
    return new RetryableError(`Salesforce answered ${code} while ${doing}: ${message}`, {
      cause: error,
      context,
    });
  }
  return new PermanentError(
    `Salesforce refused the call while ${doing} (${code}): ${message}. Check the field map and that the Switchyard metadata is deployed to the org.`,
    { cause: error, context },
  );
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A JWT for the OAuth 2.0 JWT bearer flow, signed RS256 with the connected app's key. */
export function jwtAssertion(input: {
  clientId: string;
  username: string;
  privateKey: string;
  audience: string;
  now?: number;
}): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      iss: input.clientId,
      sub: input.username,
      aud: input.audience,
      exp: Math.floor((input.now ?? Date.now()) / 1000) + 180,
    }),
  );
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${claims}`);
  return `${header}.${claims}.${base64url(signer.sign(input.privateKey))}`;
}

/** A Salesforce org, signed in on first use. One per container. */
export class SalesforceClient {
  readonly #options: SalesforceClientOptions;
  #connection: Promise<Connection> | undefined;
  #current: Connection | undefined;
  /** Sign-ins in the current call, so a session refused again is not renewed forever. */
  #renewals = 0;
  /** API calls made (token requests not counted, as Salesforce does not count them). */
  calls = 0;

  constructor(options: SalesforceClientOptions) {
    this.#options = options;
  }

  /** The org's daily API usage as of the last call, when Salesforce reported it. */
  apiUsage(): ApiUsage | undefined {
    return this.#current?.limitInfo.apiUsage;
  }

  async #signIn(connection: Connection): Promise<string> {
    const credentials = await this.#options.credentials();
    if (credentials.flow === 'client_credentials') {
      connection.oauth2.clientId = credentials.clientId;
      connection.oauth2.clientSecret = credentials.clientSecret;
      await connection.authorize({ grant_type: 'client_credentials' });
    } else {
      connection.oauth2.clientId = credentials.clientId;
      await connection.authorize({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwtAssertion({
          clientId: credentials.clientId,
          username: credentials.username,
          privateKey: credentials.privateKey,
          audience: this.#options.jwtAudience ?? this.#options.loginUrl,
        }),
      });
    }
    return connection.accessToken ?? '';
  }

  async #connect(): Promise<Connection> {
    const connection: Connection = new Connection({
      loginUrl: this.#options.loginUrl,
      version: this.#options.apiVersion,
      oauth2: { loginUrl: this.#options.loginUrl, clientId: 'pending' },
      // jsforce calls this on INVALID_SESSION_ID and repeats the request once renewed.
      refreshFn: (conn, callback) => {
        this.#renewals += 1;
        if (this.#renewals > 1) {
          callback(new Error('INVALID_SESSION_ID: the renewed session was refused too'));
          return;
        }
        this.#signIn(conn as Connection).then(
          (token) => callback(null, token),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    await this.#signIn(connection);
    return connection;
  }

  async #call<T>(doing: string, run: (connection: Connection) => Promise<T>): Promise<T> {
    this.#renewals = 0;
    let connection: Connection;
    try {
      this.#connection ??= this.#connect();
      connection = await this.#connection;
      this.#current = connection;
    } catch (error) {
      this.#connection = undefined;
      throw translateError(error, doing);
    }
    try {
      this.calls += 1;
      return await run(connection);
    } catch (error) {
      throw translateError(error, doing);
    }
  }

  /**
   * Upserts up to {@link MAX_COLLECTION_RECORDS} records of one object by external id in one API
   * call (`allOrNone: false`), answering each record's result in order. A failure of the whole
   * call throws; a failure of single records is in their results.
   */
  async upsertMany(input: {
    object: string;
    externalIdField: string;
    records: readonly Record<string, unknown>[];
  }): Promise<RecordResult[]> {
    if (input.records.length > MAX_COLLECTION_RECORDS) {
      throw new RangeError(
        `upsertMany takes at most ${MAX_COLLECTION_RECORDS} records; split the ${input.records.length} first.`,
      );
    }
    if (input.records.length === 0) return [];
    const results = await this.#call(`upserting ${input.object} records`, (connection) =>
      connection.upsert(input.object, [...input.records], input.externalIdField, {
        allOrNone: false,
      }),
    );
    return results.map((r): RecordResult => {
      if (r.success) return { success: true, id: r.id ?? '', created: Boolean(r.created) };
      const errors = (
        r.errors as unknown as readonly Partial<RecordError & { errorCode: string }>[]
      ).map((e) => ({
        statusCode: e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION',
        message: e.message ?? '',
        fields: e.fields ?? [],
      }));
      return { success: false, errors };
    });
  }

  /** Runs a SOQL query and answers every record (following `nextRecordsUrl`). */
  async query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
    return this.#call('querying', async (connection) => {
      const records: T[] = [];
      let page = await connection.query<T>(soql);
      records.push(...page.records);
      while (!page.done && page.nextRecordsUrl) {
        this.calls += 1;
        page = await connection.queryMore<T>(page.nextRecordsUrl);
        records.push(...page.records);
      }
      return records;
    });
  }
}
