/**
 * The warehouse's only door to Redshift: the Data API (`@aws-sdk/client-redshift-data`). Every
 * call is asynchronous on the API's side, so each method submits, polls DescribeStatement with a
 * short back-off until the statement ends, and translates failures (errors.ts).
 */
import { createHash } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { clientOptions } from '../../aws.ts';
import { RetryableError } from '../../errors.ts';
import type { WarehouseConfig, WarehouseTarget } from './config.ts';
import { StatementTimeoutError, statementFailure, translateApiError } from './errors.ts';
import { POLLING_DEFAULTS, type PollingOptions } from './polling.ts';

/** A value of a result row, as the Data API types it. */
export type CellValue = string | number | boolean | null;
export type ResultRow = Record<string, CellValue>;

/** How a finished statement ended. */
export interface StatementResult {
  id: string;
  /** Rows returned or affected, when the API reports them. */
  resultRows: number | undefined;
}

/** A statement the API says it created this long before we asked is another caller's (replay). */
const REPLAY_AGE_MS = 5_000;
const MAX_REPLAY_HOPS = 5;
const MAX_REMEMBERED_FAILURES = 1_000;

/** What the client has sent, for benchmarks and logs. */
export interface WarehouseClientStats {
  /** ExecuteStatement and BatchExecuteStatement calls. */
  submissions: number;
  /** SQL statements inside them. */
  sqlStatements: number;
}

function targetParams(target: WarehouseTarget) {
  if (target.kind === 'serverless') {
    return {
      WorkgroupName: target.workgroupName,
      ...(target.secretArn ? { SecretArn: target.secretArn } : {}),
    };
  }
  return {
    ClusterIdentifier: target.clusterIdentifier,
    ...(target.dbUser ? { DbUser: target.dbUser } : {}),
    ...(target.secretArn ? { SecretArn: target.secretArn } : {}),
  };
}

function cell(field: Field): CellValue {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) return field.stringValue;
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The token of the next attempt after a replayed failure: derived, so every caller agrees. */
function nextToken(token: string, failedStatementId: string): string {
  return createHash('sha256').update(`${token}:${failedStatementId}`).digest('hex');
}

/** Runs SQL on the configured workgroup or cluster through the Redshift Data API. */
export class WarehouseClient {
  readonly stats: WarehouseClientStats = { submissions: 0, sqlStatements: 0 };
  /** Tokens whose statement failed → that statement: never reused, so a retry runs afresh. */
  private readonly failedTokens = new Map<string, string>();
  private readonly target: ReturnType<typeof targetParams> & { Database: string };
  /** While {@link within} runs: when waiting for a statement must end, whatever the polling says. */
  private deadline: number | undefined;

  constructor(
    private readonly api: RedshiftDataClient,
    config: Pick<WarehouseConfig, 'target' | 'database'>,
    private readonly polling: PollingOptions = POLLING_DEFAULTS,
  ) {
    this.target = { ...targetParams(config.target), Database: config.database };
  }

  /**
   * Runs `work` with every wait for a statement ending by `deadline` (epoch ms) at the latest:
   * the function's time is shared by all of a batch's statements, not given to each. One batch
   * at a time per client, as a function container runs one invocation at a time.
   */
  async within<T>(deadline: number, work: () => Promise<T>): Promise<T> {
    this.deadline = deadline;
    try {
      return await work();
    } finally {
      this.deadline = undefined;
    }
  }

  /** Milliseconds left before {@link within}'s deadline; Infinity outside it. */
  remainingMs(): number {
    return this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
  }

  /** Runs one statement (DDL or DML) and waits until it has ended. */
  async execute(sql: string, parameters: Record<string, string> = {}): Promise<StatementResult> {
    const described = await this.submit('run a statement', 1, () =>
      this.api.send(
        new ExecuteStatementCommand({ ...this.target, Sql: sql, ...params(parameters) }),
      ),
    );
    return { id: described.Id ?? '', resultRows: described.ResultRows };
  }

  /**
   * Runs statements as one transaction (the Data API's BatchExecuteStatement: all or nothing) and
   * waits until it has ended. `clientToken` makes a repeated call return the first call's
   * statement instead of running again (the Data API remembers tokens for hours). A token whose
   * statement failed must not answer every later try with that failure: this client derives the
   * next token from the failed statement (`unfailed`), and a failure the API replays from an
   * older call (created before this one was sent) is followed the same way.
   */
  async executeBatch(
    sqls: readonly string[],
    options: { clientToken: string },
  ): Promise<StatementResult> {
    let token = this.unfailed(options.clientToken);
    for (let hop = 0; ; hop++) {
      const submittedAt = Date.now();
      const clientToken = token;
      const described = await this.submit(
        'run a batch of statements',
        sqls.length,
        () =>
          this.api.send(
            new BatchExecuteStatementCommand({
              ...this.target,
              Sqls: [...sqls],
              ClientToken: clientToken,
            }),
          ),
        { allowFailure: true },
      );
      if (described.Status === 'FINISHED') {
        return { id: described.Id ?? '', resultRows: described.ResultRows };
      }
      this.rememberFailure(token, described.Id ?? '');
      const created = described.CreatedAt?.getTime() ?? submittedAt;
      if (created < submittedAt - REPLAY_AGE_MS && hop < MAX_REPLAY_HOPS) {
        token = this.unfailed(token);
        continue;
      }
      throw failureOf(described);
    }
  }

  /** The token to use instead of one whose statement this client saw fail. */
  private unfailed(token: string): string {
    let current = token;
    for (let failed = this.failedTokens.get(current); failed !== undefined; ) {
      current = nextToken(current, failed);
      failed = this.failedTokens.get(current);
    }
    return current;
  }

  private rememberFailure(token: string, statementId: string): void {
    this.failedTokens.set(token, statementId);
    if (this.failedTokens.size > MAX_REMEMBERED_FAILURES) {
      const oldest = this.failedTokens.keys().next().value;
      if (oldest !== undefined) this.failedTokens.delete(oldest);
    }
  }

  /** Runs a SELECT with named parameters (`:name`) and returns its rows by column name. */
  async query(sql: string, parameters: Record<string, string> = {}): Promise<ResultRow[]> {
    const described = await this.submit('run a query', 1, () =>
      this.api.send(
        new ExecuteStatementCommand({ ...this.target, Sql: sql, ...params(parameters) }),
      ),
    );
    if (!described.HasResultSet) return [];
    const rows: ResultRow[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('read a query result', () =>
        this.api.send(new GetStatementResultCommand({ Id: described.Id, NextToken: nextToken })),
      );
      const names = (page.ColumnMetadata ?? []).map((c, i) => c.label ?? c.name ?? `column${i}`);
      for (const record of page.Records ?? []) {
        const row: ResultRow = {};
        record.forEach((field, i) => {
          row[names[i] ?? `column${i}`] = cell(field);
        });
        rows.push(row);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }

  private async submit(
    action: string,
    statements: number,
    send: () => Promise<{ Id?: string | undefined }>,
    { allowFailure = false } = {},
  ): Promise<DescribeStatementResponse> {
    this.stats.submissions += 1;
    this.stats.sqlStatements += statements;
    const { Id } = await this.call(action, send);
    if (Id === undefined) {
      throw new RetryableError(`The Redshift Data API did not return a statement id to ${action}.`);
    }
    const described = await this.waitFor(Id, action);
    if (described.Status !== 'FINISHED' && !allowFailure) throw failureOf(described);
    return described;
  }

  /** Polls until the statement has ended: FINISHED, FAILED or ABORTED. */
  private async waitFor(id: string, action: string): Promise<DescribeStatementResponse> {
    const deadline = Math.min(Date.now() + this.polling.timeoutMs, this.deadline ?? Infinity);
    const waitedFrom = Date.now();
    let interval = this.polling.initialIntervalMs;
    for (;;) {
      const described = await this.call('read the state of a statement', () =>
        this.api.send(new DescribeStatementCommand({ Id: id })),
      );
      const status = described.Status;
      if (status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED') return described;
      if (Date.now() + interval > deadline) {
        throw new StatementTimeoutError({
          statementId: id,
          action,
          waitedMs: deadline - waitedFrom,
          status: status ?? 'unknown',
        });
      }
      await sleep(interval);
      interval = Math.min(this.polling.maxIntervalMs, Math.ceil(interval * 1.5));
    }
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw translateApiError(error, action);
    }
  }
}

function params(parameters: Record<string, string>) {
  const list = Object.entries(parameters).map(([name, value]) => ({ name, value }));
  return list.length === 0 ? {} : { Parameters: list };
}

function failureOf(described: DescribeStatementResponse) {
  const failed = described.SubStatements?.find((s) => s.Status === 'FAILED' || s.Error);
  return statementFailure({
    statementId: failed?.Id ?? described.Id ?? 'unknown',
    status: described.Status ?? 'FAILED',
    message: failed?.Error ?? described.Error,
  });
}

/**
 * A client for the configured target: the real Data API, or `config.endpoint` (the local
 * simulator) with placeholder credentials. Every request has a deadline; the SDK retries
 * throttling and network failures on its own before our error translation sees them.
 */
export function createWarehouseClient(
  config: WarehouseConfig,
  polling: PollingOptions = POLLING_DEFAULTS,
): WarehouseClient {
  const api = new RedshiftDataClient(clientOptions({ region: config.region }, config.endpoint));
  return new WarehouseClient(api, config, polling);
}
