/**
 * Monthly recurring revenue of one subscription, as the Salesforce record shows it.
 *
 * The rule (docs/salesforce-field-map.md repeats it for users): Σ over items of what the item
 * bills per period × the month factor of its price's interval, after the item's own discounts and
 * then the subscription's, rounded to an integer in minor units of the subscription's currency.
 * Canceled, incomplete, incomplete_expired and trialing subscriptions have an MRR of 0.
 */
import type Stripe from 'stripe';
import { monthFactor, periodAmount } from './prices.ts';
import { expanded, idOf } from './values.ts';

/** Statuses that bring no recurring revenue now: ended, never started, or still free. */
const NO_REVENUE_STATUSES: ReadonlySet<string> = new Set([
  'canceled',
  'incomplete',
  'incomplete_expired',
  'trialing',
]);

/** One item's amount per billing period, as discounts reduce it. */
interface Line {
  productId: string | null;
  amount: number;
  monthFactor: number;
}

/** The coupon behind a discount, when Stripe sent it expanded (otherwise it cannot be applied). */
function couponOf(discount: string | Stripe.Discount): Stripe.Coupon | undefined {
  if (typeof discount === 'string') return undefined;
  return expanded(discount.source?.coupon);
}

function amountOffIn(coupon: Stripe.Coupon, currency: string): number {
  if (coupon.amount_off === null) return 0;
  if (coupon.currency === currency) return coupon.amount_off;
  return coupon.currency_options?.[currency]?.amount_off ?? 0;
}

function appliesTo(coupon: Stripe.Coupon, line: Line): boolean {
  const products = coupon.applies_to?.products;
  if (!products || products.length === 0) return true;
  return line.productId !== null && products.includes(line.productId);
}

/**
 * The lines after one coupon: percent_off off each line it applies to; amount_off (per invoice,
 * like Stripe) taken once from those lines in order, never below zero.
 */
function discounted(lines: readonly Line[], coupon: Stripe.Coupon, currency: string): Line[] {
  let amountOff = amountOffIn(coupon, currency);
  return lines.map((line) => {
    if (!appliesTo(coupon, line)) return line;
    if (coupon.percent_off !== null) {
      return { ...line, amount: line.amount * (1 - coupon.percent_off / 100) };
    }
    const taken = Math.min(amountOff, line.amount);
    amountOff -= taken;
    return { ...line, amount: line.amount - taken };
  });
}

function withDiscounts(
  lines: readonly Line[],
  discounts: readonly (string | Stripe.Discount)[] | undefined,
  currency: string,
): Line[] {
  let result = [...lines];
  for (const discount of discounts ?? []) {
    const coupon = couponOf(discount);
    if (coupon) result = discounted(result, coupon, currency);
  }
  return result;
}

/**
 * MRR of a subscription normalised to one month, in minor units: Σ items price.unit_amount ×
 * quantity × (month factor of price.recurring interval/interval_count: day 365/12, week 52/12,
 * month 1/n, year 1/(12n)), after percent_off/amount_off discounts of the subscription and its
 * items where determinable (the discount's coupon expanded); 0 for canceled, incomplete,
 * incomplete_expired, and trialing subscriptions. Rounded to an integer. Items whose amount cannot
 * be told from the object (metered usage, tiers not expanded) count 0.
 */
export function monthlyRecurringRevenue(subscription: Stripe.Subscription): number {
  if (NO_REVENUE_STATUSES.has(subscription.status)) return 0;
  const { currency } = subscription;
  const lines: Line[] = [];
  for (const item of subscription.items?.data ?? []) {
    const amount = periodAmount(item, currency);
    if (amount === null) continue;
    const line: Line = {
      productId: idOf(item.price.product),
      amount,
      monthFactor: monthFactor(item.price.recurring),
    };
    lines.push(...withDiscounts([line], item.discounts, currency));
  }
  const total = withDiscounts(lines, subscription.discounts, currency).reduce(
    (sum, line) => sum + line.amount * line.monthFactor,
    0,
  );
  return Math.round(total);
}
