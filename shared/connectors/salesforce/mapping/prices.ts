/**
 * What one subscription item costs per billing period, from its price as Stripe sends it: per-unit
 * (with package `transform_quantity`), tiered (volume or graduated, when the tiers were expanded),
 * in the subscription's currency (the price's `currency_options` for a multi-currency price).
 */
import type Stripe from 'stripe';

/** One tier of a tiered price, in whichever currency applies. */
interface Tier {
  flat_amount: number | null;
  flat_amount_decimal: unknown;
  unit_amount: number | null;
  unit_amount_decimal: unknown;
  up_to: number | null;
}

/** A price's amounts in one currency. */
interface CurrencyAmounts {
  unitAmount: number | null;
  tiers: readonly Tier[] | undefined;
}

/**
 * Stripe sends both an integer and an exact decimal; the decimal is the precise one. It is a string
 * in a webhook snapshot and a `Stripe.Decimal` in an object the SDK fetched: both print as digits.
 */
function exact(decimal: unknown, integer: number | null | undefined): number | null {
  if (decimal !== null && decimal !== undefined && decimal !== '') {
    const value = Number(String(decimal));
    if (Number.isFinite(value)) return value;
  }
  return typeof integer === 'number' ? integer : null;
}

/** The price's amounts in `currency`, or undefined when the price has none in it. */
function amountsIn(price: Stripe.Price, currency: string): CurrencyAmounts | undefined {
  if (price.currency === currency) {
    return { unitAmount: exact(price.unit_amount_decimal, price.unit_amount), tiers: price.tiers };
  }
  const option = price.currency_options?.[currency];
  if (!option) return undefined;
  return { unitAmount: exact(option.unit_amount_decimal, option.unit_amount), tiers: option.tiers };
}

/** The unit amount shown to people, in `currency`; null for tiered prices and unknown currencies. */
export function unitAmountIn(price: Stripe.Price, currency: string): number | null {
  if (price.billing_scheme === 'tiered') return null;
  return amountsIn(price, currency)?.unitAmount ?? null;
}

function tierAmount(tier: Tier, units: number): number {
  const unit = exact(tier.unit_amount_decimal, tier.unit_amount) ?? 0;
  const flat = exact(tier.flat_amount_decimal, tier.flat_amount) ?? 0;
  return unit * units + flat;
}

function tieredAmount(
  tiers: readonly Tier[],
  mode: Stripe.Price.TiersMode,
  quantity: number,
): number | null {
  if (mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to);
    return tier ? tierAmount(tier, quantity) : null;
  }
  let total = 0;
  let floor = 0;
  for (const tier of tiers) {
    if (quantity <= floor) break;
    const ceiling = tier.up_to ?? Number.POSITIVE_INFINITY;
    total += tierAmount(tier, Math.min(quantity, ceiling) - floor);
    floor = ceiling;
  }
  return total;
}

function packagedQuantity(price: Stripe.Price, quantity: number): number {
  const transform = price.transform_quantity;
  if (!transform || transform.divide_by <= 0) return quantity;
  const packages = quantity / transform.divide_by;
  return transform.round === 'up' ? Math.ceil(packages) : Math.floor(packages);
}

/**
 * What the item costs per billing period before discounts, in minor units of `currency`; null when
 * it cannot be told from the object: metered usage, tiers not expanded, no amount in that currency.
 */
export function periodAmount(item: Stripe.SubscriptionItem, currency: string): number | null {
  const { price } = item;
  if (price.recurring?.usage_type === 'metered') return null;
  const amounts = amountsIn(price, currency);
  if (!amounts) return null;
  const quantity = item.quantity ?? 0;
  if (price.billing_scheme === 'tiered') {
    if (!amounts.tiers || amounts.tiers.length === 0 || !price.tiers_mode) return null;
    return tieredAmount(amounts.tiers, price.tiers_mode, quantity);
  }
  if (amounts.unitAmount === null) return null;
  return amounts.unitAmount * packagedQuantity(price, quantity);
}

/** Months in one unit of a price's recurring interval. */
const MONTHS_PER_INTERVAL: Readonly<Record<string, number>> = {
  day: 12 / 365,
  week: 12 / 52,
  month: 1,
  year: 12,
};

/**
 * What one billing period is worth per month: day 365/12, week 52/12, month 1/n, year 1/(12n)
 * for an interval of n units. 0 for a price that does not recur (or recurs in a unit unknown here).
 */
export function monthFactor(recurring: Stripe.Price.Recurring | null): number {
  const unit = recurring ? MONTHS_PER_INTERVAL[recurring.interval] : undefined;
  if (!recurring || unit === undefined) return 0;
  return 1 / (unit * Math.max(1, recurring.interval_count));
}

/** `month`, `3 months`, `year`: how often a price bills, for people. */
export function intervalLabel(recurring: Stripe.Price.Recurring | null): string {
  if (!recurring) return 'once';
  const count = recurring.interval_count;
  return count > 1 ? `${count} ${recurring.interval}s` : recurring.interval;
}
