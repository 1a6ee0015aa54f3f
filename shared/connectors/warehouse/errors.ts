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
 * A statement Redshift ran and failed for a reason that recurs on every try (a type mismatch, a
 * missing relation or column, a syntax error, NULL into NOT NULL, a value too long, a COPY whose
 * file holds a bad value). It carries Redshift's message. The loader tries the batch once more,
 * in case the data changed under it, then fails its events permanently with this message.
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
 * A statement that had not ended when the client stopped waiting: it may still finish (or have
 * finished). The batch is retried, and the files it was loading from are left for the staging
 * bucket's lifecycle rule, since the statement may still read them.
 */
export class StatementTimeoutError extends RetryableError {
  readonly statementId: string;

  constructor(options: { statementId: string; action: string; waitedMs: number; status: string }) {
    super(
      `Redshift statement ${options.statementId} (to ${options.action}) had not ended after ${options.waitedMs} ms (status ${options.status}); the batch will be tried again and will pick up its result.`,
      { context: { connector: CONNECTOR, statementId: options.statementId } },
    );
    this.statementId = options.statementId;
  }
}

/**
 * Redshift's error text for a transaction that lost to a concurrent one or waited too long for a
 * lock: the same SQL succeeds when tried again later. `1023` is Redshift's serializable isolation
 * violation; the rest are PostgreSQL's wording, which Redshift shares.
 */
const CONFLICT_TEXT = [
  /\b1023\b/,
  /serializable isolation violation/i,
  /could not serialize/i,
  /deadlock/i,
  /lock timeout/i,
  /could not obtain lock/i,
  /canceling statement due to (lock|statement) timeout/i,
  /concurrent (transaction|update)/i,
];

/**
 * Redshift's (and PostgreSQL's) error text for failures that recur every time the same SQL runs
 * on the same data: only these fail a batch for good. Anything else (S3 SlowDown during COPY, a
 * full disk, a WLM abort, out of memory, a conflict) may pass, and goes back to the queue.
 */
const RECURRING_TEXT = [
  /is of type \w[\w ]* but expression is of type/i,
  /invalid input syntax/i,
  /cannot cast type/i,
  /invalid digit/i,
  /out of range for type/i,
  /numeric (data )?overflow/i,
  /relation "[^"]*" does not exist/i,
  /column "[^"]*"( of relation "[^"]*")? does not exist/i,
  /schema "[^"]*" does not exist/i,
  /syntax error at or near/i,
  /Cannot insert a NULL value into column/i,
  /violates not-null constraint/i,
  /value too long for type/i,
  /String length exceeds DDL length/i,
  /Load into table '[^']*' failed/i,
  /Found multiple matches to update the same tuple/i,
];

/** Whether Redshift's error text names a conflict or a lock wait (try again later). */
export function isTransientStatementFailure(message: string): boolean {
  return CONFLICT_TEXT.some((pattern) => pattern.test(message));
}

/** Whether Redshift's error text names a failure that recurs on every try with the same data. */
export function isRecurringStatementFailure(message: string): boolean {
  return !isTransientStatementFailure(message) && RECURRING_TEXT.some((p) => p.test(message));
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
 * The error for a statement that ended FAILED or ABORTED. Only a failure that recurs on every try
 * ({@link isRecurringStatementFailure}) is a {@link WarehouseStatementError} (permanent, with
 * Redshift's message); an abort, a conflict or a lock wait, and every failure this module does
 * not know, are {@link RetryableError}s: the queue brings the batch back after a back-off, and
 * parks it once its receives are used up.
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
      `Redshift statement ${options.statementId} was aborted (cancelled, its session ended or WLM stopped it): ${message}`,
      { context },
    );
  }
  if (isTransientStatementFailure(message)) {
    return new RetryableError(
      `Redshift statement ${options.statementId} lost to a concurrent transaction or a lock: ${message}`,
      { context },
    );
  }
  if (isRecurringStatementFailure(message)) {
    return new WarehouseStatementError({
      statementId: options.statementId,
      redshiftMessage: message,
    });
  }
  return new RetryableError(
    `Redshift failed statement ${options.statementId}: ${message}. The batch will be tried again after a back-off; if it keeps failing it is parked in the dead-letter queue (see docs/warehouse.md).`,
    { context },
  );
}
