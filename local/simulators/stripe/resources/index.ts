/**
 * The route table of the whole simulated API, assembled from each resource module. A module
 * that reacts to other resources' events registers its listeners on the world here.
 */
import type { Route } from '../router.ts';
import type { World } from '../world.ts';
import { catalogRoutes } from './catalog.ts';
import { chargeRoutes } from './charges.ts';
import { couponRoutes } from './coupons.ts';
import { creditNoteRoutes } from './credit-notes.ts';
import { customerRoutes } from './customers.ts';
import { eventRoutes } from './events.ts';
import { invoiceItemRoutes } from './invoice-items.ts';
import { invoiceRoutes } from './invoices.ts';
import { paymentIntentRoutes } from './payment-intents.ts';
import { paymentMethodRoutes } from './payment-methods.ts';
import { refundRoutes } from './refunds.ts';
import { scheduleRoutes } from './schedules.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { testClockRoutes } from './test-clocks.ts';

/** Every route of the simulated API, for one simulator's world. */
export function allRoutes(world: World): Route[] {
  return [
    ...customerRoutes(),
    ...catalogRoutes(),
    ...couponRoutes(),
    ...paymentMethodRoutes(world),
    ...paymentIntentRoutes(),
    ...chargeRoutes(),
    ...refundRoutes(),
    ...subscriptionRoutes(world),
    ...scheduleRoutes(world),
    ...testClockRoutes(world),
    ...invoiceRoutes(world),
    ...invoiceItemRoutes(),
    ...creditNoteRoutes(),
    ...eventRoutes(),
  ];
}
