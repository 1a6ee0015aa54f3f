/**
 * The simulator's route table: each resource module contributes `{method, path, handle}` rows;
 * the server matches a request against them in order.
 */

import { compilePath } from '../path-pattern.ts';
import type { Params } from './form.ts';
import type { World } from './world.ts';

/** The methods Stripe's API uses. */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** What a handler gets: the decoded parameters, the path's ids, and the world to change. */
export interface SimRequest {
  method: HttpMethod;
  path: string;
  pathParams: Record<string, string>;
  params: Params;
  world: World;
}

/** One row of the route table. A handler never awaits, so each request is atomic. */
export interface Route {
  method: HttpMethod;
  /** `/v1/customers/:id`-style pattern. */
  path: string;
  handle(request: SimRequest): unknown;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** Matches requests against routes; `:name` segments become path parameters. */
export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => ({ ...route, ...compilePath(route.path) }));
  }

  /** The first route for this method and path, with its path parameters (URL-decoded). */
  match(
    method: string,
    path: string,
  ): { route: Route; pathParams: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (m === null) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, pathParams };
    }
    return undefined;
  }
}
