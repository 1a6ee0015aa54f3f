/**
 * Salesforce's error answers as the simulator gives them. REST calls fail with a JSON array of
 * `{message, errorCode, fields?}` and the status codes of
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm;
 * the token endpoint fails with OAuth's `{error, error_description}`; a record of a collection
 * call fails inside a 200 answer with `{statusCode, message, fields}`.
 */

/** One error of a record in a collection (or DML) result. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** The `errorCode`s the simulator answers with, as Salesforce spells them. */
export const ERROR_CODES = {
  invalidSession: 'INVALID_SESSION_ID',
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  malformedQuery: 'MALFORMED_QUERY',
  invalidField: 'INVALID_FIELD',
  invalidType: 'INVALID_TYPE',
  invalidQueryLocator: 'INVALID_QUERY_LOCATOR',
  jsonParser: 'JSON_PARSER_ERROR',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  requestLimit: 'REQUEST_LIMIT_EXCEEDED',
  exceededIdLimit: 'EXCEEDED_ID_LIMIT',
  lockRow: 'UNABLE_TO_LOCK_ROW',
  serverUnavailable: 'SERVER_UNAVAILABLE',
  unknownException: 'UNKNOWN_EXCEPTION',
  requestTooLarge: 'EXCEEDED_MAX_SIZE_REQUEST',
  missingArgument: 'MISSING_ARGUMENT',
  malformedId: 'MALFORMED_ID',
} as const;

/** A REST call that fails as a whole: an HTTP status and Salesforce's error array. */
export class SalesforceApiError extends Error {
  override name = 'SalesforceApiError';
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;
  readonly headers: Record<string, string>;
  /** Further errors answered in the same array (a failed single-record write has several). */
  readonly more: RecordError[];

  constructor(options: {
    status: number;
    errorCode: string;
    message: string;
    fields?: string[];
    headers?: Record<string, string>;
    more?: RecordError[];
  }) {
    super(options.message);
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.more = options.more ?? [];
  }

  /** The JSON body Salesforce sends with this error. */
  body(): { message: string; errorCode: string; fields?: string[] }[] {
    const first = {
      message: this.message,
      errorCode: this.errorCode,
      ...(this.fields === undefined ? {} : { fields: this.fields }),
    };
    const rest = this.more.map((e) => ({
      message: e.message,
      errorCode: e.statusCode,
      fields: e.fields,
    }));
    return [first, ...rest];
  }
}

/** A DML failure of a single-record call (400 with every error of the record). */
export function recordFailed(errors: RecordError[]): SalesforceApiError {
  const [first, ...more] = errors;
  return new SalesforceApiError({
    status: 400,
    errorCode: first?.statusCode ?? ERROR_CODES.unknownException,
    message: first?.message ?? 'The record could not be saved.',
    fields: first?.fields ?? [],
    more,
  });
}

/** The token endpoint's failure: OAuth's `{error, error_description}` with a 400 (or 401). */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly status: number;
  readonly error: string;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/** 401 for a missing, unknown, expired or revoked access token. */
export function invalidSession(): SalesforceApiError {
  return new SalesforceApiError({
    status: 401,
    errorCode: ERROR_CODES.invalidSession,
    message: 'Session expired or invalid',
  });
}

/** 404 for a resource, object, record or API version that does not exist. */
export function notFound(message = 'The requested resource does not exist'): SalesforceApiError {
  return new SalesforceApiError({ status: 404, errorCode: ERROR_CODES.notFound, message });
}

/** 405 for a path that exists but not with this method. */
export function methodNotAllowed(method: string, allowed: string[]): SalesforceApiError {
  return new SalesforceApiError({
    status: 405,
    errorCode: ERROR_CODES.methodNotAllowed,
    message: `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
  });
}

/** 400 for a body that is not JSON, or JSON of the wrong shape. */
export function jsonParserError(message: string): SalesforceApiError {
  return new SalesforceApiError({ status: 400, errorCode: ERROR_CODES.jsonParser, message });
}

/** 403 when the org's daily API request allowance is used up. */
export function requestLimitExceeded(message = 'TotalRequests Limit exceeded.', status = 403) {
  return new SalesforceApiError({ status, errorCode: ERROR_CODES.requestLimit, message });
}

/** A per-record error of a collection result. */
export function recordError(statusCode: string, message: string, fields: string[] = []) {
  return { statusCode, message, fields } satisfies RecordError;
}

/** Salesforce's body and status for `error`; anything unexpected is a 500 UNKNOWN_EXCEPTION. */
export function errorAnswer(error: unknown): {
  status: number;
  body: string;
  headers: Record<string, string>;
} {
  if (error instanceof SalesforceApiError) {
    return { status: error.status, body: JSON.stringify(error.body()), headers: error.headers };
  }
  if (error instanceof OAuthError) {
    return { status: error.status, body: JSON.stringify(error.body()), headers: {} };
  }
  const detail = error instanceof Error ? error.message : String(error);
  const body = [
    {
      message: `An unexpected error occurred in the Salesforce simulator (${detail}).`,
      errorCode: ERROR_CODES.unknownException,
    },
  ];
  return { status: 500, body: JSON.stringify(body), headers: {} };
}
