/**
 * Tests against the Redshift Data API simulator: one simulator per test file on the shared test
 * PostgreSQL, a schema of the file's own (dropped afterwards), the real SDK client pointed at
 * it, and the polling every Data API client does.
 */
import { randomBytes } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  type GetStatementResultCommandOutput,
  RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { testPostgresUrl } from '../../../../local/simulators/redshift-data/postgres.ts';
import {
  type RedshiftDataSimulator,
  type RedshiftDataSimulatorOptions,
  startRedshiftDataSimulator,
} from '../../../../local/simulators/redshift-data/server.ts';
import { startedPerFile } from '../../../support/per-file.ts';

/** The SDK client for a simulator: dummy credentials, no retries unless asked. */
export function dataClient(sim: RedshiftDataSimulator, maxAttempts = 1): RedshiftDataClient {
  return new RedshiftDataClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
    maxAttempts,
  });
}

/** The shared PostgreSQL, or a failure that says how to get one. */
export function postgresUrl(): string {
  const url = testPostgresUrl();
  if (url === undefined) {
    throw new Error(
      'PostgreSQL is not reachable at 127.0.0.1:5432 (database "test"): start it (CI runs one) to run the Redshift Data API simulator tests.',
    );
  }
  return url;
}

/** A simulator for one test file, with its schema and client. */
export interface RedshiftHandle {
  readonly sim: RedshiftDataSimulator;
  readonly client: RedshiftDataClient;
  /** A schema of this file's own, created before its tests and dropped after them. */
  readonly schema: string;
  /** The S3 endpoint COPY reads from (the run's fauxqs). */
  readonly s3Endpoint: string;
}

/**
 * Starts a simulator (free port, the run's fauxqs as S3) and a schema of the file's own before
 * the file's tests, and stops and drops them after.
 */
export function useRedshiftSimulator(
  options: Partial<Omit<RedshiftDataSimulatorOptions, 'postgres' | 's3'>> = {},
): RedshiftHandle {
  const schema = `rs_${randomBytes(4).toString('hex')}`;
  return startedPerFile<RedshiftHandle>({
    what: 'The simulator',
    known: { schema },
    start: async () => {
      const url = postgresUrl();
      const s3Endpoint = inject('sqsEndpoint');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const sim = await startRedshiftDataSimulator({
        port: 0,
        postgres: { connectionString: url },
        s3: { endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true },
        ...options,
      });
      return { sim, client: dataClient(sim), schema, s3Endpoint };
    },
    stop: async (started) => {
      await started?.sim.stop();
      const admin = new pg.Client({ connectionString: postgresUrl() });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  });
}

/** The connection members every request carries. */
export const WORKGROUP = { Database: 'dev', WorkgroupName: 'switchyard' } as const;

const DONE = new Set(['FINISHED', 'FAILED', 'ABORTED']);

/** Polls DescribeStatement until the statement is FINISHED, FAILED or ABORTED. */
export async function waitFor(
  client: RedshiftDataClient,
  id: string | undefined,
  timeoutMs = 20_000,
): Promise<DescribeStatementCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await client.send(new DescribeStatementCommand({ Id: id }));
    if (DONE.has(described.Status ?? '')) return described;
    if (Date.now() > deadline) throw new Error(`statement ${id} is still ${described.Status}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs one statement and waits for it. */
export async function run(
  client: RedshiftDataClient,
  sql: string,
  parameters?: SqlParameter[],
): Promise<DescribeStatementCommandOutput> {
  const { Id } = await client.send(
    new ExecuteStatementCommand({ Sql: sql, ...WORKGROUP, Parameters: parameters }),
  );
  return waitFor(client, Id);
}

/** Runs one statement that must finish; fails the test with its Error otherwise. */
export async function runOk(
  client: RedshiftDataClient,
  sql: string,
  parameters?: SqlParameter[],
): Promise<DescribeStatementCommandOutput> {
  const described = await run(client, sql, parameters);
  expect(described.Error, sql).toBeUndefined();
  expect(described.Status).toBe('FINISHED');
  return described;
}

/** Runs a batch and waits for it. */
export async function runBatch(
  client: RedshiftDataClient,
  sqls: string[],
): Promise<DescribeStatementCommandOutput> {
  const { Id } = await client.send(new BatchExecuteStatementCommand({ Sqls: sqls, ...WORKGROUP }));
  return waitFor(client, Id);
}

/** Every page of a statement's result. */
export async function allPages(
  client: RedshiftDataClient,
  id: string | undefined,
): Promise<GetStatementResultCommandOutput[]> {
  const pages: GetStatementResultCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new GetStatementResultCommand({ Id: id, NextToken: token }));
    pages.push(page);
    token = page.NextToken;
  } while (token);
  return pages;
}

/** A field as the plain value it holds (null for isNull). */
export function plain(field: Field): unknown {
  if (field.isNull) return null;
  return field.stringValue ?? field.longValue ?? field.doubleValue ?? field.booleanValue;
}

/** The rows of a query, as plain values. */
export async function query(
  client: RedshiftDataClient,
  sql: string,
  parameters?: SqlParameter[],
): Promise<unknown[][]> {
  const described = await runOk(client, sql, parameters);
  const pages = await allPages(client, described.Id);
  return pages.flatMap((p) => p.Records ?? []).map((record) => record.map(plain));
}

/** The error a promise must reject with (the test fails if it resolves). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}
