/**
 * The edges of subscriptions a connector meets: a limited coupon named twice in one request, a
 * renewal that cannot be charged at all, a change of billing interval, schedule phases that
 * change interval or end between period ends, the order of a new subscription's events, and
 * deleted customers and webhook endpoints seen through the API.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  cardPayer,
  clockedPayer,
  JAN_1_2026,
  monthlyPrice,
  rejectionOf,
  useSimulator,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 20 });
const DAY = 86_400;
/** A yearly $100 price, with a product of its own. */
function yearlyPrice(): Promise<Stripe.Price> {
  return t.stripe.prices.create({
    currency: 'usd',
    unit_amount: 10_000,
    recurring: { interval: 'year' },
    product_data: { name: 'Yearly' },
  });
}

function typesAbout(...ids: string[]): string[] {
  return t.sim.world
    .allEvents()
    .filter((e) => ids.includes((e.data as { object: { id: string } }).object.id))
    .map((e) => e.type as string);
}

describe('a coupon with one redemption left', () => {
  it('cannot serve an item and the subscription in one request; nothing is left behind', async () => {
    // Prepare
    const [price, customer] = [await monthlyPrice(t.stripe), await cardPayer(t.stripe)];
    const coupon = await t.stripe.coupons.create({ percent_off: 10, max_redemptions: 1 });
    const before = t.sim.world.allEvents().length;

    // Act
    const error = await rejectionOf(
      t.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id, discounts: [{ coupon: coupon.id }] }],
        discounts: [{ coupon: coupon.id }],
      }),
    );

    // Assess
    expect(error.statusCode).toBe(400);
    expect(await t.stripe.coupons.retrieve(coupon.id)).toMatchObject({
      times_redeemed: 0,
      valid: true,
    });
    expect(
      ((await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer).currency,
    ).toBeNull();
    expect(t.sim.world.allEvents().length).toBe(before);
    expect(
      t.sim.world
        .all('subscription_item')
        .filter((i) => (i.price as { id: string }).id === price.id),
    ).toEqual([]);
  });
});

describe('a renewal that cannot be charged at all', () => {
  it('is a failed attempt: invoice.payment_failed, retried, past_due', async () => {
    const { clock, price, customer } = await clockedPayer(t.stripe);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const current = (await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    await t.stripe.paymentMethods.detach(String(current.invoice_settings.default_payment_method));

    const after = await advanceClock(t.stripe, clock.id, JAN_1_2026 + 32 * DAY);

    expect(after.status).toBe('ready');
    const renewed = await t.stripe.subscriptions.retrieve(subscription.id, {
      expand: ['latest_invoice'],
    });
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect([renewed.status, invoice.status, invoice.attempt_count]).toEqual([
      'past_due',
      'open',
      1,
    ]);
    expect(invoice.next_payment_attempt).toBeGreaterThan(after.frozen_time - DAY);
    expect(typesAbout(invoice.id)).toContain('invoice.payment_failed');
  });
});

describe('changing the billing interval', () => {
  it('starts a new period now, billed at once with the unused time credited', async () => {
    const { clock, price: month, customer } = await clockedPayer(t.stripe, { amount: 1_000 });
    const year = await yearlyPrice();
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: month.id }],
    });
    const halfway = await advanceClock(t.stripe, clock.id, JAN_1_2026 + 15 * DAY);

    const changed = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id ?? '', price: year.id }],
      expand: ['latest_invoice'],
    });

    const invoice = changed.latest_invoice as Stripe.Invoice;
    expect(changed.billing_cycle_anchor).toBe(halfway.frozen_time);
    expect(changed.items.data[0]?.current_period_start).toBe(halfway.frozen_time);
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(invoice.status).toBe('paid');
    expect(invoice.total).toBeGreaterThan(10_000 - 1_000);
    expect(invoice.total).toBeLessThan(10_000);
  });
});

describe('schedule phases', () => {
  it('that change interval bill the new period in full and release at its end', async () => {
    const { clock, price: month, customer } = await clockedPayer(t.stripe, { amount: 1_000 });
    const year = await yearlyPrice();

    const schedule = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [
        { items: [{ price: month.id }], duration: { interval: 'month', interval_count: 1 } },
        { items: [{ price: year.id }], duration: { interval: 'year', interval_count: 1 } },
      ],
    });
    const second = schedule.phases[1];
    await advanceClock(t.stripe, clock.id, (second?.start_date ?? 0) + 2 * 3_600);

    const subscription = await t.stripe.subscriptions.retrieve(String(schedule.subscription), {
      expand: ['latest_invoice'],
    });
    const item = subscription.items.data[0];
    expect([item?.current_period_start, item?.current_period_end]).toEqual([
      second?.start_date,
      second?.end_date,
    ]);
    expect((subscription.latest_invoice as Stripe.Invoice).total).toBe(10_000);
  });

  it('ending between two period ends are refused, not silently ignored', async () => {
    const [month, customer] = [await monthlyPrice(t.stripe), await cardPayer(t.stripe)];

    const error = await rejectionOf(
      t.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: 'now',
        phases: [
          { items: [{ price: month.id }], end_date: Math.floor(Date.now() / 1000) + 45 * DAY },
          { items: [{ price: month.id }] },
        ],
      }),
    );

    expect([error.statusCode, error.param]).toEqual([400, 'phases[0][end_date]']);
  });
});

describe('a new subscription’s events', () => {
  it('start with customer.subscription.created, already naming its first invoice', async () => {
    const [price, customer] = [await monthlyPrice(t.stripe), await cardPayer(t.stripe)];

    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    const first = t.sim.world
      .allEvents()
      .find(
        (e) =>
          ['customer.subscription.created', 'invoice.created'].includes(e.type as string) &&
          [subscription.id, subscription.latest_invoice].includes(
            (e.data as { object: { id: string } }).object.id,
          ),
      );
    expect(first?.type).toBe('customer.subscription.created');
    expect(
      (first?.data as { object: { latest_invoice: string } } | undefined)?.object.latest_invoice,
    ).toBe(subscription.latest_invoice);
  });
});

describe('deleted objects through the API', () => {
  it('a deleted customer expands to `deleted: true`', async () => {
    const customer = await t.stripe.customers.create({ email: 'gone@example.com' });
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await t.stripe.customers.del(customer.id);

    const expanded = await t.stripe.paymentMethods.retrieve(pm.id, { expand: ['customer'] });

    expect(expanded.customer).toEqual({ id: customer.id, object: 'customer', deleted: true });
  });

  it('webhook endpoints are listed, updated and deleted', async () => {
    const endpoint = await t.stripe.webhookEndpoints.create({
      url: 'https://example.com/a',
      enabled_events: ['invoice.paid'],
    });

    const updated = await t.stripe.webhookEndpoints.update(endpoint.id, {
      enabled_events: ['*'],
      disabled: true,
    });
    const listed = await t.stripe.webhookEndpoints.list();
    const deleted = await t.stripe.webhookEndpoints.del(endpoint.id);

    expect([updated.enabled_events, updated.status]).toEqual([['*'], 'disabled']);
    expect(listed.data.map((e) => e.id)).toContain(endpoint.id);
    expect(deleted).toEqual({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    expect((await t.stripe.webhookEndpoints.list()).data.map((e) => e.id)).not.toContain(
      endpoint.id,
    );
  });
});
