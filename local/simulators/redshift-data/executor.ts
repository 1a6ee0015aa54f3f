/**
 * Runs statements on PostgreSQL: ExecuteStatement autocommits on a connection of its own;
 * BatchExecuteStatement runs its Sqls in order in one transaction (BEGIN … COMMIT, ROLLBACK on
 * the first failure). A connection is handed back with its temp tables dropped, so temp tables
 * live for one statement or one batch, as in a Data API session-less call.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool, PoolClient } from 'pg';
import type { Catalog } from './catalog.ts';
import { type LoadErrorDetail, runCopy } from './copy/load.ts';
import type { Faults } from './faults.ts';
import { redshiftErrorText, StatementFailure } from './redshift-errors.ts';
import { toQueryResult } from './results.ts';
import type { RedshiftSqlError } from './sql/errors.ts';
import { type CatalogChange, PLAN_KINDS, type StatementPlan } from './sql/translate.ts';
import { type Execution, isDone, STATUSES, type StatementRecord, setStatus } from './statements.ts';

/** What running a statement needs. */
export interface ExecutorDeps {
  pool: Pool;
  s3: S3Client;
  catalog: Catalog;
  faults: Faults;
  executionDelayMs: number;
  recordLoadError: (detail: LoadErrorDetail) => void;
  /** Backend pids of the statements running now, by statement Id (CancelStatement uses them). */
  running: Map<string, number>;
  log: (entry: { level: 'debug' | 'error'; message: string }) => void;
}

/** A planned statement: the plan, or why it cannot be planned. */
export type Planned = { plan: StatementPlan } | { error: RedshiftSqlError };

const RAW_TEXT = { getTypeParser: () => (value: string) => value };
let nextQueryId = 100_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one plan on `client`; fills `target` with the outcome's counts and result. */
async function runPlan(
  deps: ExecutorDeps,
  client: PoolClient,
  planned: Planned,
  target: Execution,
  parameters: ReadonlyMap<string, string>,
): Promise<CatalogChange | undefined> {
  const injected = deps.faults.takeFailure(target.QueryString);
  if (injected !== undefined) throw new StatementFailure(injected);
  if ('error' in planned) throw planned.error;
  const { plan } = planned;
  target.RedshiftQueryId = nextQueryId++;
  if (plan.kind === PLAN_KINDS.noop) {
    target.ResultRows = 0;
    return plan.change;
  }
  if (plan.kind === PLAN_KINDS.copy) {
    target.ResultRows = await runCopy({
      copy: plan.copy,
      client,
      s3: deps.s3,
      recordError: deps.recordLoadError,
    });
    return undefined;
  }
  const bound = plan.parameters.map((name) => parameters.get(name) ?? '');
  const result = await client.query({
    text: plan.sql,
    values: bound,
    rowMode: 'array',
    types: RAW_TEXT,
  });
  if (result.fields.length > 0) {
    target.result = await toQueryResult(client, result.fields, result.rows as (string | null)[][]);
    target.HasResultSet = true;
    target.ResultRows = target.result.records.length;
    target.ResultSize = target.result.size;
  } else {
    target.ResultRows = result.rowCount ?? 0;
  }
  return plan.change;
}

/** Marks an execution done, with its duration since `startedAt` (ms from performance.now). */
function finish(
  target: Execution,
  startedAt: number,
  status: typeof STATUSES.finished | typeof STATUSES.failed | typeof STATUSES.aborted,
  error?: string,
): void {
  if (isDone(target.Status)) return;
  target.Duration = Math.round((performance.now() - startedAt) * 1_000_000);
  if (target.ResultRows < 0) target.ResultRows = status === STATUSES.finished ? 0 : -1;
  if (target.ResultSize < 0) target.ResultSize = status === STATUSES.finished ? 0 : -1;
  setStatus(target, status, error);
}

/** Drops the session's temp tables and hands the connection back (destroyed if it is broken). */
async function release(client: PoolClient, broken: boolean): Promise<void> {
  if (broken) {
    client.release(true);
    return;
  }
  try {
    await client.query('DISCARD TEMP');
    client.release();
  } catch {
    client.release(true);
  }
}

/** Walks the statement through SUBMITTED → PICKED → STARTED, unless it is aborted meanwhile. */
async function pickUp(deps: ExecutorDeps, record: StatementRecord): Promise<boolean> {
  const half = deps.executionDelayMs / 2;
  // A getter, not the field: CancelStatement changes the status while this function waits.
  const status = () => record.Status;
  if (half > 0) await sleep(half);
  if (status() !== STATUSES.submitted) return false;
  setStatus(record, STATUSES.picked);
  if (half > 0) await sleep(half);
  if (status() !== STATUSES.picked) return false;
  setStatus(record, STATUSES.started);
  return true;
}

/** The database a request names that the simulator does not serve, as Redshift reports it. */
export const unknownDatabase = (database: string) => `FATAL: database "${database}" does not exist`;

/** What a statement runs: its plans (one per Sql), parameter values, and a connection error. */
export interface Work {
  planned: Planned[];
  parameters: ReadonlyMap<string, string>;
  /** Set when the request named a database the simulator does not serve. */
  databaseError: string | undefined;
}

/** The translated SQL's pieces (for error positions), when the plan is SQL. */
function piecesOf(planned: Planned | undefined) {
  return planned && 'plan' in planned && planned.plan.kind === PLAN_KINDS.sql
    ? planned.plan.pieces
    : undefined;
}

/**
 * Runs the statement's Sqls in order on `client` (in the batch's transaction, if it is one).
 * Resolves with the catalog changes to apply, or undefined when a statement failed (the
 * failure is recorded, and the transaction rolled back).
 */
async function runInOrder(
  deps: ExecutorDeps,
  client: PoolClient,
  record: StatementRecord,
  work: Work,
): Promise<(CatalogChange | undefined)[] | undefined> {
  const targets: Execution[] = record.isBatch ? record.SubStatements : [record];
  // A COPY runs several INSERTs: it gets a transaction of its own, so it loads all or nothing.
  const transaction =
    record.isBatch || work.planned.some((p) => 'plan' in p && p.plan.kind === PLAN_KINDS.copy);
  if (transaction) await client.query('BEGIN');
  const changes: (CatalogChange | undefined)[] = [];
  // A getter, not the field: CancelStatement changes the status while statements run.
  const cancelled = () => record.Status === STATUSES.aborted;
  for (const [k, target] of targets.entries()) {
    const began = performance.now();
    if (record.isBatch) setStatus(target, STATUSES.started);
    try {
      if (cancelled()) throw new StatementFailure("ERROR: Query cancelled on user's request");
      changes.push(
        await runPlan(deps, client, work.planned[k] as Planned, target, work.parameters),
      );
      if (record.isBatch) finish(target, began, STATUSES.finished);
    } catch (error) {
      const text = redshiftErrorText(error, piecesOf(work.planned[k]));
      finish(target, began, cancelled() ? STATUSES.aborted : STATUSES.failed, text);
      for (const later of targets.slice(k + 1)) finish(later, began, STATUSES.aborted);
      if (transaction) await client.query('ROLLBACK');
      return undefined;
    }
  }
  if (transaction) await client.query('COMMIT');
  return changes;
}

/** Runs a statement (or a batch) to its end; never throws. */
export async function execute(
  deps: ExecutorDeps,
  record: StatementRecord,
  work: Work,
): Promise<void> {
  const startedAt = performance.now();
  if (!(await pickUp(deps, record))) return;
  if (work.databaseError !== undefined) {
    for (const sub of record.SubStatements)
      finish(sub, startedAt, STATUSES.failed, work.databaseError);
    finish(record, startedAt, STATUSES.failed, work.databaseError);
    return;
  }
  let client: PoolClient;
  try {
    client = await deps.pool.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    finish(
      record,
      startedAt,
      STATUSES.failed,
      `FATAL: the simulator cannot reach PostgreSQL (${reason})`,
    );
    return;
  }
  let broken = false;
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    record.RedshiftPid = rows[0]?.pid ?? 0;
    deps.running.set(record.Id, record.RedshiftPid);
    if (isDone(record.Status)) return; // cancelled before it had a connection
    const changes = await runInOrder(deps, client, record, work);
    if (changes === undefined) {
      const failed = record.SubStatements.find((s) => s.Status === STATUSES.failed);
      finish(record, startedAt, STATUSES.failed, failed?.Error ?? record.Error);
      return;
    }
    for (const change of changes) deps.catalog.apply(change);
    if (record.isBatch) {
      const subs = record.SubStatements;
      record.HasResultSet = subs.some((t) => t.HasResultSet);
      record.ResultRows = subs.reduce((sum, t) => sum + Math.max(0, t.ResultRows), 0);
      record.RedshiftQueryId = subs.at(-1)?.RedshiftQueryId ?? 0;
    }
    finish(record, startedAt, STATUSES.finished);
  } catch (error) {
    broken = true;
    deps.log({
      level: 'error',
      message: `statement ${record.Id} broke its connection: ${String(error)}`,
    });
    finish(record, startedAt, STATUSES.failed, redshiftErrorText(error));
  } finally {
    deps.running.delete(record.Id);
    await release(client, broken);
  }
}

/**
 * Cancels the query a statement is running. PostgreSQL only cancels a query in progress, and the
 * statement may be between two queries: the cancel is repeated while the statement still holds
 * its connection (for up to half a second).
 */
export async function cancelRunning(deps: ExecutorDeps, id: string): Promise<void> {
  for (let attempt = 0; attempt < 25; attempt += 1) {
    const pid = deps.running.get(id);
    if (pid === undefined) return;
    await deps.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    await sleep(20);
  }
}
