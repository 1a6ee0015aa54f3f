/**
 * Changing subscriptions and what a test clock does to them, through the official SDK: refused
 * changes leave nothing behind, snapshots carry the new invoice, periods keep their anchor day,
 * trials end or move, and a clock never gets stuck.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import type { StripeRecord } from '../../../../local/simulators/stripe/world.ts';
import { simulatorClient } from '../../../support/scenarios.ts';

let sim: StripeSimulator;
let stripe: Stripe;
const DAY = 86_400;
/** 2026-01-31T00:00:00Z: a month-end anchor. */
const JAN_31 = 1_769_817_600;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 20 });
  stripe = simulatorClient(sim);
});

afterAll(async () => {
  await sim?.stop();
});

async function monthly(amount = 2_000, currency = 'usd'): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency,
    unit_amount: amount,
    recurring: { interval: 'month' },
    product_data: { name: `Plan ${amount}` },
  });
}

async function payer(clock?: string): Promise<Stripe.Customer> {
  return stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
    ...(clock ? { test_clock: clock } : {}),
  });
}

async function advance(clock: string, to: number): Promise<Stripe.TestHelpers.TestClock> {
  await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  for (let i = 0; i < 500; i++) {
    const current = await stripe.testHelpers.testClocks.retrieve(clock);
    if (current.status !== 'advancing') return current;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`clock ${clock} still advancing`);
}

function eventsOf(id: string, type?: string): StripeRecord[] {
  return sim.world
    .allEvents()
    .filter(
      (e) =>
        (e.data as { object: { id: string } }).object.id === id &&
        (type === undefined || e.type === type),
    );
}

describe('a refused change leaves the subscription as it was', () => {
  it('for a one-time price, a missing price after a deletion, and another currency', async () => {
    // Prepare
    const [price, customer] = [await monthly(), await payer()];
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const item = subscription.items.data[0]?.id ?? '';
    const oneTime = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 100,
      product_data: { name: 'Once' },
    });
    const euro = await monthly(2_000, 'eur');
    const eventsBefore = sim.world.allEvents().length;

    // Act
    const refused = await Promise.allSettled([
      stripe.subscriptions.update(subscription.id, { items: [{ id: item, price: oneTime.id }] }),
      stripe.subscriptions.update(subscription.id, {
        items: [{ id: item, deleted: true }, { price: 'price_missing' }],
      }),
      stripe.subscriptions.update(subscription.id, { items: [{ id: item, price: euro.id }] }),
    ]);

    // Assess
    expect(
      refused.map(
        (r) => r.status === 'rejected' && (r.reason as { statusCode: number }).statusCode,
      ),
    ).toEqual([400, 404, 400]);
    expect(
      refused[1]?.status === 'rejected' && (refused[1].reason as { param: string }).param,
    ).toBe('items[1][price]');
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data.map((i) => [i.id, i.price.id])).toEqual([[item, price.id]]);
    expect((await stripe.subscriptionItems.retrieve(item)).price.id).toBe(price.id);
    expect(sim.world.allEvents().length).toBe(eventsBefore);
  });

  it('fixes the customer’s currency with the first subscription', async () => {
    const [dollars, euros, customer] = [
      await monthly(),
      await monthly(1_000, 'eur'),
      await payer(),
    ];

    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: dollars.id }] });

    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      currency: 'usd',
    });
    await expect(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: euros.id }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('event snapshots', () => {
  it('carry the subscription’s new invoice, at creation and at renewal', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthly(), await payer(clock.id)];
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    await advance(clock.id, JAN_31 + 29 * DAY);

    const [created] = eventsOf(subscription.id, 'customer.subscription.created');
    expect(
      (created?.data as { object: { latest_invoice: string } } | undefined)?.object.latest_invoice,
    ).toMatch(/^in_/);
    const renewal = eventsOf(subscription.id, 'customer.subscription.updated').at(-1)?.data as {
      object: { latest_invoice: string };
      previous_attributes: Record<string, unknown>;
    };
    const current = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewal.object.latest_invoice).toBe(current.latest_invoice);
    expect(Object.keys(renewal.previous_attributes)).toEqual(
      expect.arrayContaining(['items', 'latest_invoice']),
    );
  });
});

describe('periods', () => {
  it('keep the anchor day: Jan 31 → Feb 28 → Mar 31', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthly(), await payer(clock.id)];
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    await advance(clock.id, JAN_31 + 60 * DAY);

    const item = (await stripe.subscriptions.retrieve(subscription.id)).items.data[0];
    const iso = (t: number | undefined) => new Date((t ?? 0) * 1000).toISOString().slice(0, 10);
    expect([iso(item?.current_period_start), iso(item?.current_period_end)]).toEqual([
      '2026-03-31',
      '2026-04-30',
    ]);
  });
});

describe('trials', () => {
  it('end now with an invoice, or move to a later date', async () => {
    const [price, customer] = [await monthly(), await payer()];
    const ending = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    const moving = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    const later = (moving.trial_end ?? 0) + 7 * DAY;

    const ended = await stripe.subscriptions.update(ending.id, {
      trial_end: 'now',
      expand: ['latest_invoice'],
    });
    const moved = await stripe.subscriptions.update(moving.id, { trial_end: later });

    expect(ended.status).toBe('active');
    const invoice = ended.latest_invoice as Stripe.Invoice;
    expect([invoice.billing_reason, invoice.status, invoice.total]).toEqual([
      'subscription_update',
      'paid',
      2_000,
    ]);
    expect([moved.status, moved.trial_end, moved.items.data[0]?.current_period_end]).toEqual([
      'trialing',
      later,
      later,
    ]);
  });
});

describe('a test clock', () => {
  it('stays usable when a renewal cannot be charged at all', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthly(), await payer(clock.id)];
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const pm = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    await stripe.paymentMethods.detach(String(pm.invoice_settings.default_payment_method));

    const after = await advance(clock.id, JAN_31 + 29 * DAY);

    expect(after.status).toBe('ready');
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect((await stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id);
    expect(await stripe.testHelpers.testClocks.del(clock.id)).toMatchObject({
      id: clock.id,
      deleted: true,
    });
  });
});

describe('customers', () => {
  it('are still retrievable once deleted, as `deleted: true`', async () => {
    const customer = await stripe.customers.create({ email: 'gone@example.com' });
    await stripe.customers.del(customer.id);

    expect(await stripe.customers.retrieve(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
  });
});
