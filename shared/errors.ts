/**
 * The one error vocabulary of Switchyard.
 *
 * Every failure is either worth trying again later ({@link RetryableError}) or not
 * ({@link PermanentError}). Connectors translate vendor errors into one of the two in their
 * `client.ts`; the queue consumer and the ingress decide what happens next from that alone.
 */

/** Where an error happened, so a reader of the ledger or the logs can find the event again. */
export interface ErrorContext {
  /** The connector that failed (`salesforce`, `netsuite`, …), when there is one. */
  connector?: string;
  /** The Stripe event being handled, when there is one. */
  stripeEventId?: string;
  /** Any other ids that help (never secrets, never customer data beyond ids). */
  [key: string]: string | number | boolean | undefined;
}

export interface SwitchyardErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
}

/** Base class: a message that says what to fix, the underlying cause, and where it happened. */
export class SwitchyardError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, options: SwitchyardErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

export interface RetryableErrorOptions extends SwitchyardErrorOptions {
  /** How long the vendor asked us to wait (from `Retry-After` or a similar header). */
  retryAfterMs?: number;
}

/** A failure that may succeed later: network, timeout, 409, 429, 5xx, a vendor's lock or quota. */
export class RetryableError extends SwitchyardError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A failure that will fail the same way every time: validation, mapping, other 4xx. */
export class PermanentError extends SwitchyardError {}

/**
 * A request the sender got wrong. The ingress answers it with `statusCode` and `reason`
 * (a stable, machine-readable code) and stores nothing.
 */
export class RejectedRequestError extends PermanentError {
  readonly statusCode: number;
  readonly reason: string;

  constructor(options: {
    statusCode: number;
    reason: string;
    message: string;
    cause?: unknown;
    context?: ErrorContext;
  }) {
    super(options.message, { cause: options.cause, context: options.context });
    this.statusCode = options.statusCode;
    this.reason = options.reason;
  }
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const RETRYABLE_ERROR_NAMES = new Set([
  'TimeoutError',
  'AbortError',
  'FetchError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

/** The HTTP status an error carries, whatever client produced it. */
export function httpStatusOf(error: unknown): number | undefined {
  const e = asErrorLike(error);
  if (!e) return undefined;
  for (const candidate of [e.status, e.statusCode, e.$metadata?.httpStatusCode]) {
    if (typeof candidate === 'number') return candidate;
  }
  return undefined;
}

/**
 * Whether trying again later may succeed, in the spirit of stripe-node's retry rule:
 * network failures, 409, 429 and 5xx retry; other 4xx do not. Our own classes decide for
 * themselves, and an unknown error with no status is treated as retryable (a crash of ours
 * should not park a good event in a dead-letter queue on its first try).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof RetryableError) return true;
  if (error instanceof PermanentError) return false;
  const e = asErrorLike(error);
  if (!e) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  if (typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
  if (typeof e.name === 'string' && RETRYABLE_ERROR_NAMES.has(e.name)) return true;
  const status = httpStatusOf(error);
  if (status !== undefined) return status === 409 || status === 429 || status >= 500;
  if (e.cause !== undefined && e.cause !== error) return isRetryable(e.cause);
  return true;
}

/**
 * Parses a `Retry-After` header value (delta seconds or an HTTP date) into milliseconds.
 * Returns undefined for absent or unreadable values.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The delay the vendor asked for, when the error carries one. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof RetryableError ? error.retryAfterMs : undefined;
}

/** The shape of an error as the ledger keeps it: classified, named, without stack or secrets. */
export interface ClassifiedError {
  kind: 'retryable' | 'permanent';
  name: string;
  message: string;
  httpStatus?: number;
  /** The underlying error, `Name: message`, when there is one (e.g. the vendor's own error). */
  cause?: string;
}

const MAX_ERROR_MESSAGE_LENGTH = 1_000;

/** Classifies any thrown value for the ledger and the logs. */
export function classifyError(error: unknown): ClassifiedError {
  const name = error instanceof Error ? error.name : 'NonError';
  const message = error instanceof Error ? error.message : String(error);
  const httpStatus = httpStatusOf(error);
  const cause = error instanceof Error ? error.cause : undefined;
  const causeText =
    cause instanceof Error
      ? `${cause.name}: ${cause.message}`
      : cause === undefined
        ? undefined
        : String(cause);
  return {
    kind: isRetryable(error) ? 'retryable' : 'permanent',
    name,
    message: message.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(causeText === undefined ? {} : { cause: causeText.slice(0, MAX_ERROR_MESSAGE_LENGTH) }),
  };
}
