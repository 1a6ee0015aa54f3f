/**
 * The statements the simulator has been sent, their lifecycle (SUBMITTED → PICKED → STARTED →
 * FINISHED | FAILED | ABORTED), their cached results, and ClientToken replay (a token seen in the
 * last 8 hours answers the same statement without running it again). Like the Data API, it
 * forgets: a statement and its result after 24 hours, a token after 8, and the oldest ended
 * statements beyond a count, so a long `npm start` does not grow without bound.
 */
import { randomUUID } from 'node:crypto';
import type { QueryResult } from './results.ts';

/** Statement statuses, as DescribeStatement reports them. */
export const STATUSES = {
  submitted: 'SUBMITTED',
  picked: 'PICKED',
  started: 'STARTED',
  finished: 'FINISHED',
  failed: 'FAILED',
  aborted: 'ABORTED',
} as const;
export type StatementStatus = (typeof STATUSES)[keyof typeof STATUSES];

const DONE: ReadonlySet<StatementStatus> = new Set([
  STATUSES.finished,
  STATUSES.failed,
  STATUSES.aborted,
]);

/** Whether a status is final. */
export const isDone = (status: StatementStatus): boolean => DONE.has(status);

/** One SQL statement's run: the whole of an ExecuteStatement, or one entry of a batch. */
export interface Execution {
  Id: string;
  QueryString: string;
  Status: StatementStatus;
  Error: string | undefined;
  CreatedAt: Date;
  UpdatedAt: Date;
  /** Nanoseconds it ran; -1 until it is done. */
  Duration: number;
  HasResultSet: boolean;
  /** Rows returned or affected; -1 until it is done. */
  ResultRows: number;
  /** Bytes of the result; -1 until it is done. */
  ResultSize: number;
  RedshiftQueryId: number;
  result: QueryResult | undefined;
}

/** Who ran a statement and where, as the request named them. */
export interface Connection {
  Database: string;
  WorkgroupName: string | undefined;
  ClusterIdentifier: string | undefined;
  DbUser: string | undefined;
  SecretArn: string | undefined;
}

/** A statement as ExecuteStatement or BatchExecuteStatement created it. */
export interface StatementRecord extends Execution {
  isBatch: boolean;
  connection: Connection;
  StatementName: string | undefined;
  Parameters: { name: string; value: string }[] | undefined;
  RedshiftPid: number;
  /** The entries of a batch (`<Id>:1`, `<Id>:2`, …); empty for ExecuteStatement. */
  SubStatements: Execution[];
}

/** Time a ClientToken is remembered (the Data API documents 8 hours). */
export const CLIENT_TOKEN_RETENTION_MS = 8 * 60 * 60 * 1000;

/** Time a statement and its result are kept (the Data API keeps results for 24 hours). */
export const STATEMENT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Ended statements kept at most, whatever their age (their results are held in memory). */
export const DEFAULT_MAX_STATEMENTS = 20_000;

function execution(id: string, sql: string, now: Date): Execution {
  return {
    Id: id,
    QueryString: sql,
    Status: STATUSES.submitted,
    Error: undefined,
    CreatedAt: now,
    UpdatedAt: now,
    Duration: -1,
    HasResultSet: false,
    ResultRows: -1,
    ResultSize: -1,
    RedshiftQueryId: 0,
    result: undefined,
  };
}

/** All statements, by Id, in the order they were sent. */
export class StatementStore {
  readonly #statements = new Map<string, StatementRecord>();
  readonly #tokens = new Map<string, { id: string; at: number }>();
  readonly #now: () => number;
  readonly #maxStatements: number;

  /** `now` is the clock (tests pass their own); `maxStatements` caps the ended ones kept. */
  constructor(options: { now?: () => number; maxStatements?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxStatements = options.maxStatements ?? DEFAULT_MAX_STATEMENTS;
  }

  /**
   * Forgets what has expired: statements (oldest first, in the order they were sent) older than
   * 24 hours or beyond the cap (room is made for one more), once they have ended, and tokens
   * older than 8 hours.
   */
  #sweep(now: number): void {
    for (const [id, record] of this.#statements) {
      const expired = now - record.CreatedAt.getTime() > STATEMENT_RETENTION_MS;
      const over = this.#statements.size >= this.#maxStatements;
      if (!expired && !over) break;
      // A statement still running is passed over: its client is waiting for it.
      if (isDone(record.Status)) this.#statements.delete(id);
    }
    for (const [token, seen] of this.#tokens) {
      if (now - seen.at <= CLIENT_TOKEN_RETENTION_MS) break;
      this.#tokens.delete(token);
    }
  }

  /** Creates a statement (`sqls` of one for ExecuteStatement). */
  create(options: {
    sqls: string[];
    isBatch: boolean;
    connection: Connection;
    statementName: string | undefined;
    parameters: { name: string; value: string }[] | undefined;
  }): StatementRecord {
    const now = new Date(this.#now());
    this.#sweep(now.getTime());
    const id = randomUUID();
    const subs = options.isBatch
      ? options.sqls.map((sql, k) => execution(`${id}:${k + 1}`, sql, now))
      : [];
    const record: StatementRecord = {
      ...execution(id, options.isBatch ? '' : (options.sqls[0] ?? ''), now),
      isBatch: options.isBatch,
      connection: options.connection,
      StatementName: options.statementName,
      Parameters: options.parameters,
      RedshiftPid: 0,
      SubStatements: subs,
    };
    this.#statements.set(id, record);
    return record;
  }

  /** The statement a ClientToken created in the last 8 hours. */
  replay(token: string | undefined, now = this.#now()): StatementRecord | undefined {
    if (token === undefined) return undefined;
    const seen = this.#tokens.get(token);
    if (!seen || now - seen.at > CLIENT_TOKEN_RETENTION_MS) return undefined;
    return this.#statements.get(seen.id);
  }

  /** Remembers the statement a ClientToken created. */
  remember(token: string | undefined, record: StatementRecord): void {
    if (token === undefined) return;
    // Re-inserted, so the map stays in time order for the sweep.
    this.#tokens.delete(token);
    this.#tokens.set(token, { id: record.Id, at: this.#now() });
  }

  /** A statement by Id. */
  get(id: string): StatementRecord | undefined {
    return this.#statements.get(id);
  }

  /** A statement or one entry of a batch (`<Id>:<n>`), with the statement it belongs to. */
  find(id: string): { record: StatementRecord; execution: Execution } | undefined {
    const [base = '', index] = id.split(':');
    const record = this.#statements.get(base);
    if (!record) return undefined;
    if (index === undefined) return { record, execution: record };
    const sub = record.SubStatements[Number(index) - 1];
    return sub ? { record, execution: sub } : undefined;
  }

  /** Every statement, oldest first. */
  all(): StatementRecord[] {
    return [...this.#statements.values()];
  }
}

/** Moves an execution to `status`, stamping UpdatedAt. */
export function setStatus(target: Execution, status: StatementStatus, error?: string): void {
  target.Status = status;
  target.UpdatedAt = new Date();
  if (error !== undefined) target.Error = error;
}
