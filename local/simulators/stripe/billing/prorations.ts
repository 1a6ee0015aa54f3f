/** Prorations: the credit and charge for a change of items in the middle of a period. */
import type { StripeRecord, World } from '../world.ts';
import { createInvoiceItem } from './invoicing.ts';
import { prorate } from './time.ts';

function productName(world: World, price: { product?: unknown; id: string }): string {
  const product = typeof price.product === 'string' ? world.find(price.product) : undefined;
  return typeof product?.name === 'string' ? product.name : price.id;
}

function day(at: number): string {
  return new Date(at * 1000).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * Prorates a change of items at `at`: credit for the unused time of what is removed or changed,
 * a charge for the remaining time of what replaces it, as pending invoice items worded as
 * Stripe words them ("Unused time on Pro after 15 Jan 2026").
 */
export function prorateChange(
  world: World,
  subscription: StripeRecord,
  change: { removed: StripeRecord[]; added: StripeRecord[]; at: number },
): void {
  for (const [sign, items] of [
    [-1, change.removed],
    [1, change.added],
  ] as const) {
    for (const item of items) {
      const price = item.price as { id: string; unit_amount: number; product?: unknown };
      const periodEnd = item.current_period_end as number;
      const amount = prorate({
        amount: price.unit_amount * (item.quantity as number),
        periodStart: item.current_period_start as number,
        periodEnd,
        from: change.at,
      });
      if (amount === 0) continue;
      const label = `${item.quantity} × ${productName(world, price)}`;
      createInvoiceItem(world, {
        customer: subscription.customer as string,
        amount: sign * amount,
        currency: subscription.currency as string,
        description: `${sign < 0 ? 'Unused time on' : 'Remaining time on'} ${label} after ${day(change.at)}`,
        period: { start: change.at, end: periodEnd },
        proration: true,
        subscription: subscription.id,
        subscriptionItem: item.id,
      });
    }
  }
}
