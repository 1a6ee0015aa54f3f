/**
 * Runs a COPY: reads every S3 object under the prefix (as Redshift does), matches each JSON
 * object's top-level keys to the table's columns (case-insensitively with ignorecase), and loads
 * the rows with batched `INSERT … SELECT … FROM json_to_recordset($1)` on the statement's own
 * connection, so a COPY in a batch commits or rolls back with it.
 */
import { gunzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PoolClient } from 'pg';
import { loadFailed, StatementFailure } from '../redshift-errors.ts';
import type { CopyCommand } from '../sql/copy.ts';
import { quoteIdentifier } from '../sql/tokens.ts';
import { LoadError, readJsonRecords } from './json-records.ts';
import { type TargetColumn, toRow } from './rows.ts';

/** A row of Redshift's sys_load_error_detail, as the simulator keeps it. */
export interface LoadErrorDetail {
  table: string;
  file: string;
  line: number;
  column: string | undefined;
  reason: string;
  at: Date;
}

const ROWS_PER_INSERT = 5_000;
const PARALLEL_READS = 8;

/** The columns of the COPY's table, in table order; a missing table is Redshift's error. */
async function targetColumns(client: PoolClient, copy: CopyCommand): Promise<TargetColumn[]> {
  const name =
    copy.schema === undefined
      ? quoteIdentifier(copy.table)
      : `${quoteIdentifier(copy.schema)}.${quoteIdentifier(copy.table)}`;
  const { rows } = await client.query<TargetColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0
        AND NOT a.attisdropped ORDER BY a.attnum`,
    [name],
  );
  const shown = copy.schema === undefined ? copy.table : `${copy.schema}.${copy.table}`;
  if (rows.length === 0) throw new StatementFailure(`ERROR: relation "${shown}" does not exist`);
  if (copy.columns === undefined) return rows;
  return copy.columns.map((column) => {
    const found = rows.find((r) => r.name === column);
    if (!found) {
      throw new StatementFailure(
        `ERROR: column "${column}" of relation "${copy.table}" does not exist`,
      );
    }
    return found;
  });
}

async function listPage(
  s3: S3Client,
  copy: CopyCommand,
  token: string | undefined,
): Promise<ListObjectsV2CommandOutput> {
  try {
    return await s3.send(
      new ListObjectsV2Command({
        Bucket: copy.bucket,
        Prefix: copy.prefix,
        ContinuationToken: token,
      }),
    );
  } catch (error) {
    const name = error instanceof Error ? error.name : 'S3Error';
    const reason = name === 'NoSuchBucket' ? 'The specified bucket does not exist' : name;
    throw new StatementFailure(
      `ERROR: S3ServiceException:${reason},Status 404,Error ${name},Bucket ${copy.bucket}`,
    );
  }
}

/** The keys under the prefix, as Redshift reads them (every key that starts with it). */
async function listKeys(s3: S3Client, copy: CopyCommand): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await listPage(s3, copy, token);
    for (const object of page.Contents ?? []) {
      if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
    }
    token = page.NextContinuationToken;
  } while (token);
  if (keys.length === 0) {
    throw new StatementFailure(`ERROR: The specified S3 prefix '${copy.prefix}' does not exist`);
  }
  return keys.sort();
}

async function readObject(s3: S3Client, copy: CopyCommand, key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: copy.bucket, Key: key }));
  const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
  if (!copy.gzip) return Buffer.from(bytes).toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch {
    throw new LoadError('gzip: the file is not in gzip format (COPY … GZIP).', { line: 0 });
  }
}

/** Runs `copy` on `client`; resolves with the number of rows loaded. */
export async function runCopy(options: {
  copy: CopyCommand;
  client: PoolClient;
  s3: S3Client;
  recordError: (detail: LoadErrorDetail) => void;
}): Promise<number> {
  const { copy, client, s3 } = options;
  const columns = await targetColumns(client, copy);
  const keys = await listKeys(s3, copy);
  const table = copy.table;
  const rows: Record<string, unknown>[] = [];
  const fail = (file: string, error: LoadError): never => {
    options.recordError({
      table,
      file: `s3://${copy.bucket}/${file}`,
      line: error.line,
      column: error.column,
      reason: error.message,
      at: new Date(),
    });
    throw new StatementFailure(loadFailed(table));
  };
  for (let i = 0; i < keys.length; i += PARALLEL_READS) {
    const batch = keys.slice(i, i + PARALLEL_READS);
    const texts = await Promise.all(
      batch.map((key) => readObject(s3, copy, key).catch((e: unknown) => e)),
    );
    texts.forEach((text, k) => {
      const key = batch[k] as string;
      if (text instanceof LoadError) fail(key, text);
      if (typeof text !== 'string') throw text;
      try {
        for (const record of readJsonRecords(text)) rows.push(toRow(record, columns, copy));
      } catch (error) {
        if (error instanceof LoadError) fail(key, error);
        throw error;
      }
    });
  }
  const target =
    copy.schema === undefined
      ? quoteIdentifier(copy.table)
      : `${quoteIdentifier(copy.schema)}.${quoteIdentifier(copy.table)}`;
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  const insert = `INSERT INTO ${target} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS x(${definitions})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    try {
      await client.query(insert, [JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT))]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fail(
        keys.length === 1 ? (keys[0] as string) : `${copy.prefix}*`,
        new LoadError(reason, { line: 0 }),
      );
    }
  }
  return rows.length;
}
