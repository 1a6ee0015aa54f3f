/**
 * Changing subscriptions and what a test clock does to them, through the official SDK: refused
 * changes leave nothing behind, snapshots carry the new invoice, periods keep their anchor day,
 * trials end or move, and a clock never gets stuck.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { StripeRecord } from '../../../../local/simulators/stripe/world.ts';
import { advanceClock, cardPayer, monthlyPrice, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 20 });
const DAY = 86_400;
/** 2026-01-31T00:00:00Z: a month-end anchor. */
const JAN_31 = 1_769_817_600;

/** A customer paying by card, on `clock` if given. */
const payer = (clock?: string) => cardPayer(t.stripe, clock ? { test_clock: clock } : {});

function eventsOf(id: string, type?: string): StripeRecord[] {
  return t.sim.world
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
    const [price, customer] = [await monthlyPrice(t.stripe), await payer()];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const item = subscription.items.data[0]?.id ?? '';
    const oneTime = await t.stripe.prices.create({
      currency: 'usd',
      unit_amount: 100,
      product_data: { name: 'Once' },
    });
    const euro = await monthlyPrice(t.stripe, 2_000, 'eur');
    const eventsBefore = t.sim.world.allEvents().length;

    // Act
    const refused = await Promise.allSettled([
      t.stripe.subscriptions.update(subscription.id, { items: [{ id: item, price: oneTime.id }] }),
      t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item, deleted: true }, { price: 'price_missing' }],
      }),
      t.stripe.subscriptions.update(subscription.id, { items: [{ id: item, price: euro.id }] }),
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
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data.map((i) => [i.id, i.price.id])).toEqual([[item, price.id]]);
    expect((await t.stripe.subscriptionItems.retrieve(item)).price.id).toBe(price.id);
    expect(t.sim.world.allEvents().length).toBe(eventsBefore);
  });

  it('fixes the customer’s currency with the first subscription', async () => {
    const [dollars, euros, customer] = [
      await monthlyPrice(t.stripe),
      await monthlyPrice(t.stripe, 1_000, 'eur'),
      await payer(),
    ];

    await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: dollars.id }] });

    expect((await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      currency: 'usd',
    });
    await expect(
      t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: euros.id }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('event snapshots', () => {
  it('carry the subscription’s new invoice, at creation and at renewal', async () => {
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthlyPrice(t.stripe), await payer(clock.id)];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    await advanceClock(t.stripe, clock.id, JAN_31 + 29 * DAY);

    const [created] = eventsOf(subscription.id, 'customer.subscription.created');
    expect(
      (created?.data as { object: { latest_invoice: string } } | undefined)?.object.latest_invoice,
    ).toMatch(/^in_/);
    const renewal = eventsOf(subscription.id, 'customer.subscription.updated').at(-1)?.data as {
      object: { latest_invoice: string };
      previous_attributes: Record<string, unknown>;
    };
    const current = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(renewal.object.latest_invoice).toBe(current.latest_invoice);
    expect(Object.keys(renewal.previous_attributes)).toEqual(
      expect.arrayContaining(['items', 'latest_invoice']),
    );
  });
});

describe('periods', () => {
  it('keep the anchor day: Jan 31 → Feb 28 → Mar 31', async () => {
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthlyPrice(t.stripe), await payer(clock.id)];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    // Stripe lets a clock move at most two intervals at once: first to March, then past it.
    await advanceClock(t.stripe, clock.id, JAN_31 + 40 * DAY);
    await advanceClock(t.stripe, clock.id, JAN_31 + 60 * DAY);

    const item = (await t.stripe.subscriptions.retrieve(subscription.id)).items.data[0];
    const iso = (t: number | undefined) => new Date((t ?? 0) * 1000).toISOString().slice(0, 10);
    expect([iso(item?.current_period_start), iso(item?.current_period_end)]).toEqual([
      '2026-03-31',
      '2026-04-30',
    ]);
  });
});

describe('trials', () => {
  it('end now with an invoice, or move to a later date', async () => {
    const [price, customer] = [await monthlyPrice(t.stripe), await payer()];
    const ending = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    const moving = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    const later = (moving.trial_end ?? 0) + 7 * DAY;

    const ended = await t.stripe.subscriptions.update(ending.id, {
      trial_end: 'now',
      expand: ['latest_invoice'],
    });
    const moved = await t.stripe.subscriptions.update(moving.id, { trial_end: later });

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
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    const [price, customer] = [await monthlyPrice(t.stripe), await payer(clock.id)];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const pm = (await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    await t.stripe.paymentMethods.detach(String(pm.invoice_settings.default_payment_method));

    const after = await advanceClock(t.stripe, clock.id, JAN_31 + 29 * DAY);

    expect(after.status).toBe('ready');
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect((await t.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(
      clock.id,
    );
    await expect(
      t.stripe.testHelpers.testClocks.advance(clock.id, {
        frozen_time: after.frozen_time + 70 * DAY,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'frozen_time' });
    expect(await t.stripe.testHelpers.testClocks.del(clock.id)).toMatchObject({
      id: clock.id,
      deleted: true,
    });
  });
});

describe('customers', () => {
  it('are still retrievable once deleted, as `deleted: true`', async () => {
    const customer = await t.stripe.customers.create({ email: 'gone@example.com' });
    await t.stripe.customers.del(customer.id);

    expect(await t.stripe.customers.retrieve(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
  });
});
