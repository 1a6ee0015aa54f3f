/**
 * The route table's types and matcher: each row is `{method, path, kind, access, handle}`, with
 * `:name` path segments; a path that exists under another method is told apart (405) from one
 * that does not exist at all (404).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { compilePath } from '../path-pattern.ts';
import type { CallKind } from './calls.ts';
import type { ApiLimits } from './limits.ts';
import type { Sessions } from './oauth.ts';
import type { SalesforceOrg } from './org.ts';
import type { QueryCursors } from './routes/query.ts';

/** Everything a handler may act on. */
export interface SimContext {
  org: SalesforceOrg;
  sessions: Sessions;
  limits: ApiLimits;
  cursors: QueryCursors;
  /** The simulator's URL (`http://127.0.0.1:12112`): instance URL and login URL at once. */
  baseUrl: string;
}

/** A request as a handler sees it. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  raw: string;
  headers: IncomingHttpHeaders;
  /** The API version of a versioned path (`62.0`). */
  version: string;
  sim: SimContext;
  /** Records a row-lock fault fails in this collection call. */
  lockedRecords?: number[] | 'all';
}

/** A handler's answer; a body of undefined sends none (204). */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Who may call a route: anyone without counting (`public`: the versions list), anyone at the
 * token endpoint (`token`), or a holder of a live token, counted against the daily limit (`api`).
 */
export const ACCESS = { public: 'public', token: 'token', api: 'api' } as const;
export type Access = (typeof ACCESS)[keyof typeof ACCESS];

/** One row of the route table. Handlers never await, so each call is atomic. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  kind: CallKind;
  access: Access;
  handle(request: ApiRequest): ApiAnswer;
}

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** The outcome of matching: a route, a path known only under other methods, or nothing. */
export type RouteMatch =
  | { route: Route; params: Record<string, string> }
  | { allowed: string[] }
  | undefined;

/** Matches requests against routes in table order. */
export class Router {
  readonly #routes: Compiled[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => ({
      route,
      ...compilePath(route.path, { trailingSlash: true }),
    }));
  }

  /** The route for `method` and `path`; path segments are URL-decoded (a bad escape: no match). */
  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const { route, regex, names } of this.#routes) {
      const m = regex.exec(path);
      if (m === null) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      try {
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        });
      } catch {
        return undefined;
      }
      return { route, params };
    }
    return allowed.length > 0 ? { allowed: [...new Set(allowed)] } : undefined;
  }
}
