/** Stories that need time to pass, on a test clock: renewal, cancellation, dunning, a ramped deal. */
import { addInterval } from '../billing/time.ts';
import {
  advance,
  customer,
  latestInvoice,
  MONTH_AND_A_BIT,
  price,
  subscriber,
  subscriptionStatus,
  testClock,
} from './kit.ts';
import type { Scenario } from './types.ts';

export const clockRenewal: Scenario = {
  name: 'clock-renewal',
  title:
    'A renewal by advancing a test clock one month: the cycle invoice is drafted, finalized and paid',
  async run(context) {
    const clock = await testClock(context, 'renewal');
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Ren Renewal',
      email: 'ren@example.com',
      product: 'Monthly',
      amount: 4_900,
      testClock: clock.id,
    });
    await advance(context, clock.id, clock.frozen_time + MONTH_AND_A_BIT);
    const renewal = await latestInvoice(context, subscription.id);
    context.log(`renewal invoice ${renewal.id}: ${renewal.billing_reason}, ${renewal.status}`);
    return {
      customer: buyer.id,
      subscription: subscription.id,
      renewal_invoice: renewal.id,
      test_clock: clock.id,
    };
  },
};

export const cancelAtPeriodEnd: Scenario = {
  name: 'cancel-at-period-end',
  title: 'A cancellation at period end: requested mid-period, effective when the period ends',
  async run(context) {
    const clock = await testClock(context, 'cancellation');
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Cal Cancel',
      email: 'cal@example.com',
      product: 'Monthly',
      amount: 4_900,
      testClock: clock.id,
    });
    await context.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(context, clock.id, clock.frozen_time + MONTH_AND_A_BIT);
    await subscriptionStatus(context, subscription.id, 'canceled');
    return { customer: buyer.id, subscription: subscription.id, test_clock: clock.id };
  },
};

export const dunningRecovery: Scenario = {
  name: 'dunning-recovery',
  title:
    'A failed payment, dunning, then recovery: the renewal fails, is retried, then paid with a new card',
  async run(context) {
    const { stripe } = context;
    const clock = await testClock(context, 'dunning');
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Dun Dunning',
      email: 'dun@example.com',
      product: 'Monthly',
      amount: 4_900,
      testClock: clock.id,
    });
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: buyer.id,
    });
    await stripe.customers.update(buyer.id, {
      invoice_settings: { default_payment_method: failing.id },
    });
    await advance(context, clock.id, clock.frozen_time + MONTH_AND_A_BIT);
    await subscriptionStatus(context, subscription.id, 'past_due');
    const renewal = await latestInvoice(context, subscription.id);
    context.log(
      `renewal ${renewal.id} failed (${renewal.attempt_count} attempt(s)); the subscription is past_due`,
    );
    const current = await stripe.testHelpers.testClocks.retrieve(clock.id);
    await advance(context, clock.id, current.frozen_time + 4 * 86_400);
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: buyer.id });
    await stripe.customers.update(buyer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    await stripe.invoices.pay(renewal.id, { payment_method: card.id });
    await subscriptionStatus(context, subscription.id, 'active');
    return {
      customer: buyer.id,
      subscription: subscription.id,
      recovered_invoice: renewal.id,
      test_clock: clock.id,
    };
  },
};

export const rampedDeal: Scenario = {
  name: 'ramped-deal',
  title:
    'A ramped three-phase deal on a subscription schedule: 10, then 20, then 30 seats, then released',
  async run(context) {
    const { stripe } = context;
    const clock = await testClock(context, 'ramped deal');
    const seat = await price(context, {
      product: 'Enterprise seat',
      amount: 3_000,
      interval: 'month',
    });
    const buyer = await customer(context, {
      name: 'Ramp Corp',
      email: 'finance@ramp.example',
      paymentMethod: 'pm_card_visa',
      testClock: clock.id,
    });
    const schedule = await stripe.subscriptionSchedules.create({
      customer: buyer.id,
      start_date: 'now',
      end_behavior: 'release',
      phases: [10, 20, 30].map((quantity) => ({
        items: [{ price: seat.id, quantity }],
        duration: { interval: 'month', interval_count: 1 },
      })),
    });
    const subscription = schedule.subscription;
    if (typeof subscription !== 'string')
      throw new Error(`Schedule ${schedule.id} did not start a subscription.`);
    await subscriptionStatus(context, subscription, 'active');
    let at = clock.frozen_time;
    for (let month = 1; month <= 3; month++) {
      at = addInterval(at, 'month') + 2 * 3_600;
      await advance(context, clock.id, at);
    }
    const released = await stripe.subscriptionSchedules.retrieve(schedule.id);
    context.log(`schedule ${released.id}: ${released.status}`);
    return { customer: buyer.id, schedule: schedule.id, subscription, test_clock: clock.id };
  },
};
