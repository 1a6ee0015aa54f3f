/**
 * A Stripe subscription as the Stripe_Subscription__c record: every logical value from Stripe's
 * example subscription (fixtures3.json) with two items, the human-readable item lines and plan
 * names, the billing period from the items, and the link to the customer's Account.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  type MappableObject,
  monthlyRecurringRevenue,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };

/** Stripe's example price; a `unit_amount` given also sets the exact `unit_amount_decimal`. */
function price(
  fields: Partial<Stripe.Price> = {},
  recurring: Partial<Stripe.Price.Recurring> = {},
) {
  const base = openapiObject('price') as unknown as Stripe.Price;
  const amount = fields.unit_amount === undefined ? base.unit_amount : fields.unit_amount;
  const exact = amount === null ? null : Stripe.Decimal.from(String(amount));
  const baseRecurring = {
    interval: 'month',
    interval_count: 1,
    meter: null,
    usage_type: 'licensed',
    trial_period_days: null,
  } as const;
  return {
    ...base,
    transform_quantity: null,
    unit_amount_decimal: exact,
    ...fields,
    recurring: { ...baseRecurring, ...recurring },
  };
}

function item(itemPrice: Stripe.Price, fields: Partial<Stripe.SubscriptionItem> = {}) {
  const base = openapiObject('subscription_item') as unknown as Stripe.SubscriptionItem;
  return { ...base, price: itemPrice, quantity: 1, discounts: [], ...fields };
}

function subscription(items: Stripe.SubscriptionItem[], fields: Partial<Stripe.Subscription> = {}) {
  const base = openapiObject('subscription') as unknown as Stripe.Subscription;
  return { ...base, items: { ...base.items, data: items }, ...fields };
}

const product = { ...(openapiObject('product') as unknown as Stripe.Product), name: 'Pro' };
const pro = price({
  id: 'price_pro',
  product,
  unit_amount: 2000,
});
const seats = price(
  { id: 'price_seats', nickname: 'Seats', product: 'prod_seats', unit_amount: 500 },
  { interval: 'year' },
);

function subscriptionWrite(sub: Stripe.Subscription, eventType = 'customer.subscription.updated') {
  return writesFor({ eventType, object: sub as unknown as MappableObject, options: TEST });
}

describe('subscription → Stripe_Subscription__c', () => {
  it.each([
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
  ])('%s writes every value, under the customer’s Account', (eventType) => {
    // Prepare
    const sub = subscription(
      [
        item(pro, {
          quantity: 2,
          current_period_start: 1_767_225_600,
          current_period_end: 1_769_904_000,
        }),
        item(seats, {
          quantity: 3,
          current_period_start: 1_764_547_200,
          current_period_end: 1_796_083_200,
        }),
      ],
      {
        status: 'active',
        currency: 'usd',
        discounts: [],
        trial_end: 1_764_547_200,
        cancel_at: null,
        canceled_at: null,
        cancel_at_period_end: false,
      },
    );

    // Act
    const writes = subscriptionWrite(sub, eventType);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'subscription',
        stripeId: sub.id,
        complete: true,
        parents: { account: sub.customer },
        values: {
          status: 'active',
          items: '2 × Pro (price_pro) 20.00 usd/month\n3 × Seats (price_seats) 5.00 usd/year',
          planNames: 'Pro, Seats',
          quantity: 5,
          mrr: 2 * 2000 + Math.round((3 * 500) / 12),
          currency: 'usd',
          currentPeriodStart: '2025-12-01T00:00:00.000Z',
          currentPeriodEnd: '2026-12-01T00:00:00.000Z',
          trialEnd: '2025-12-01T00:00:00.000Z',
          cancelAt: null,
          cancelAtPeriodEnd: false,
          canceledAt: null,
          stripeLink: `https://dashboard.stripe.com/test/subscriptions/${sub.id}`,
        },
      },
    ]);
  });

  it('writes Stripe’s example subscription with the values it carries', () => {
    // Prepare
    const example = openapiObject('subscription') as unknown as Stripe.Subscription;
    const [first] = example.items.data;

    // Act
    const [write] = subscriptionWrite(example);

    // Assess
    expect(write?.values).toMatchObject({
      status: example.status,
      quantity: first?.quantity,
      mrr: monthlyRecurringRevenue(example),
      currency: example.currency,
      currentPeriodStart: new Date((first?.current_period_start ?? 0) * 1000).toISOString(),
      currentPeriodEnd: new Date((first?.current_period_end ?? 0) * 1000).toISOString(),
      trialEnd: new Date((example.trial_end ?? 0) * 1000).toISOString(),
      cancelAt: new Date((example.cancel_at ?? 0) * 1000).toISOString(),
      canceledAt: new Date((example.canceled_at ?? 0) * 1000).toISOString(),
      cancelAtPeriodEnd: example.cancel_at_period_end,
    });
    expect(write?.parents).toEqual({ account: example.customer });
  });

  it.each([
    ['the product’s name', price({ product, nickname: 'Nick' }), 'Pro'],
    [
      'the nickname when the product is an id',
      price({ product: 'prod_1', nickname: 'Nick' }),
      'Nick',
    ],
    [
      'the nickname when the product was deleted',
      price({ product: { id: 'prod_1', object: 'product', deleted: true }, nickname: 'Nick' }),
      'Nick',
    ],
    [
      'the price id when there is neither',
      price({ id: 'price_bare', product: 'prod_1', nickname: null }),
      'price_bare',
    ],
  ])('names a plan after %s', (_, itemPrice, expected) => {
    // Act
    const [write] = subscriptionWrite(subscription([item(itemPrice)]));

    // Assess
    expect(write?.values.planNames).toBe(expected);
  });

  it('lists each plan once and cuts the list at 255 characters', () => {
    // Prepare
    const long = (n: number) =>
      price({ id: `price_${n}`, product: 'prod_1', nickname: `${n}`.padEnd(60, 'x') });
    const items = [item(pro), item(pro), ...[1, 2, 3, 4, 5].map((n) => item(long(n)))];

    // Act
    const [write] = subscriptionWrite(subscription(items));

    // Assess
    const names = String(write?.values.planNames);
    expect(names.startsWith('Pro, 1xxx')).toBe(true);
    expect(names).toHaveLength(255);
    expect(names.endsWith('…')).toBe(true);
  });

  it.each([
    [
      'a zero-decimal currency',
      price({ currency: 'jpy', unit_amount: 500 }),
      { currency: 'jpy' },
      '1 × T-shirt (price_1PgafmB7WZ01zgkW6dKueIc5) 500 jpy/month',
    ],
    [
      'a three-decimal currency',
      price({ currency: 'kwd', unit_amount: 5120 }),
      { currency: 'kwd' },
      '1 × T-shirt (price_1PgafmB7WZ01zgkW6dKueIc5) 5.120 kwd/month',
    ],
    [
      'an interval of 3 months',
      price({ unit_amount: 9000 }, { interval_count: 3 }),
      {},
      '1 × T-shirt (price_1PgafmB7WZ01zgkW6dKueIc5) 90.00 usd/3 months',
    ],
    [
      'a tiered price',
      price({ billing_scheme: 'tiered', tiers_mode: 'volume', unit_amount: null }),
      {},
      '1 × T-shirt (price_1PgafmB7WZ01zgkW6dKueIc5) tiered usd/month',
    ],
    [
      'a metered price',
      price({ unit_amount: 5 }, { usage_type: 'metered' }),
      {},
      'T-shirt (price_1PgafmB7WZ01zgkW6dKueIc5) 0.05 usd per unit used/month',
    ],
  ])('writes an item line for %s', (_, itemPrice, fields, expected) => {
    // Prepare
    const named = { ...itemPrice, product: { ...product, name: 'T-shirt' } };
    const quantity = itemPrice.recurring.usage_type === 'metered' ? undefined : 1;

    // Act
    const [write] = subscriptionWrite(subscription([item(named, { quantity })], fields));

    // Assess
    expect(write?.values.items).toBe(expected);
  });

  it('writes no items, quantity 0 and no period for a subscription without items', () => {
    // Act
    const [write] = subscriptionWrite(subscription([]));

    // Assess
    expect(write?.values).toMatchObject({
      items: null,
      planNames: null,
      quantity: 0,
      currentPeriodStart: null,
      currentPeriodEnd: null,
    });
  });

  it('links to the Account of an expanded customer, and to the live Dashboard in live mode', () => {
    // Prepare
    const customer = openapiObject('customer') as unknown as Stripe.Customer;
    const sub = subscription([item(pro)], { customer });

    // Act
    const [write] = writesFor({
      eventType: 'customer.subscription.updated',
      object: sub as unknown as MappableObject,
      options: { livemode: true },
    });

    // Assess
    expect(write?.parents).toEqual({ account: customer.id });
    expect(write?.values.stripeLink).toBe(`https://dashboard.stripe.com/subscriptions/${sub.id}`);
  });
});
