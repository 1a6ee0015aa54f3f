/**
 * The route table, in matching order: describe before the record routes, whose `/{type}/{id}`
 * would otherwise take `/{type}/describe`.
 */
import type { Route } from '../router.ts';
import { compositeRoutes } from './composite.ts';
import { metaRoutes } from './meta.ts';
import { oauthRoutes } from './oauth.ts';
import { queryRoutes } from './query.ts';
import { recordRoutes } from './records.ts';

/** Every route of the simulated API. */
export const allRoutes: Route[] = [
  ...oauthRoutes,
  ...metaRoutes,
  ...queryRoutes,
  ...compositeRoutes,
  ...recordRoutes,
];
