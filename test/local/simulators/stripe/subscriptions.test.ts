/**
 * Subscriptions, subscription schedules and test clocks through the official SDK: statuses
 * that follow the invoices, prorations, trials, cancellation at period end, renewals and
 * dunning while a test clock advances, and ramped schedules.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  clockedPayer,
  eventTypesAbout,
  monthlyPrice,
  useSimulator,
} from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
const DAY = 86_400;

async function payingCustomer(options: { card?: string } = {}): Promise<Stripe.Customer> {
  const customer = await t.stripe.customers.create({ email: 'payer@example.com' });
  const pm = await t.stripe.paymentMethods.attach(options.card ?? 'pm_card_visa', {
    customer: customer.id,
  });
  return t.stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
}

/** A $20 monthly subscription of a customer paying by card, on a test clock at 1 January 2026. */
async function clockedSubscription(): Promise<{
  clock: Stripe.TestHelpers.TestClock;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
}> {
  const { clock, price, customer } = await clockedPayer(t.stripe);
  const subscription = await t.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  return { clock, customer, subscription };
}

describe('creating a subscription', () => {
  it('charges the first invoice and becomes active, with fixture-shaped objects', async () => {
    // Prepare
    const [price, customer] = [await monthlyPrice(t.stripe), await payingCustomer()];

    // Act
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 3 }],
      expand: ['latest_invoice'],
    });
    const current = await t.stripe.subscriptions.retrieve(subscription.id);

    // Assess
    expect(current.status).toBe('active');
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_create');
    expect(invoice.amount_due).toBe(6_000);
    expect((await t.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
    expect(eventTypesAbout(t.sim, subscription.id)).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
    ]);
    expect(shapeMismatches('subscription', JSON.parse(JSON.stringify(current)))).toEqual([]);
    const [item] = current.items.data;
    expect(shapeMismatches('subscription_item', JSON.parse(JSON.stringify(item)))).toEqual([]);
    expect(
      (await t.stripe.subscriptionItems.list({ subscription: subscription.id })).data.map(
        (i) => i.id,
      ),
    ).toEqual([item?.id]);
  });

  it('starts a trial with a zero invoice and no charge', async () => {
    const [price, customer] = [await monthlyPrice(t.stripe), await payingCustomer()];

    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
      expand: ['latest_invoice'],
    });

    expect(subscription.status).toBe('trialing');
    expect(subscription.trial_end).toBe((subscription.trial_start ?? 0) + 14 * DAY);
    expect((subscription.latest_invoice as Stripe.Invoice).total).toBe(0);
  });

  it('is incomplete when the first payment is declined, and refuses bad items', async () => {
    const [price, customer] = [
      await monthlyPrice(t.stripe),
      await payingCustomer({ card: 'pm_card_chargeCustomerFail' }),
    ];

    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    expect(subscription.status).toBe('incomplete');
    const oneTime = await t.stripe.prices.create({
      currency: 'usd',
      unit_amount: 500,
      product_data: { name: 'Setup' },
    });
    await expect(
      t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'items[0][price]' });
    const eur = await monthlyPrice(t.stripe, 2_000, 'eur');
    await expect(
      t.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }, { price: eur.id }],
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      t.stripe.subscriptions.create({ customer: 'cus_missing', items: [{ price: price.id }] }),
    ).rejects.toMatchObject({ statusCode: 404, param: 'customer' });
  });

  it('applies an item discount to that item only', async () => {
    const [a, b, customer] = [
      await monthlyPrice(t.stripe, 1_000),
      await monthlyPrice(t.stripe, 3_000),
      await payingCustomer(),
    ];
    const coupon = await t.stripe.coupons.create({ percent_off: 50, duration: 'forever' });

    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: a.id }, { price: b.id, discounts: [{ coupon: coupon.id }] }],
      expand: ['latest_invoice'],
    });

    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice.subtotal).toBe(4_000);
    expect(invoice.total).toBe(2_500);
    expect(subscription.items.data[1]?.discounts).toHaveLength(1);
    expect(subscription.items.data[0]?.discounts).toHaveLength(0);
  });
});

describe('changing a subscription', () => {
  it('prorates an upgrade as pending items, or invoices it at once', async () => {
    const [basic, pro, customer] = [
      await monthlyPrice(t.stripe, 2_000),
      await monthlyPrice(t.stripe, 8_000),
      await payingCustomer(),
    ];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
    });
    const item = subscription.items.data[0]?.id ?? '';

    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item, price: pro.id }],
    });
    const pending = await t.stripe.invoiceItems.list({ customer: customer.id, pending: true });

    expect(updated.items.data[0]?.price.id).toBe(pro.id);
    expect(pending.data.every((i) => i.proration)).toBe(true);
    expect(pending.data.map((i) => Math.sign(i.amount)).sort()).toEqual([-1, 1]);

    const again = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item, quantity: 2 }],
      proration_behavior: 'always_invoice',
      expand: ['latest_invoice'],
    });
    const invoice = again.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(invoice.status).toBe('paid');
  });

  it('cancels now with customer.subscription.deleted', async () => {
    const [price, customer] = [await monthlyPrice(t.stripe), await payingCustomer()];
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });

    const canceled = await t.stripe.subscriptions.cancel(subscription.id);

    expect(canceled.status).toBe('canceled');
    expect(eventTypesAbout(t.sim, subscription.id).at(-1)).toBe('customer.subscription.deleted');
    await expect(
      t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('a test clock advancing', () => {
  it('renews: the cycle invoice is drafted at period end, finalized and paid an hour later', async () => {
    const { clock, subscription } = await clockedSubscription();
    const end = subscription.items.data[0]?.current_period_end ?? 0;

    await advanceClock(t.stripe, clock.id, end + 2 * 3_600);

    const renewed = await t.stripe.subscriptions.retrieve(subscription.id, {
      expand: ['latest_invoice'],
    });
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_cycle');
    expect(invoice.status).toBe('paid');
    expect(invoice.created).toBe(end);
    expect(renewed.items.data[0]?.current_period_start).toBe(end);
    await expect(
      t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: clock.frozen_time }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'frozen_time' });
  });

  it('ends a subscription set to cancel at period end', async () => {
    const { clock, subscription } = await clockedSubscription();
    const set = await t.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });

    await advanceClock(t.stripe, clock.id, clock.frozen_time + 40 * DAY);

    expect(set.cancel_at).toBe(subscription.items.data[0]?.current_period_end);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    expect(eventTypesAbout(t.sim, subscription.id)).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
  });

  it('dunning: a failed renewal makes it past_due, retries, then cancels after the last attempt', async () => {
    const { clock, customer, subscription } = await clockedSubscription();
    const failing = await t.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await t.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: failing.id },
    });

    await advanceClock(t.stripe, clock.id, clock.frozen_time + 33 * DAY);
    const pastDue = await t.stripe.subscriptions.retrieve(subscription.id, {
      expand: ['latest_invoice'],
    });
    await advanceClock(t.stripe, clock.id, clock.frozen_time + 60 * DAY);

    expect(pastDue.status).toBe('past_due');
    const invoice = await t.stripe.invoices.retrieve((pastDue.latest_invoice as Stripe.Invoice).id);
    expect(invoice.attempt_count).toBe(4);
    expect(invoice.status).toBe('open');
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended.status).toBe('canceled');
    expect(ended.cancellation_details?.reason).toBe('payment_failed');
  });
});

describe('subscription schedules', () => {
  it('ramps through three phases, then releases the subscription', async () => {
    const { clock, price, customer } = await clockedPayer(t.stripe, { amount: 1_000 });

    const schedule = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [10, 20, 30].map((quantity) => ({
        items: [{ price: price.id, quantity }],
        duration: { interval: 'month' as const, interval_count: 1 },
      })),
    });
    const quantities: (number | undefined)[] = [];
    let at = clock.frozen_time;
    for (const phase of schedule.phases) {
      quantities.push(
        (await t.stripe.subscriptions.retrieve(String(schedule.subscription))).items.data[0]
          ?.quantity,
      );
      at = phase.end_date + 2 * 3_600;
      await advanceClock(t.stripe, clock.id, at);
    }

    expect(schedule.status).toBe('active');
    expect(quantities).toEqual([10, 20, 30]);
    const released = await t.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(released.status).toBe('released');
    expect(released.released_subscription).toBe(schedule.subscription);
    expect((await t.stripe.subscriptions.retrieve(String(schedule.subscription))).status).toBe(
      'active',
    );
    expect(shapeMismatches('subscription_schedule', JSON.parse(JSON.stringify(released)))).toEqual(
      [],
    );
  });

  it('refuses more phases than Stripe allows', async () => {
    const [price, customer] = [await monthlyPrice(t.stripe), await payingCustomer()];
    const phases = Array.from({ length: 11 }, () => ({
      items: [{ price: price.id }],
      iterations: 1,
    }));

    await expect(
      t.stripe.subscriptionSchedules.create({ customer: customer.id, start_date: 'now', phases }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'phases' });
  });
});
