/**
 * Monthly recurring revenue as the Stripe Subscription record shows it: intervals, quantities,
 * package and tiered prices, discounts of the subscription and its items, other currencies, and
 * the statuses that count 0. Objects are Stripe's own fixtures (fixtures3.json) with overrides.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { monthlyRecurringRevenue } from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

type Recurring = Stripe.Price.Recurring;

/** Exact amounts as the SDK hands them over when it fetched the object. */
const decimal = (value: string) => Stripe.Decimal.from(value);

const MONTHLY: Recurring = {
  interval: 'month',
  interval_count: 1,
  meter: null,
  usage_type: 'licensed',
  trial_period_days: null,
};

function price(
  fields: Partial<Stripe.Price> = {},
  recurring: Partial<Recurring> = {},
): Stripe.Price {
  const base = openapiObject('price') as unknown as Stripe.Price;
  return { ...base, transform_quantity: null, recurring: { ...MONTHLY, ...recurring }, ...fields };
}

function item(itemPrice: Stripe.Price, fields: Partial<Stripe.SubscriptionItem> = {}) {
  const base = openapiObject('subscription_item') as unknown as Stripe.SubscriptionItem;
  return { ...base, price: itemPrice, quantity: 1, discounts: [], ...fields };
}

function subscription(
  items: Stripe.SubscriptionItem[],
  fields: Partial<Stripe.Subscription> = {},
): Stripe.Subscription {
  const base = openapiObject('subscription') as unknown as Stripe.Subscription;
  return {
    ...base,
    status: 'active',
    discounts: [],
    items: { ...base.items, data: items },
    ...fields,
  };
}

function discount(coupon: Partial<Stripe.Coupon> | string): Stripe.Discount {
  const base = openapiObject('discount') as unknown as Stripe.Discount;
  const full =
    typeof coupon === 'string'
      ? coupon
      : { ...(openapiObject('coupon') as unknown as Stripe.Coupon), ...coupon };
  return { ...base, source: { coupon: full, type: 'coupon' } };
}

const percentOff = (percent: number, extra: Partial<Stripe.Coupon> = {}) =>
  discount({ percent_off: percent, amount_off: null, ...extra });
const amountOff = (amount: number, extra: Partial<Stripe.Coupon> = {}) =>
  discount({ percent_off: null, amount_off: amount, currency: 'usd', ...extra });

const usd = (unit_amount: number, recurring: Partial<Recurring> = {}) =>
  price({ unit_amount, unit_amount_decimal: decimal(String(unit_amount)) }, recurring);

describe('monthlyRecurringRevenue', () => {
  it.each([
    ['monthly', [item(usd(2000))], 2000],
    ['a quantity', [item(usd(2000), { quantity: 3 })], 6000],
    ['yearly', [item(usd(24_000, { interval: 'year' }))], 2000],
    ['every 2 years', [item(usd(48_000, { interval: 'year', interval_count: 2 }))], 2000],
    ['weekly (52/12)', [item(usd(1000, { interval: 'week' }))], 4333],
    ['daily (365/12)', [item(usd(100, { interval: 'day' }))], 3042],
    ['every 3 months', [item(usd(9000, { interval_count: 3 }))], 3000],
    [
      'two items of different intervals',
      [item(usd(2000)), item(usd(12_000, { interval: 'year' }))],
      3000,
    ],
    [
      'a decimal unit amount',
      [
        item(price({ unit_amount: null, unit_amount_decimal: decimal('1234.5') }), {
          quantity: 2,
        }),
      ],
      2469,
    ],
    [
      'a package price (transform_quantity, rounded up)',
      [
        item(
          price({
            unit_amount: 1000,
            unit_amount_decimal: decimal('1000'),
            transform_quantity: { divide_by: 10, round: 'up' },
          }),
          { quantity: 15 },
        ),
      ],
      2000,
    ],
    [
      'a metered price (0: usage is not billed yet)',
      [item(usd(5, { usage_type: 'metered' }), { quantity: undefined })],
      0,
    ],
  ])('normalises %s', (_, items, expected) => {
    // Act
    const mrr = monthlyRecurringRevenue(subscription(items));

    // Assess
    expect(mrr).toBe(expected);
  });

  describe('tiered prices', () => {
    const tiers = [
      {
        up_to: 5,
        unit_amount: 1000,
        unit_amount_decimal: decimal('1000'),
        flat_amount: null,
        flat_amount_decimal: null,
      },
      {
        up_to: null,
        unit_amount: 500,
        unit_amount_decimal: decimal('500'),
        flat_amount: 2000,
        flat_amount_decimal: decimal('2000'),
      },
    ] satisfies Stripe.Price.Tier[];
    const tiered = (tiers_mode: 'volume' | 'graduated', withTiers = true) =>
      price({
        billing_scheme: 'tiered',
        tiers_mode,
        unit_amount: null,
        unit_amount_decimal: null,
        ...(withTiers ? { tiers } : {}),
      });

    it.each([
      ['volume: all 8 units at the second tier, plus its flat fee', 'volume', 8 * 500 + 2000],
      [
        'graduated: 5 units at the first tier, 3 at the second plus its flat fee',
        'graduated',
        5 * 1000 + 3 * 500 + 2000,
      ],
    ] as const)('prices %s', (_, mode, expected) => {
      // Act
      const mrr = monthlyRecurringRevenue(subscription([item(tiered(mode), { quantity: 8 })]));

      // Assess
      expect(mrr).toBe(expected);
    });

    it('counts 0 for tiers Stripe did not expand', () => {
      // Act
      const mrr = monthlyRecurringRevenue(
        subscription([item(tiered('volume', false), { quantity: 8 })]),
      );

      // Assess
      expect(mrr).toBe(0);
    });
  });

  describe('discounts', () => {
    const proA = usd(2000);
    const proB = { ...usd(1000), product: 'prod_B' };

    it.each([
      ['a subscription percent_off', [item(proA)], { discounts: [percentOff(25)] }, 1500],
      ['a subscription amount_off', [item(proA)], { discounts: [amountOff(500)] }, 1500],
      [
        'an amount_off larger than the amount (never below 0)',
        [item(proA)],
        { discounts: [amountOff(5000)] },
        0,
      ],
      [
        'an amount_off spread over items in order',
        [item(proA), item(proB)],
        { discounts: [amountOff(2500)] },
        500,
      ],
      [
        'a percent_off on a yearly price',
        [item(usd(24_000, { interval: 'year' }))],
        { discounts: [percentOff(10)] },
        1800,
      ],
      [
        'an amount_off per yearly invoice',
        [item(usd(24_000, { interval: 'year' }))],
        { discounts: [amountOff(1200)] },
        1900,
      ],
      [
        'an item percent_off on that item only',
        [item(proA, { discounts: [percentOff(50)] }), item(proB)],
        {},
        2000,
      ],
      [
        'item discounts before subscription discounts',
        [item(proA, { discounts: [amountOff(1000)] })],
        { discounts: [percentOff(50)] },
        500,
      ],
      [
        'a coupon that applies to some products only',
        [item(proA), item(proB)],
        { discounts: [percentOff(50, { applies_to: { products: ['prod_B'] } })] },
        2500,
      ],
      [
        'an amount_off in another currency (ignored)',
        [item(proA)],
        { discounts: [amountOff(500, { currency: 'eur' })] },
        2000,
      ],
      [
        'an amount_off with an amount for the subscription’s currency',
        [item(proA)],
        {
          discounts: [
            amountOff(500, { currency: 'eur', currency_options: { usd: { amount_off: 300 } } }),
          ],
        },
        1700,
      ],
      [
        'a discount sent as an id (not determinable, ignored)',
        [item(proA)],
        { discounts: ['di_123'] },
        2000,
      ],
      [
        'a discount whose coupon is an id (ignored)',
        [item(proA)],
        { discounts: [discount('Z4OV52SU')] },
        2000,
      ],
    ] as const)('applies %s', (_, items, fields, expected) => {
      // Act
      const mrr = monthlyRecurringRevenue(
        subscription([...items], fields as Partial<Stripe.Subscription>),
      );

      // Assess
      expect(mrr).toBe(expected);
    });
  });

  it('uses the price’s amount in the subscription’s currency', () => {
    // Prepare
    const multi = price({
      currency: 'usd',
      unit_amount: 2000,
      currency_options: {
        eur: {
          unit_amount: 1800,
          unit_amount_decimal: decimal('1800'),
          custom_unit_amount: null,
          tax_behavior: null,
        },
      },
    });

    // Act
    const inEuros = monthlyRecurringRevenue(subscription([item(multi)], { currency: 'eur' }));
    const inYen = monthlyRecurringRevenue(subscription([item(multi)], { currency: 'jpy' }));

    // Assess
    expect(inEuros).toBe(1800);
    expect(inYen).toBe(0);
  });

  it.each([
    ['canceled', 0],
    ['incomplete', 0],
    ['incomplete_expired', 0],
    ['trialing', 0],
    ['active', 2000],
    ['past_due', 2000],
    ['unpaid', 2000],
    ['paused', 2000],
  ])('counts a %s subscription as %i', (status, expected) => {
    // Act
    const mrr = monthlyRecurringRevenue(subscription([item(usd(2000))], { status }));

    // Assess
    expect(mrr).toBe(expected);
  });
});
