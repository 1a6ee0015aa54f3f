/**
 * The Redshift Data API simulator: the real AWS JSON 1.1 protocol (so `@aws-sdk/client-redshift-
 * data` talks to it with only an `endpoint` override), statements translated from Redshift SQL
 * (docs/redshift-dialect.md) and run on PostgreSQL, COPY from an S3-compatible endpoint, and a
 * fault switch for tests.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT } from '../../../shared/config.ts';
import { listen } from '../serve.ts';
import { Catalog } from './catalog.ts';
import type { LoadErrorDetail } from './copy/load.ts';
import { cancelRunning, type ExecutorDeps } from './executor.ts';
import { Faults } from './faults.ts';
import { installHelpers } from './helpers.ts';
import { OPERATIONS } from './operations.ts';
import {
  DATA_API_ERRORS,
  DataApiError,
  errorAnswer,
  operationOf,
  parseInput,
  readBody,
  requireSignature,
} from './protocol.ts';
import type { SimulatorLogEntry, SimulatorState } from './state.ts';
import { type StatementRecord, StatementStore } from './statements.ts';

export type { FailNextOptions } from './faults.ts';
export type { TableDesign } from './sql/create-table.ts';
export { RedshiftSqlError } from './sql/errors.ts';
export { translateRedshiftSql } from './sql/translate.ts';

/** The port `npm start` runs the simulator on. */
export { DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT };

/** How the simulator is started. */
export interface RedshiftDataSimulatorOptions {
  /** 0 picks a free port. Default {@link DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT}. */
  port?: number;
  /** The interface to listen on; default 127.0.0.1. */
  host?: string;
  /** The PostgreSQL database the Data API database maps to. */
  postgres: { connectionString: string };
  /** Where COPY reads from (fauxqs locally). */
  s3: { endpoint: string; region: string; forcePathStyle?: boolean };
  /** The Data API database name; default `dev`. */
  database?: string;
  /** The serverless workgroup answered; default `switchyard`. */
  workgroupName?: string;
  /** The provisioned cluster answered; default `switchyard-local`. */
  clusterIdentifier?: string;
  /** How long a statement stays SUBMITTED/PICKED before it starts; default 2 ms. */
  executionDelayMs?: number;
  /** Records per GetStatementResult page; default 1000. */
  pageSize?: number;
  /** Called with one-line summaries (never parameter values or credentials). */
  log?: (entry: SimulatorLogEntry) => void;
}

/** A statement as tests inspect it. */
export interface StatementSummary {
  Id: string;
  QueryString: string | undefined;
  QueryStrings: string[] | undefined;
  Status: string;
  Error: string | undefined;
}

/** A running simulator. */
export interface RedshiftDataSimulator {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The same URL, for the SDK's `endpoint`. */
  endpoint: string;
  port: number;
  database: string;
  workgroupName: string;
  clusterIdentifier: string;
  /** Every statement sent so far, oldest first. */
  statements(): readonly StatementSummary[];
  /** Why recent COPYs failed, newest last (Redshift's sys_load_error_detail). */
  loadErrors(): readonly LoadErrorDetail[];
  /** The fault switch. */
  faults: Faults;
  /** Dist and sort keys, encodings and primary keys of the tables created through the API. */
  catalog: Catalog;
  /** Stops answering, waits for running statements, and closes the PostgreSQL pool. */
  stop(): Promise<void>;
}

function summary(record: StatementRecord): StatementSummary {
  return {
    Id: record.Id,
    QueryString: record.isBatch ? undefined : record.QueryString,
    QueryStrings: record.isBatch ? record.SubStatements.map((s) => s.QueryString) : undefined,
    Status: record.Status,
    Error: record.Error,
  };
}

/** Starts the simulator; PostgreSQL must be reachable (its pool is checked before listening). */
export async function startRedshiftDataSimulator(
  options: RedshiftDataSimulatorOptions,
): Promise<RedshiftDataSimulator> {
  const log = options.log ?? (() => undefined);
  // Redshift's session defaults: UTC, ISO dates, and serializable isolation (so two batches
  // that read and write the same tables at once fail one of them, as Redshift's 1023 does).
  const pool = new pg.Pool({
    connectionString: options.postgres.connectionString,
    max: 10,
    options: '-c TimeZone=UTC -c DateStyle=ISO,MDY -c default_transaction_isolation=serializable',
  });
  pool.on('error', (error) => {
    // 57P01: the server is shutting down (Ctrl-C reaches an embedded PostgreSQL too); an idle
    // connection ending then is expected, not a failure.
    const shutdown = (error as { code?: string }).code === '57P01';
    log({ level: shutdown ? 'debug' : 'error', message: `PostgreSQL: ${error.message}` });
  });
  const catalog = new Catalog();
  try {
    await installHelpers(pool);
    await catalog.load(pool);
  } catch (error) {
    await pool.end();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The Redshift Data API simulator cannot use PostgreSQL (${reason}): check postgres.connectionString and that the server is up.`,
    );
  }
  const s3 = new S3Client({
    endpoint: options.s3.endpoint,
    region: options.s3.region,
    forcePathStyle: options.s3.forcePathStyle ?? true,
    credentials: { accessKeyId: 'simulator', secretAccessKey: 'simulator' },
  });
  const faults = new Faults();
  const loadErrors: LoadErrorDetail[] = [];
  const deps: ExecutorDeps = {
    pool,
    s3,
    catalog,
    faults,
    executionDelayMs: options.executionDelayMs ?? 2,
    recordLoadError: (detail) => {
      loadErrors.push(detail);
      if (loadErrors.length > 1_000) loadErrors.shift();
    },
    log,
    running: new Map(),
  };
  const state: SimulatorState = {
    store: new StatementStore(),
    deps,
    endpoint: {
      database: options.database ?? 'dev',
      workgroupName: options.workgroupName ?? 'switchyard',
      clusterIdentifier: options.clusterIdentifier ?? 'switchyard-local',
    },
    pageSize: options.pageSize ?? 1_000,
    pending: new Set(),
    log,
  };
  const known = new Set(Object.keys(OPERATIONS));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let status = 200;
    let body: string;
    let operation = '?';
    try {
      const raw = await readBody(req);
      operation = operationOf(req, known);
      requireSignature(req);
      if (faults.takeThrottle()) {
        throw new DataApiError(DATA_API_ERRORS.throttling, 'Rate exceeded');
      }
      const input = parseInput(raw);
      const handler = OPERATIONS[operation];
      body = JSON.stringify((await handler?.(input, state)) ?? {});
    } catch (error) {
      ({ status, body } = errorAnswer(error));
    }
    res
      .writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      })
      .end(body);
    log({ level: 'debug', message: `${operation} → ${status}` });
  };

  const answerClientError = (_error: Error, socket: Duplex) => {
    if (socket.writable) {
      const body = JSON.stringify({
        __type: DATA_API_ERRORS.serialization,
        message: 'The request could not be parsed as HTTP.',
      });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  };
  const { server, url, port } = await listen({
    port: options.port ?? DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT,
    host: options.host,
    handle,
    onClientError: answerClientError,
  });
  return {
    url,
    endpoint: url,
    port,
    ...state.endpoint,
    statements: () => state.store.all().map(summary),
    loadErrors: () => [...loadErrors],
    faults,
    catalog,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...deps.running.keys()].map((id) => cancelRunning(deps, id)));
      await Promise.allSettled([...state.pending]);
      await pool.end();
      s3.destroy();
    },
  };
}
