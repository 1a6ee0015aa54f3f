/**
 * Subscription schedule phases: laid end to end from the start date, each lasting its end date,
 * duration or iterations, checked in full (items, discounts across all phases, at most
 * {@link MAX_PHASES}) before a schedule exists.
 */
import type Stripe from 'stripe';
import { invalidParam } from '../errors.ts';
import { schedulePhaseItemShape, schedulePhaseShape } from '../shapes/subscription-schedules.ts';
import type { World } from '../world.ts';
import { checkDiscountSpecs, type DiscountSpec } from './discounts.ts';
import { checkItems, type ItemSpec } from './subscriptions.ts';
import { addInterval, type Interval } from './time.ts';

/** Stripe's limit on a schedule's current and future phases. */
export const MAX_PHASES = 10;

export interface PhaseSpec {
  items: ItemSpec[];
  iterations?: number;
  endDate?: number;
  /** `duration[interval]` and `duration[interval_count]`: how long the phase lasts. */
  duration?: { interval: Interval; count: number };
  discounts?: DiscountSpec[];
  metadata?: Record<string, string>;
  description?: string | null;
}

/** How a phase's discounts render on the schedule (coupons and promotion codes by id). */
function renderDiscounts(specs: DiscountSpec[] | undefined) {
  return (specs ?? []).map((spec) => ({
    coupon: spec.coupon ?? null,
    discount: spec.discount ?? null,
    promotion_code: spec.promotionCode ?? null,
  }));
}

/** Lays the phases end to end from `start`, each lasting its end date, duration or iterations. */
export function layOut(
  world: World,
  specs: PhaseSpec[],
  start: number,
): Stripe.SubscriptionSchedule.Phase[] {
  if (specs.length === 0) {
    throw invalidParam('phases', 'Missing required param: phases.', 'parameter_missing');
  }
  if (specs.length > MAX_PHASES) {
    throw invalidParam(
      'phases',
      `A subscription schedule can have at most ${MAX_PHASES} current and future phases.`,
    );
  }
  // Every phase's discounts together: a coupon with one redemption left serves one of them only.
  checkDiscountSpecs(
    world,
    specs.flatMap((spec) => [
      ...(spec.discounts ?? []),
      ...spec.items.flatMap((i) => i.discounts ?? []),
    ]),
    { param: 'phases' },
  );
  let at = start;
  return specs.map((spec, index) => {
    const params = spec.items.map((_, i) => `phases[${index}][items][${i}]`);
    const { currency, interval, count } = checkItems(world, spec.items, { params });
    if (spec.discounts) {
      checkDiscountSpecs(world, spec.discounts, { param: `phases[${index}][discounts]`, currency });
    }
    let end: number;
    if (spec.endDate !== undefined) {
      if (spec.endDate <= at) {
        throw invalidParam(
          `phases[${index}][end_date]`,
          'The end date of a phase must be after its start date.',
        );
      }
      end = spec.endDate;
      if (!onPeriodEnd({ from: at, end, interval, count })) {
        throw invalidParam(
          `phases[${index}][end_date]`,
          'A phase ending between two billing period ends is not simulated: end it on a period end, or use iterations or duration.',
        );
      }
    } else if (spec.duration !== undefined) {
      end = addInterval(at, spec.duration.interval, spec.duration.count);
    } else {
      end = addInterval(at, interval, count * (spec.iterations ?? 1));
    }
    const phase = schedulePhaseShape({
      start_date: at,
      end_date: end,
      currency,
      items: spec.items.map((item) =>
        schedulePhaseItemShape({
          price: item.price,
          quantity: item.quantity,
          metadata: item.metadata ?? {},
          discounts: renderDiscounts(
            item.discounts,
          ) as Stripe.SubscriptionSchedule.Phase.Item.Discount[],
        }),
      ),
      discounts: renderDiscounts(spec.discounts) as Stripe.SubscriptionSchedule.Phase.Discount[],
      metadata: spec.metadata ?? {},
      description: spec.description ?? null,
    });
    at = end;
    return phase;
  });
}

/** Whether `end` is a whole number of billing periods after `from`. */
function onPeriodEnd(options: {
  from: number;
  end: number;
  interval: Interval;
  count: number;
}): boolean {
  for (let n = 1; n <= 1_000; n++) {
    const at = addInterval(options.from, options.interval, n * options.count);
    if (at === options.end) return true;
    if (at > options.end) return false;
  }
  return false;
}
