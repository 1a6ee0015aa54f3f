/**
 * Subscription schedules through the official SDK: phase discounts that change with the phase,
 * schedules that start in the future, and cancel, release, update and list.
 */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  clockedPayer,
  JAN_1_2026,
  useSimulator,
} from '../../../support/simulator.ts';

const t = useSimulator();
const DAY = 86_400;
describe('phases', () => {
  it('switch discounts with the phase, and show them on the schedule', async () => {
    // Prepare
    const { clock, price, customer } = await clockedPayer(t.stripe, { amount: 1_000 });
    const half = await t.stripe.coupons.create({ percent_off: 50, duration: 'forever' });

    // Act
    const schedule = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases: [
        {
          items: [{ price: price.id }],
          discounts: [{ coupon: half.id }],
          duration: { interval: 'month', interval_count: 1 },
        },
        { items: [{ price: price.id }], duration: { interval: 'month', interval_count: 1 } },
      ],
    });
    await advanceClock(t.stripe, clock.id, (schedule.phases[0]?.end_date ?? 0) + 2 * 3_600);

    // Assess
    expect(schedule.phases[0]?.discounts).toEqual([
      { coupon: half.id, discount: null, promotion_code: null },
    ]);
    const invoices = await t.stripe.invoices.list({ subscription: String(schedule.subscription) });
    expect(invoices.data.map((i) => i.total).reverse()).toEqual([500, 1_000]);
  });

  it('start in the future when the clock gets there, then move on', async () => {
    const { clock, price, customer } = await clockedPayer(t.stripe, { amount: 1_000 });
    const start = JAN_1_2026 + 10 * DAY;

    const schedule = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: start,
      phases: [1, 2].map((quantity) => ({
        items: [{ price: price.id, quantity }],
        duration: { interval: 'month' as const, interval_count: 1 },
      })),
    });
    await advanceClock(t.stripe, clock.id, start + 40 * DAY);

    expect(schedule.status).toBe('not_started');
    const running = await t.stripe.subscriptionSchedules.retrieve(schedule.id);
    const subscription = await t.stripe.subscriptions.retrieve(String(running.subscription));
    expect(subscription.start_date).toBe(start);
    expect(subscription.items.data[0]?.quantity).toBe(2);
    expect(running.current_phase?.start_date).toBe(running.phases[1]?.start_date);
  });
});

describe('managing schedules', () => {
  it('updates, lists, releases and cancels', async () => {
    const { price, customer } = await clockedPayer(t.stripe, { amount: 1_000 });
    const phases = [{ items: [{ price: price.id }], iterations: 2 }];
    const released = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases,
    });
    const canceled = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: 'now',
      phases,
    });

    const updated = await t.stripe.subscriptionSchedules.update(released.id, {
      metadata: { deal: 'Q3' },
      end_behavior: 'cancel',
    });
    const listed = await t.stripe.subscriptionSchedules.list({ customer: customer.id });
    const afterRelease = await t.stripe.subscriptionSchedules.release(released.id);
    const afterCancel = await t.stripe.subscriptionSchedules.cancel(canceled.id);

    expect([updated.metadata, updated.end_behavior]).toEqual([{ deal: 'Q3' }, 'cancel']);
    expect(listed.data.map((s) => s.id).sort()).toEqual([released.id, canceled.id].sort());
    expect([afterRelease.status, afterRelease.released_subscription]).toEqual([
      'released',
      released.subscription,
    ]);
    expect((await t.stripe.subscriptions.retrieve(String(released.subscription))).status).toBe(
      'active',
    );
    expect(afterCancel.status).toBe('canceled');
    expect((await t.stripe.subscriptions.retrieve(String(canceled.subscription))).status).toBe(
      'canceled',
    );
    await expect(t.stripe.subscriptionSchedules.cancel(canceled.id)).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});
