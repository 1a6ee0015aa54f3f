/**
 * A customer's currency: Stripe fixes it with the customer's first subscription, invoice or
 * invoice item, and from then on refuses to bill the customer in another one.
 */
import { invalidParam } from '../errors.ts';
import type { World } from '../world.ts';

/** Throws Stripe's 400 if the customer is already billed in another currency. */
export function checkCurrency(
  world: World,
  options: { customer: string; currency: string; param: string },
): void {
  const current = world.find(options.customer)?.currency;
  if (typeof current === 'string' && current !== options.currency) {
    throw invalidParam(
      options.param,
      `You cannot combine currencies on a single customer. This customer has had a subscription, coupon, or invoice item with currency ${current}`,
    );
  }
}

/** Sets the customer's currency the first time it is billed (customer.updated). */
export function claimCurrency(
  world: World,
  options: { customer: string; currency: string; param: string },
): void {
  checkCurrency(world, options);
  const customer = world.find(options.customer);
  if (customer === undefined || customer.currency === options.currency) return;
  const previous = { currency: customer.currency ?? null };
  customer.currency = options.currency;
  world.emit('customer.updated', customer, previous);
}
