/**
 * One batch load: stage the rows as NDJSON in S3, run the load SQL (load-sql.ts) as one
 * BatchExecuteStatement, and remove the staged files once the load has ended either way. A load
 * whose outcome is unknown (the client stopped waiting while Redshift may still be running it)
 * leaves its files to the staging bucket's lifecycle rule, since the statement may still read them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { PermanentError, RetryableError } from '../../errors.ts';
import type { WarehouseClient } from './client.ts';
import type { WarehouseConfig } from './config.ts';
import { StatementTimeoutError, WarehouseStatementError } from './errors.ts';
import { loadStatements } from './load-sql.ts';
import type { Row } from './mapping.ts';
import { ndjsonBodies, removeStaged, stageRows } from './staging.ts';
import type { TableName } from './tables.ts';

export interface LoadBatchOptions {
  client: WarehouseClient;
  s3: S3Client;
  config: Pick<WarehouseConfig, 'schema' | 'stagingBucket' | 'stagingPrefix' | 'copyRole'>;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** The events of the load, with their `created` (Unix seconds). */
  events: readonly { id: string; created: number }[];
  rows: ReadonlyMap<TableName, readonly Row[]>;
}

/** A digest of strings, in any order. */
export function tokenOf(parts: readonly string[]): string {
  return createHash('sha256')
    .update([...parts].sort().join(','))
    .digest('hex');
}

/**
 * The load's ClientToken: its events and the rows it writes. A retry of the same load (the SDK's,
 * or the queue's after a timeout) gets the first statement back instead of running twice; a load
 * that writes other rows for the same events (a redrive once the mapping is fixed) runs afresh.
 */
function loadToken(options: LoadBatchOptions, bodies: ReadonlyMap<TableName, string>): string {
  const rows = createHash('sha256');
  for (const [table, body] of [...bodies].sort(([a], [b]) => a.localeCompare(b))) {
    rows.update(`${table}\n${body}\n`);
  }
  return tokenOf([...options.events.map((e) => e.id), `rows:${rows.digest('hex')}`]);
}

async function runWithOneRetry(
  options: LoadBatchOptions,
  statements: string[],
  token: string,
): Promise<void> {
  const { client, logger } = options;
  const started = Date.now();
  try {
    await client.executeBatch(statements, { clientToken: token });
  } catch (error) {
    if (!(error instanceof WarehouseStatementError)) throw error;
    if (client.remainingMs() < Date.now() - started) {
      // No time to try again within this invocation: the queue brings the batch back.
      throw new RetryableError(
        `Redshift failed the batch load (${error.redshiftMessage}) with too little of the function's time left to try again at once; the batch comes back from the queue.`,
        { cause: error, context: { connector: 'warehouse', statementId: error.statementId } },
      );
    }
    logger.warn('Redshift failed the batch load; trying once more', {
      statementId: error.statementId,
      error: error.redshiftMessage,
    });
    try {
      await client.executeBatch(statements, { clientToken: tokenOf([token, 'retry']) });
    } catch (second) {
      if (!(second instanceof WarehouseStatementError)) throw second;
      throw new PermanentError(
        `Redshift failed to load the batch twice: ${second.redshiftMessage}. Fix the cause (see docs/warehouse.md), then redrive the dead-letter queue.`,
        { cause: second, context: { connector: 'warehouse', statementId: second.statementId } },
      );
    }
  }
}

/**
 * Loads the rows in one transaction. A statement failure that recurs is tried once more, then
 * thrown as a {@link PermanentError} with Redshift's message; every other failure is thrown as
 * the client reported it (retryable ones go back to the queue).
 */
export async function loadBatch(options: LoadBatchOptions): Promise<void> {
  const { s3, config, logger } = options;
  // Serialised once: the same bytes are hashed into the token and staged for COPY.
  const bodies = ndjsonBodies(options.rows);
  const token = loadToken(options, bodies);
  const created = options.events.map((e) => e.created);
  const staged = await stageRows({
    s3,
    bucket: config.stagingBucket,
    prefix: config.stagingPrefix,
    batchId: `${token.slice(0, 16)}-${randomUUID().slice(0, 8)}`,
    bodies,
  });
  let outcomeKnown = true;
  try {
    const statements = loadStatements({
      schema: config.schema,
      staged: staged.tables,
      locationOf: staged.locationOf,
      copyRole: config.copyRole,
      ...(created.length === 0
        ? {}
        : { eventsCreated: { min: Math.min(...created), max: Math.max(...created) } }),
    });
    await runWithOneRetry(options, statements, token);
  } catch (error) {
    if (error instanceof StatementTimeoutError) outcomeKnown = false;
    throw error;
  } finally {
    if (outcomeKnown) {
      const errors = await removeStaged({ s3, bucket: config.stagingBucket, staged });
      if (errors.length > 0) {
        logger.warn('Could not remove staged files; they only cost storage', {
          batchId: staged.batchId,
          error: String(errors[0]),
        });
      }
    } else {
      logger.warn(
        'Left the staged files of a load still running; the lifecycle rule removes them',
        {
          batchId: staged.batchId,
        },
      );
    }
  }
}
