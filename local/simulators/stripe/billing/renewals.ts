/**
 * What happens while a test clock advances: renewals at period end (a draft invoice, finalized
 * and charged about an hour later, as Stripe does), trials ending, cancellations at period end,
 * subscription schedules starting and changing phase, and Smart Retries of failed payments (the
 * subscription is cancelled after the last one fails, Stripe's default dunning setting).
 */
import { newId, type StripeRecord, type World } from '../world.ts';
import { emitChanges } from './diff.ts';
import { subscriptionOf } from './invoice-payments.ts';
import { finalizeInvoice, payInvoice } from './invoicing.ts';
import { atPeriodEnd, dueScheduleStarts, startDueSchedules } from './schedules.ts';
import { cancelSubscription, draftPeriodInvoice, itemsOf } from './subscriptions.ts';
import { type Interval, nextPeriodEnd, SECONDS_PER_DAY } from './time.ts';

/** Stripe finalizes a renewal invoice about an hour after drafting it. */
export const FINALIZE_AFTER_SECONDS = 3_600;
/** Failed payments are retried this many times before the subscription is cancelled. */
export const MAX_PAYMENT_ATTEMPTS = 4;
const TRIAL_WILL_END_SECONDS = 3 * SECONDS_PER_DAY;

function trialWarned(world: World): Set<string> {
  return world.state('renewals.trialWarned', () => new Set<string>());
}

function onClock(world: World, clockId: string) {
  const customers = new Set(
    world
      .all('customer')
      .filter((c) => c.test_clock === clockId)
      .map((c) => c.id),
  );
  const subscriptions = world
    .all('subscription')
    .filter(
      (s) =>
        customers.has(s.customer as string) &&
        !['canceled', 'incomplete_expired'].includes(s.status as string),
    );
  const invoices = world.all('invoice').filter((i) => customers.has(i.customer as string));
  return { customers, subscriptions, invoices };
}

function periodEnd(subscription: StripeRecord): number {
  const item = itemsOf(subscription)[0];
  return (item?.current_period_end as number | undefined) ?? Number.POSITIVE_INFINITY;
}

/** The first moment after `from` and up to `to` at which something is due on this clock. */
function nextDue(world: World, clockId: string, from: number, to: number): number | undefined {
  const { customers, subscriptions, invoices } = onClock(world, clockId);
  const warned = trialWarned(world);
  const times: number[] = [...dueScheduleStarts(world, customers)];
  for (const s of subscriptions) {
    if (s.status === 'incomplete') continue;
    times.push(periodEnd(s));
    if (s.status === 'trialing' && typeof s.trial_end === 'number' && !warned.has(s.id)) {
      times.push(Math.max(s.trial_end - TRIAL_WILL_END_SECONDS, from + 1));
    }
  }
  for (const i of invoices) {
    if (i.status === 'draft' && i.auto_advance === true) {
      times.push((i.created as number) + FINALIZE_AFTER_SECONDS);
    }
    if (i.status === 'open' && typeof i.next_payment_attempt === 'number') {
      times.push(i.next_payment_attempt);
    }
  }
  const due = times.filter((t) => t > from && t <= to);
  return due.length === 0 ? undefined : Math.min(...due);
}

function renew(world: World, subscription: StripeRecord): void {
  const end = periodEnd(subscription);
  const cancelAt = subscription.cancel_at;
  if (
    subscription.cancel_at_period_end === true ||
    (typeof cancelAt === 'number' && cancelAt <= end)
  ) {
    cancelSubscription(world, subscription);
    return;
  }
  const before = structuredClone(subscription);
  if (atPeriodEnd(world, subscription, end) === 'ended') return;
  for (const item of itemsOf(subscription)) {
    const recurring = (item.price as { recurring: { interval: Interval; interval_count: number } })
      .recurring;
    item.current_period_start = end;
    item.current_period_end = nextPeriodEnd({
      anchor: subscription.billing_cycle_anchor as number,
      interval: recurring.interval,
      count: recurring.interval_count,
      currentEnd: end,
    });
  }
  if (subscription.status === 'trialing') subscription.status = 'active';
  // The update is sent first, already naming the renewal's invoice, as Stripe sends them.
  const invoiceId = newId('in', 24);
  subscription.latest_invoice = invoiceId;
  emitChanges(world, 'customer.subscription.updated', subscription, before);
  draftPeriodInvoice(world, subscription, {
    billingReason: 'subscription_cycle',
    at: end,
    id: invoiceId,
  });
}

/** An automatic attempt: one Stripe cannot make is a failed attempt, never a stuck clock. */
function attempt(world: World, invoice: StripeRecord): 'paid' | 'processing' | 'failed' {
  return payInvoice(world, invoice, { offSession: true, automatic: true }).outcome;
}

function collect(world: World, invoice: StripeRecord, at: number): void {
  if (invoice.status === 'draft' && (invoice.created as number) + FINALIZE_AFTER_SECONDS <= at) {
    finalizeInvoice(world, invoice);
    if (
      (invoice.status as string) === 'open' &&
      invoice.collection_method === 'charge_automatically'
    ) {
      attempt(world, invoice);
    }
    return;
  }
  const retryAt = invoice.next_payment_attempt;
  if (invoice.status !== 'open' || typeof retryAt !== 'number' || retryAt > at) return;
  const outcome = attempt(world, invoice);
  if (outcome !== 'failed' || (invoice.attempt_count as number) < MAX_PAYMENT_ATTEMPTS) return;
  invoice.next_payment_attempt = null;
  const subscription = subscriptionOf(world, invoice);
  if (subscription && subscription.status !== 'canceled') {
    cancelSubscription(world, subscription, { reason: 'payment_failed' });
  }
}

function processAt(world: World, clockId: string, at: number): void {
  const { customers, subscriptions, invoices } = onClock(world, clockId);
  startDueSchedules(world, customers, at);
  const warned = trialWarned(world);
  for (const s of subscriptions) {
    const trialEnd = s.trial_end;
    if (
      s.status === 'trialing' &&
      typeof trialEnd === 'number' &&
      !warned.has(s.id) &&
      trialEnd - TRIAL_WILL_END_SECONDS <= at
    ) {
      warned.add(s.id);
      world.emit('customer.subscription.trial_will_end', s);
    }
  }
  for (const invoice of invoices) {
    if (invoice.auto_advance === true || invoice.status === 'open') collect(world, invoice, at);
  }
  for (const s of subscriptions) {
    if (s.status !== 'canceled' && periodEnd(s) <= at) renew(world, s);
  }
}

/**
 * Moves a test clock to `to`, handling everything due on the way in time order, each at its
 * own moment (so a renewal's invoice is dated at the period end, not at `to`).
 */
export function advanceClockTo(world: World, clock: StripeRecord, to: number): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const from = clock.frozen_time as number;
    const next = nextDue(world, clock.id, from, to);
    if (next === undefined) break;
    clock.frozen_time = next;
    processAt(world, clock.id, next);
  }
  clock.frozen_time = to;
  processAt(world, clock.id, to);
}
