/**
 * The Salesforce simulator: the REST API (v62.0 and later) and the OAuth token endpoint the
 * Salesforce connector uses, on node:http in-process, over an org whose schema is read from the
 * SFDX metadata in `salesforce/`. Every API call needs a live Bearer token, counts against a
 * daily limit (`Sforce-Limit-Info`), may be failed on demand (`faults`), and is counted for tests
 * and benchmarks (`org.calls`). `npm start` runs it with no configuration.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_SALESFORCE_SIMULATOR_PORT } from '../../../shared/config.ts';
import { listen } from '../serve.ts';
import { CALL_KINDS, type CallKind } from './calls.ts';
import { controlApi } from './control.ts';
import {
  errorAnswer,
  invalidSession,
  methodNotAllowed,
  notFound,
  requestLimitExceeded,
} from './errors.ts';
import { Faults } from './faults.ts';
import { answerClientError, bearerToken, readBody } from './http.ts';
import { ApiLimits, DEFAULT_DAILY_API_LIMIT } from './limits.ts';
import { Sessions } from './oauth.ts';
import { SalesforceOrg } from './org.ts';
import { ACCESS, type ApiAnswer, type Route, Router, type SimContext } from './router.ts';
import { allRoutes } from './routes/index.ts';
import { supportedVersion } from './routes/meta.ts';
import { QueryCursors } from './routes/query.ts';
import { DEFAULT_SCHEMA_DIR, loadSalesforceSchema } from './schema.ts';

export { CALL_KINDS, type CallKind } from './calls.ts';
export { FAULT_KINDS, type FaultKind, type FaultSpec } from './faults.ts';
export type { SalesforceOrg } from './org.ts';
export {
  DEFAULT_SCHEMA_DIR,
  FIELD_TYPES,
  type FieldType,
  loadSalesforceSchema,
  type SalesforceField,
  type SalesforceObject,
  type SalesforceSchema,
} from './schema.ts';
export type { StoredRecord, StoredValue } from './store.ts';
/** The simulator's port when none is given (the Stripe simulator's 12111, plus one). */
export { DEFAULT_SALESFORCE_SIMULATOR_PORT };

/** The connected app's consumer key the simulator accepts by default. */
export const DEFAULT_SALESFORCE_CLIENT_ID = 'switchyard-local';
/** The connected app's consumer secret the simulator accepts by default. */
export const DEFAULT_SALESFORCE_CLIENT_SECRET = 'switchyard-local-secret';

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

/** A line the simulator logs: one per call (never a body or a token), and its own failures. */
export interface SalesforceSimulatorLogEntry {
  level: 'debug' | 'error';
  message: string;
}

/** How the simulator is started; every option has a default. */
export interface SalesforceSimulatorOptions {
  /** 0 picks a free port. Default {@link DEFAULT_SALESFORCE_SIMULATOR_PORT}. */
  port?: number;
  /** The interface to listen on; default 127.0.0.1. */
  host?: string;
  /** The SFDX project whose metadata is the org's schema; default this repository's `salesforce/`. */
  schemaDir?: string;
  /** API calls allowed before REQUEST_LIMIT_EXCEEDED; default 100000. */
  dailyApiLimit?: number;
  /** The connected app's consumer key and secret (client credentials flow, JWT `iss`). */
  clientId?: string;
  clientSecret?: string;
  /** Enables the JWT bearer flow: the app's certificate or public key (PEM) and its user. */
  jwt?: { publicKeyPem: string; username: string };
  /** How long access tokens live; default two hours, Salesforce's default session timeout. */
  tokenLifetimeMs?: number;
  log?: (entry: SalesforceSimulatorLogEntry) => void;
}

/** A running simulator. */
export interface SalesforceSimulator {
  /** Its base URL, `http://127.0.0.1:<port>`: the instance URL. */
  url: string;
  port: number;
  /** The URL to log in at (the token endpoint's host and the JWT audience): the same as `url`. */
  loginUrl: string;
  /** The org: `records(type)`, `record(type, field, value)`, `calls`, `schema`. */
  org: SalesforceOrg;
  /** Failures on demand: `faults.inject({kind, times, …})`. */
  faults: Faults;
  /** Ends every session: the next API call answers 401 INVALID_SESSION_ID. */
  expireSessions(): void;
  /** Sets the daily API limit (and, when given, how much of it is used). */
  setDailyLimit(max: number, used?: number): void;
  /** The API usage so far and the limit. */
  apiUsage(): { used: number; max: number };
  stop(): Promise<void>;
}

/** Starts the simulator; `stop()` closes it. Throws if the metadata cannot be read. */
export async function startSalesforceSimulator(
  options: SalesforceSimulatorOptions = {},
): Promise<SalesforceSimulator> {
  const log = options.log ?? (() => undefined);
  const org = new SalesforceOrg(loadSalesforceSchema(options.schemaDir ?? DEFAULT_SCHEMA_DIR));
  const limits = new ApiLimits(options.dailyApiLimit ?? DEFAULT_DAILY_API_LIMIT);
  const faults = new Faults();
  const sessions = new Sessions(
    {
      clientId: options.clientId ?? DEFAULT_SALESFORCE_CLIENT_ID,
      clientSecret: options.clientSecret ?? DEFAULT_SALESFORCE_CLIENT_SECRET,
      ...(options.jwt ? { jwt: options.jwt } : {}),
      tokenLifetimeMs: options.tokenLifetimeMs ?? TWO_HOURS_MS,
    },
    org.store.ids,
  );
  const router = new Router(allRoutes);
  const control = controlApi({ org, faults, sessions, limits });
  const sim: SimContext = { org, sessions, limits, cursors: new QueryCursors(), baseUrl: '' };

  /** Authenticates, applies faults and the limit, checks the version, then runs the route. */
  function serve(
    route: Route,
    params: Record<string, string>,
    req: IncomingMessage,
    url: URL,
    raw: string,
    headers: Record<string, string>,
  ): ApiAnswer {
    if (route.access === ACCESS.api && !sessions.check(bearerToken(req.headers))) {
      throw invalidSession();
    }
    const method = req.method ?? 'GET';
    const fault = faults.take({ method, path: url.pathname, kind: route.kind });
    if (fault && 'error' in fault) throw fault.error;
    if (route.access === ACCESS.api) {
      const counted = limits.consume();
      headers['sforce-limit-info'] = limits.header();
      if (!counted) throw requestLimitExceeded();
    }
    let version = '';
    if (params.version !== undefined) {
      version = supportedVersion(params.version) ?? '';
      if (version === '') throw notFound();
    }
    const lockedRecords = fault && 'lockedRecords' in fault ? fault.lockedRecords : undefined;
    return route.handle({
      method,
      path: url.pathname,
      params,
      query: url.searchParams,
      raw,
      headers: req.headers,
      version,
      sim,
      ...(lockedRecords === undefined ? {} : { lockedRecords }),
    });
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const url = URL.canParse(target, 'http://simulator')
      ? new URL(target, 'http://simulator')
      : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    let kind: CallKind | undefined = CALL_KINDS.other;
    let answer: ApiAnswer;
    try {
      const raw = await readBody(req);
      if (url === undefined) throw notFound();
      if (url.pathname.startsWith('/_simulator/')) {
        kind = undefined;
        answer = control(method, url.pathname, raw);
      } else {
        const match = router.match(method, url.pathname);
        if (match === undefined) throw notFound();
        if ('allowed' in match) throw methodNotAllowed(method, match.allowed);
        kind = match.route.kind;
        answer = serve(match.route, match.params, req, url, raw, headers);
      }
    } catch (error) {
      const failed = errorAnswer(error);
      if (failed.status === 500) {
        log({ level: 'error', message: `${method} ${url?.pathname}: ${String(error)}` });
      }
      Object.assign(headers, failed.headers);
      answer = { status: failed.status, body: JSON.parse(failed.body) };
    }
    Object.assign(headers, answer.headers);
    const body = answer.body === undefined ? undefined : JSON.stringify(answer.body);
    if (body === undefined) delete headers['content-type'];
    res.writeHead(answer.status, headers).end(body);
    const path = url?.pathname ?? target;
    if (kind !== undefined) {
      org.calls.record({ method, path, kind, status: answer.status, at: Date.now() });
    }
    log({
      level: 'debug',
      message: `${method} ${path} → ${answer.status} (${Date.now() - started} ms)`,
    });
  };

  const { server, url, port } = await listen({
    port: options.port ?? DEFAULT_SALESFORCE_SIMULATOR_PORT,
    host: options.host,
    handle,
    onClientError: answerClientError,
    onFailure: (req, error) =>
      log({
        level: 'error',
        message: `Answering ${req.method} ${req.url} failed: ${String(error)}`,
      }),
  });
  sim.baseUrl = url;
  return {
    url,
    port,
    loginUrl: url,
    org,
    faults,
    expireSessions: () => sessions.expireAll(),
    setDailyLimit: (max, used) => limits.set(max, used),
    apiUsage: () => ({ used: limits.used, max: limits.max }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
