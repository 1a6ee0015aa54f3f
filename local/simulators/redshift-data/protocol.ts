/**
 * The Data API's wire protocol, AWS JSON 1.1: `POST /` with `X-Amz-Target: RedshiftData.<Op>`,
 * JSON bodies, and errors as `{"__type": "<Name>", "message": "…"}` with the status the service
 * model gives each error (400 client errors, 404 ResourceNotFoundException, 500 server faults).
 */
import type { IncomingMessage } from 'node:http';
import { readBoundedBody } from '../serve.ts';

/** Error names the simulator answers with, as the SDK reads them from `__type`. */
export const DATA_API_ERRORS = {
  validation: 'ValidationException',
  resourceNotFound: 'ResourceNotFoundException',
  internal: 'InternalServerException',
  throttling: 'ThrottlingException',
  activeStatementsExceeded: 'ActiveStatementsExceededException',
  missingAuthentication: 'MissingAuthenticationTokenException',
  unknownOperation: 'UnknownOperationException',
  serialization: 'SerializationException',
  tooLarge: 'RequestEntityTooLargeException',
} as const;
export type DataApiErrorName = (typeof DATA_API_ERRORS)[keyof typeof DATA_API_ERRORS];

const STATUS_OF: Record<DataApiErrorName, number> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  InternalServerException: 500,
  ThrottlingException: 400,
  ActiveStatementsExceededException: 400,
  MissingAuthenticationTokenException: 403,
  UnknownOperationException: 400,
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
};

/** An error answered as the Data API answers it. */
export class DataApiError extends Error {
  override name = 'DataApiError';
  readonly type: DataApiErrorName;
  readonly status: number;
  /** Further members of the error shape (`ResourceId` for ResourceNotFoundException). */
  readonly members: Record<string, string>;

  constructor(type: DataApiErrorName, message: string, members: Record<string, string> = {}) {
    super(message);
    this.type = type;
    this.status = STATUS_OF[type];
    this.members = members;
  }
}

/** A ValidationException: the request is wrong and will be wrong every time. */
export const validation = (message: string) =>
  new DataApiError(DATA_API_ERRORS.validation, message);

/** AWS's wording for a member that breaks a constraint of the service model. */
export function constraintViolation(
  member: string,
  value: string,
  constraint: string,
): DataApiError {
  return validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must ${constraint}`,
  );
}

/** The JSON body and status for any thrown value; anything unexpected is a 500. */
export function errorAnswer(error: unknown): { status: number; body: string } {
  if (error instanceof DataApiError) {
    const body = { __type: error.type, message: error.message, ...error.members };
    return { status: error.status, body: JSON.stringify(body) };
  }
  const detail = error instanceof Error ? error.message : String(error);
  const body = {
    __type: DATA_API_ERRORS.internal,
    message: `The simulator failed on this request (${detail}).`,
  };
  return { status: 500, body: JSON.stringify(body) };
}

/** Bodies past this size are refused (40 statements of 100 KB fit). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The request body as text; past 8 MiB a 413 (the rest is read and dropped). */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBoundedBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () => new DataApiError(DATA_API_ERRORS.tooLarge, 'Request body is too large.'),
  });
}

/** The operation an `X-Amz-Target` header names, or a 400 UnknownOperationException. */
export function operationOf(req: IncomingMessage, known: ReadonlySet<string>): string {
  const target = req.headers['x-amz-target'];
  const operation =
    typeof target === 'string' ? /^RedshiftData\.(\w+)$/.exec(target)?.[1] : undefined;
  if (
    req.method !== 'POST' ||
    (req.url ?? '/').split('?')[0] !== '/' ||
    !operation ||
    !known.has(operation)
  ) {
    throw new DataApiError(
      DATA_API_ERRORS.unknownOperation,
      `Unknown operation: send POST / with X-Amz-Target: RedshiftData.<Operation> (got ${req.method} ${String(target ?? 'no X-Amz-Target')}).`,
    );
  }
  return operation;
}

/** Refuses requests without SigV4's Authorization header (any credentials are accepted). */
export function requireSignature(req: IncomingMessage): void {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('AWS4-HMAC-SHA256')) {
    throw new DataApiError(DATA_API_ERRORS.missingAuthentication, 'Missing Authentication Token');
  }
}

/** The JSON object of a request body, or a 400 SerializationException. */
export function parseInput(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new DataApiError(DATA_API_ERRORS.serialization, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataApiError(
      DATA_API_ERRORS.serialization,
      'The request body must be a JSON object.',
    );
  }
  return value as Record<string, unknown>;
}
