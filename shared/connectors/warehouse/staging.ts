/**
 * The batch's rows as files COPY can read: one NDJSON object per table under
 * `<prefix><batch id>/<table>.ndjson` in the staging bucket, removed once the load has ended.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isRetryable, PermanentError, RetryableError } from '../../errors.ts';
import type { Row } from './mapping.ts';
import type { TableName } from './tables.ts';

/** The files of one staged batch. */
export interface StagedBatch {
  batchId: string;
  tables: ReadonlySet<TableName>;
  /** `s3://bucket/key` of a table's file, as COPY names it. */
  locationOf(table: TableName): string;
  keys: readonly string[];
}

/** One JSON object per line, as COPY … FORMAT AS JSON 'auto' reads it. */
export function toNdjson(rows: readonly Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n');
}

function s3Failure(error: unknown, action: string, bucket: string) {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message = `Could not ${action} in the staging bucket ${bucket} (${reason}). Check WAREHOUSE_STAGING_BUCKET and that the function may read and write it.`;
  const options = { cause: error, context: { connector: 'warehouse', bucket } };
  return isRetryable(error)
    ? new RetryableError(message, options)
    : new PermanentError(message, options);
}

/** Each table's rows as one NDJSON body, tables without rows left out. */
export function ndjsonBodies(rows: ReadonlyMap<TableName, readonly Row[]>): Map<TableName, string> {
  return new Map(
    [...rows].filter(([, list]) => list.length > 0).map(([table, list]) => [table, toNdjson(list)]),
  );
}

/** Writes each table's NDJSON body (from {@link ndjsonBodies}) to its own file. */
export async function stageRows(options: {
  s3: S3Client;
  bucket: string;
  prefix: string;
  batchId: string;
  bodies: ReadonlyMap<TableName, string>;
}): Promise<StagedBatch> {
  const { s3, bucket } = options;
  const keyOf = (table: TableName) => `${options.prefix}${options.batchId}/${table}.ndjson`;
  const tables = new Set(options.bodies.keys());
  try {
    await Promise.all(
      [...tables].map((table) =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: keyOf(table),
            Body: options.bodies.get(table) ?? '',
            ContentType: 'application/x-ndjson',
          }),
        ),
      ),
    );
  } catch (error) {
    throw s3Failure(error, 'stage the batch', bucket);
  }
  return {
    batchId: options.batchId,
    tables,
    locationOf: (table) => `s3://${bucket}/${keyOf(table)}`,
    keys: [...tables].map(keyOf),
  };
}

/**
 * Removes a batch's files. Best effort: a file left behind costs storage only (a lifecycle rule
 * on the prefix sweeps them), never a second load, since every batch has its own prefix.
 */
export async function removeStaged(options: {
  s3: S3Client;
  bucket: string;
  staged: StagedBatch;
}): Promise<unknown[]> {
  const results = await Promise.allSettled(
    options.staged.keys.map((key) =>
      options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key })),
    ),
  );
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
}
