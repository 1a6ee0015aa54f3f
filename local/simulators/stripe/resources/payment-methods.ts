/**
 * `/v1/payment_methods`. CONTRACT (implementation owned by the payments module):
 * `attachPaymentMethod` resolves Stripe's test tokens (`pm_card_visa`, `pm_card_mastercard`,
 * `pm_card_chargeCustomerFail`, …) to a new PaymentMethod, attaches it (payment_method.attached)
 * and returns it.
 */
import type { Route } from '../router.ts';
import type { StripeRecord, World } from '../world.ts';

export function attachPaymentMethod(world: World, idOrToken: string, customer: string): StripeRecord {
  void world;
  void idOrToken;
  void customer;
  throw new Error('not implemented');
}

export function paymentMethodRoutes(world: World): Route[] {
  void world;
  return [];
}
