/**
 * Subscription schedules: phases with their own items, prices, quantities and discounts (a
 * ramped deal), at most ten of them (`schedule-phases.ts`). A schedule starting now creates its
 * subscription at once; a future one when its test clock reaches the start date. At each phase's
 * end the subscription takes the next phase's items, discounts and metadata; after the last
 * phase the schedule releases or cancels the subscription (`end_behavior`).
 */
import type Stripe from 'stripe';
import { invalidState, StripeApiError } from '../errors.ts';
import { subscriptionScheduleShape } from '../shapes/subscription-schedules.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { createDiscounts } from './discounts.ts';
import { layOut, type PhaseSpec } from './schedule-phases.ts';
import {
  buildItems,
  cancelSubscription,
  createSubscription,
  type ItemSpec,
  itemsOf,
} from './subscriptions.ts';

export interface CreateScheduleInput {
  customer: string;
  startDate: number | 'now';
  endBehavior: 'release' | 'cancel';
  phases: PhaseSpec[];
  defaultPaymentMethod?: string | null;
  metadata?: Record<string, string>;
}

interface ScheduleState {
  specs: PhaseSpec[];
  defaultPaymentMethod: string | null;
}

/** The phase specs (with their discounts) beside each schedule, for when each phase starts. */
function states(world: World): Map<string, ScheduleState> {
  return world.state('schedules.phases', () => new Map<string, ScheduleState>());
}

function phaseList(schedule: StripeRecord): Stripe.SubscriptionSchedule.Phase[] {
  return schedule.phases as Stripe.SubscriptionSchedule.Phase[];
}

/** Creates a schedule (subscription_schedule.created); one starting now starts at once. */
export function createSchedule(world: World, input: CreateScheduleInput): StripeRecord {
  const customer = world.get('customer', input.customer, { param: 'customer' });
  const now = world.timeFor(customer.id);
  const start = input.startDate === 'now' ? now : input.startDate;
  const phases = layOut(world, input.phases, start);
  const schedule = world.insert(
    subscriptionScheduleShape({
      id: newId('sub_sched', 24),
      created: now,
      customer: customer.id,
      phases,
      end_behavior: input.endBehavior,
      metadata: input.metadata ?? {},
      test_clock: (customer.test_clock as string | null) ?? null,
    }),
  );
  states(world).set(schedule.id, {
    specs: input.phases,
    defaultPaymentMethod: input.defaultPaymentMethod ?? null,
  });
  world.emit('subscription_schedule.created', schedule);
  if (start <= now) startSchedule(world, schedule, start);
  return schedule;
}

/** Starts a schedule at `at`: its subscription is created with the first phase. */
function startSchedule(world: World, schedule: StripeRecord, at: number): void {
  const [first] = phaseList(schedule);
  const state = states(world).get(schedule.id);
  const spec = state?.specs[0];
  if (first === undefined || spec === undefined) return;
  const subscription = createSubscription(world, {
    customer: schedule.customer as string,
    items: spec.items,
    ...(spec.discounts ? { discounts: spec.discounts } : {}),
    defaultPaymentMethod: state?.defaultPaymentMethod ?? null,
    schedule: schedule.id,
    metadata: spec.metadata ?? {},
    startAt: at,
  });
  const previous = {
    status: schedule.status,
    subscription: schedule.subscription,
    current_phase: schedule.current_phase,
  };
  schedule.status = 'active';
  schedule.subscription = subscription.id;
  schedule.current_phase = { start_date: first.start_date, end_date: first.end_date };
  world.emit('subscription_schedule.updated', schedule, previous);
}

/** Start dates of this clock's schedules that have not started yet. */
export function dueScheduleStarts(world: World, customers: Set<string>): number[] {
  return world
    .all('subscription_schedule')
    .filter((s) => s.status === 'not_started' && customers.has(s.customer as string))
    .map((s) => phaseList(s)[0]?.start_date ?? Number.POSITIVE_INFINITY);
}

/** Starts the schedules whose start date has come (called as a test clock advances). */
export function startDueSchedules(world: World, customers: Set<string>, at: number): void {
  for (const schedule of world.all('subscription_schedule')) {
    const start = phaseList(schedule)[0]?.start_date;
    const due = schedule.status === 'not_started' && start !== undefined && start <= at;
    if (due && customers.has(schedule.customer as string)) startSchedule(world, schedule, start);
  }
}

function endSchedule(world: World, schedule: StripeRecord, subscription: StripeRecord, at: number) {
  const previous = { current_phase: schedule.current_phase, status: schedule.status };
  schedule.current_phase = null;
  if (schedule.end_behavior === 'cancel') {
    schedule.status = 'completed';
    schedule.completed_at = at;
    world.emit('subscription_schedule.completed', schedule, previous);
    cancelSubscription(world, subscription);
    return 'ended' as const;
  }
  schedule.status = 'released';
  schedule.released_at = at;
  schedule.released_subscription = subscription.id;
  schedule.subscription = null;
  subscription.schedule = null;
  world.emit('subscription_schedule.released', schedule, previous);
  return 'continues' as const;
}

/**
 * Called at a subscription's period end: moves a scheduled subscription to its next phase (its
 * items, discounts and metadata), or ends the schedule after its last phase. 'ended' when the
 * subscription was cancelled.
 */
export function atPeriodEnd(
  world: World,
  subscription: StripeRecord,
  at: number,
): 'continues' | 'ended' {
  const scheduleId = subscription.schedule;
  if (typeof scheduleId !== 'string') return 'continues';
  const schedule = world.get('subscription_schedule', scheduleId);
  const phases = phaseList(schedule);
  const nextIndex = phases.findIndex((p) => p.start_date === at);
  if (nextIndex === -1) {
    const last = phases.at(-1);
    if (last === undefined || last.end_date > at) return 'continues';
    return endSchedule(world, schedule, subscription, at);
  }
  const phase = phases[nextIndex];
  const spec = states(world).get(schedule.id)?.specs[nextIndex];
  if (phase === undefined || spec === undefined) return 'continues';
  const customer = subscription.customer as string;
  // Discounts first: one that can no longer be redeemed is left out, never a stuck clock.
  let discounts: string[] = [];
  try {
    discounts = spec.discounts
      ? createDiscounts(
          world,
          spec.discounts,
          { customer, subscription: subscription.id },
          { at, param: `phases[${nextIndex}][discounts]` },
        )
      : [];
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
  }
  const previousInterval = intervalOf(itemsOf(subscription)[0]);
  // An item whose price carries on into the next phase keeps its id; the rest are replaced.
  const kept = new Map(
    itemsOf(subscription).map((item) => [(item.price as { id: string }).id, item]),
  );
  const next: StripeRecord[] = [];
  const fresh: ItemSpec[] = [];
  for (const item of spec.items) {
    const same = kept.get(item.price);
    if (same && item.discounts === undefined) {
      kept.delete(item.price);
      same.quantity = item.quantity;
      same.metadata = item.metadata ?? {};
      next.push(same);
    } else {
      fresh.push(item);
    }
  }
  for (const gone of kept.values()) world.remove(gone.id);
  next.push(
    ...buildItems(world, { id: subscription.id, customer }, fresh, { start: at, end: at }, at),
  );
  (subscription.items as { data: StripeRecord[] }).data = next;
  // A phase billed on another interval starts a new billing cycle, as on Stripe.
  if (intervalOf(next[0]) !== previousInterval) subscription.billing_cycle_anchor = at;
  subscription.discounts = discounts;
  subscription.metadata = spec.metadata ?? {};
  const previous = { current_phase: schedule.current_phase };
  schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  world.emit('subscription_schedule.updated', schedule, previous);
  return 'continues';
}

function intervalOf(item: StripeRecord | undefined): string {
  const recurring = (item?.price as { recurring?: { interval: string; interval_count: number } })
    ?.recurring;
  return recurring ? `${recurring.interval_count} ${recurring.interval}` : '';
}

/** Ends a live schedule (else Stripe's 400) now; returns its previous attributes, subscription. */
function endNow(world: World, schedule: StripeRecord, verb: 'cancel' | 'release') {
  if (!['not_started', 'active'].includes(schedule.status as string)) {
    throw invalidState(`You cannot ${verb} a subscription schedule that is ${schedule.status}.`);
  }
  const previous = { status: schedule.status, current_phase: schedule.current_phase };
  const status = verb === 'cancel' ? 'canceled' : 'released';
  schedule.status = status;
  schedule[`${status}_at`] = world.timeFor(schedule.customer as string);
  schedule.current_phase = null;
  const id = schedule.subscription;
  return { previous, subscription: typeof id === 'string' ? world.find(id) : undefined };
}

/** Cancels a schedule and its subscription (subscription_schedule.canceled). */
export function cancelSchedule(world: World, schedule: StripeRecord): void {
  const { previous, subscription } = endNow(world, schedule, 'cancel');
  world.emit('subscription_schedule.canceled', schedule, previous);
  if (subscription && subscription.status !== 'canceled') cancelSubscription(world, subscription);
}

/** Releases a schedule: its subscription continues on its own (subscription_schedule.released). */
export function releaseSchedule(world: World, schedule: StripeRecord): void {
  const { previous, subscription } = endNow(world, schedule, 'release');
  schedule.released_subscription = schedule.subscription;
  schedule.subscription = null;
  if (subscription) subscription.schedule = null;
  world.emit('subscription_schedule.released', schedule, previous);
}
