/**
 * How the warehouse connector reads failures of the Redshift Data API: the API's own errors (by
 * name, so this module needs no SDK) and the error text of a statement that ran and failed.
 */
import {
  type ErrorContext,
  isRetryable,
  PermanentError,
  RetryableError,
  SwitchyardError,
} from '../../errors.ts';

const CONNECTOR = 'warehouse';

/**
 * A statement Redshift ran and failed for a reason of its own (a type mismatch, a COPY that could
 * not read its file, a missing table). It carries Redshift's message. The loader tries the batch
 * once more, in case the cause was passing, then fails its events permanently with this message.
 */
export class WarehouseStatementError extends PermanentError {
  /** The Data API's id of the failed statement (`uuid` or `uuid:n` inside a batch). */
  readonly statementId: string;
  /** Redshift's error text, as DescribeStatement reports it. */
  readonly redshiftMessage: string;

  constructor(options: { statementId: string; redshiftMessage: string; context?: ErrorContext }) {
    super(`Redshift failed statement ${options.statementId}: ${options.redshiftMessage}`, {
      context: { connector: CONNECTOR, statementId: options.statementId, ...options.context },
    });
    this.statementId = options.statementId;
    this.redshiftMessage = options.redshiftMessage;
  }
}

/**
 * Redshift's error text for a transaction that lost to a concurrent one or waited too long for a
 * lock: the same SQL succeeds when tried again later. `1023` is Redshift's serializable isolation
 * violation; the rest are PostgreSQL's wording, which Redshift shares.
 */
const RETRYABLE_STATEMENT_TEXT = [
  /\b1023\b/,
  /serializable isolation violation/i,
  /could not serialize/i,
  /deadlock/i,
  /lock timeout/i,
  /could not obtain lock/i,
  /canceling statement due to (lock|statement) timeout/i,
  /concurrent (transaction|update)/i,
];

/** Whether Redshift's error text names a conflict or a lock wait (try again later). */
export function isTransientStatementFailure(message: string): boolean {
  return RETRYABLE_STATEMENT_TEXT.some((pattern) => pattern.test(message));
}

/** The Data API's errors that pass: limits of concurrent work, throttling, its own faults. */
const RETRYABLE_API_ERRORS = new Set([
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServerException',
  'ServiceUnavailableException',
  'DatabaseConnectionException',
  'ExecuteStatementException',
  'BatchExecuteStatementException',
]);

/** What to fix when the Data API refuses a request outright, by the error's name. */
const PERMANENT_API_HINTS: Readonly<Record<string, string>> = {
  ValidationException:
    'check WAREHOUSE_WORKGROUP or WAREHOUSE_CLUSTER_ID (and the region), WAREHOUSE_DATABASE, and the request itself (a statement over 100 KB, over 40 statements in a batch, or parameters that do not match the SQL)',
  ResourceNotFoundException:
    'the workgroup, cluster, database or statement does not exist: check WAREHOUSE_WORKGROUP / WAREHOUSE_CLUSTER_ID and WAREHOUSE_DATABASE',
  AccessDeniedException:
    "the function's IAM role may not call the Data API on this workgroup or cluster: grant redshift-data:* and the credentials permission",
  UnrecognizedClientException: 'the AWS credentials are not valid for the Data API',
};

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'NonError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Translates a Data API call's failure into the hub's error classes: throttling, active-statement
 * limits, network failures and 5xx are {@link RetryableError}; a request the API refuses is a
 * {@link PermanentError} that says what to fix. Our own errors pass through.
 */
export function translateApiError(error: unknown, action: string): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  const name = nameOf(error);
  const context = { connector: CONNECTOR, action };
  if (RETRYABLE_API_ERRORS.has(name)) {
    return new RetryableError(
      `The Redshift Data API could not ${action} now (${name}: ${messageOf(error)}); the batch will be tried again.`,
      { cause: error, context },
    );
  }
  const hint = PERMANENT_API_HINTS[name];
  if (hint !== undefined) {
    return new PermanentError(
      `The Redshift Data API refused to ${action} (${name}: ${messageOf(error)}): ${hint}.`,
      { cause: error, context },
    );
  }
  if (isRetryable(error)) {
    return new RetryableError(
      `The Redshift Data API could not be reached to ${action} (${name}: ${messageOf(error)}); the batch will be tried again.`,
      { cause: error, context },
    );
  }
  return new PermanentError(
    `The Redshift Data API refused to ${action} (${name}: ${messageOf(error)}).`,
    { cause: error, context },
  );
}

/**
 * The error for a statement that ended FAILED or ABORTED: a conflict, a lock wait or an abort
 * is a {@link RetryableError}; anything else a {@link WarehouseStatementError} with Redshift's
 * message.
 */
export function statementFailure(options: {
  statementId: string;
  status: string;
  message: string | undefined;
}): SwitchyardError {
  const message = options.message ?? `the statement ended ${options.status} without a message`;
  const context = { connector: CONNECTOR, statementId: options.statementId };
  if (options.status === 'ABORTED') {
    return new RetryableError(
      `Redshift statement ${options.statementId} was aborted (cancelled or its session ended): ${message}`,
      { context },
    );
  }
  if (isTransientStatementFailure(message)) {
    return new RetryableError(
      `Redshift statement ${options.statementId} lost to a concurrent transaction or a lock: ${message}`,
      { context },
    );
  }
  return new WarehouseStatementError({
    statementId: options.statementId,
    redshiftMessage: message,
  });
}
