/**
 * Billing arithmetic shared by the engine: adding billing intervals the way Stripe does (a
 * month after January 31 is the last day of February), and proration by seconds.
 */

export type Interval = 'day' | 'week' | 'month' | 'year';

export const SECONDS_PER_DAY = 86_400;

/** `at` plus `count` intervals, in UTC, keeping the anchor day where the month has it. */
export function addInterval(at: number, interval: Interval, count = 1): number {
  const date = new Date(at * 1000);
  switch (interval) {
    case 'day':
      return at + count * SECONDS_PER_DAY;
    case 'week':
      return at + count * 7 * SECONDS_PER_DAY;
    case 'month':
    case 'year': {
      const months = interval === 'month' ? count : count * 12;
      const day = date.getUTCDate();
      const target = new Date(date.getTime());
      target.setUTCDate(1);
      target.setUTCMonth(target.getUTCMonth() + months);
      const lastDay = new Date(
        Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
      ).getUTCDate();
      target.setUTCDate(Math.min(day, lastDay));
      return Math.floor(target.getTime() / 1000);
    }
  }
}

/**
 * The share of `amount` for the part of a period from `from` to the period's end, rounded to a
 * minor unit, as Stripe prorates by the second.
 */
export function prorate(options: {
  amount: number;
  periodStart: number;
  periodEnd: number;
  from: number;
}): number {
  const length = options.periodEnd - options.periodStart;
  if (length <= 0) return 0;
  const remaining = Math.min(Math.max(options.periodEnd - options.from, 0), length);
  return Math.round((options.amount * remaining) / length);
}

/**
 * The end of the period after the one ending at `currentEnd`, counted from the billing cycle
 * anchor, so a subscription anchored on the 31st renews on the last day of shorter months and
 * on the 31st again after them.
 */
export function nextPeriodEnd(options: {
  anchor: number;
  interval: Interval;
  count: number;
  currentEnd: number;
}): number {
  for (let n = 1; n < 10_000; n++) {
    const end = addInterval(options.anchor, options.interval, n * options.count);
    if (end > options.currentEnd) return end;
  }
  return addInterval(options.currentEnd, options.interval, options.count);
}
