/**
 * The route table of the whole simulated API, assembled from each resource module. A module
 * that reacts to other resources' events registers its listeners on the world here.
 */
import type { Route } from '../router.ts';
import type { World } from '../world.ts';
import { customerRoutes } from './customers.ts';
import { eventRoutes } from './events.ts';
import { paymentMethodRoutes } from './payment-methods.ts';

/** Every route of the simulated API, for one simulator's world. */
export function allRoutes(world: World): Route[] {
  return [
    ...customerRoutes(),
    ...paymentMethodRoutes(world),
    ...eventRoutes(),
  ];
}
