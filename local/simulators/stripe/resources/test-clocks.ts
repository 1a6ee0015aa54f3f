/**
 * `/v1/test_helpers/test_clocks`: create, retrieve, list, delete, advance. Advancing answers at
 * once with `status: advancing`; the clock then runs everything due up to the new time in the
 * background and becomes `ready` (test_helpers.test_clock.ready), as on Stripe: poll it.
 */
import { advanceClockTo } from '../billing/renewals.ts';
import { itemsOf } from '../billing/subscriptions.ts';
import { addInterval, type Interval } from '../billing/time.ts';
import { invalidParam, invalidState } from '../errors.ts';
import type { Route } from '../router.ts';
import { testClockShape } from '../shapes/platform.ts';
import { newId, type World } from '../world.ts';
import { deletedObject, pathId, retrieve } from './common.ts';

const CLOCK = 'test_helpers.test_clock';
/** How long a test clock lives when not deleted (Stripe deletes it after 30 days). */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;

/**
 * How far a clock may go in one advance, as Stripe limits it: two intervals of the shortest
 * subscription on the clock, or two years when there is none.
 */
function advanceLimit(world: World, clockId: string, from: number): number {
  const limits = world
    .all('subscription')
    .filter((s) => s.test_clock === clockId && s.status !== 'canceled')
    .flatMap((s) => itemsOf(s))
    .map((item) => {
      const recurring = (
        item.price as { recurring: { interval: Interval; interval_count: number } }
      ).recurring;
      return addInterval(from, recurring.interval, 2 * recurring.interval_count);
    });
  return Math.min(addInterval(from, 'year', 2), ...limits);
}

/** Test clocks. */
export function testClockRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/test_helpers/test_clocks',
      handle: ({ params }) => {
        const frozenTime = params.requiredInteger('frozen_time', { min: 0 });
        const name = params.string('name');
        params.done();
        const now = world.now();
        const clock = world.insert(
          testClockShape({
            id: newId('clock', 24),
            created: now,
            frozen_time: frozenTime,
            name: name ?? null,
            deletes_after: now + CLOCK_LIFETIME_SECONDS,
          }),
        );
        world.emit('test_helpers.test_clock.created', clock);
        return clock;
      },
    },
    {
      method: 'GET',
      path: '/v1/test_helpers/test_clocks/:id',
      handle: retrieve(CLOCK, 'test clock'),
    },
    {
      method: 'GET',
      path: '/v1/test_helpers/test_clocks',
      handle: ({ params }) => {
        const page = world.paginate(world.all(CLOCK), params, '/v1/test_helpers/test_clocks');
        params.done();
        return page;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/test_helpers/test_clocks/:id',
      handle: (request) => {
        request.params.done();
        const clock = world.get(CLOCK, pathId(request), { noun: 'test clock' });
        for (const customer of world.all('customer')) {
          if (customer.test_clock === clock.id) customer.deleted = true;
        }
        clock.deleted = true;
        world.emit('test_helpers.test_clock.deleted', { ...clock, deleted: undefined });
        return deletedObject(clock);
      },
    },
    {
      method: 'POST',
      path: '/v1/test_helpers/test_clocks/:id/advance',
      handle: (request) => {
        const to = request.params.requiredInteger('frozen_time', { min: 0 });
        request.params.done();
        const clock = world.get(CLOCK, pathId(request), { noun: 'test clock' });
        if (clock.status === 'advancing') {
          throw invalidState(
            'The test clock is currently advancing. Wait until it is ready before advancing it again.',
          );
        }
        if (clock.status === 'internal_failure') {
          throw invalidState(
            'The test clock failed while advancing. Delete it and create a new one.',
          );
        }
        if (to <= (clock.frozen_time as number)) {
          throw invalidParam(
            'frozen_time',
            'The new frozen_time must be after the current frozen_time of the test clock.',
          );
        }
        const limit = advanceLimit(world, clock.id, clock.frozen_time as number);
        if (to > limit) {
          throw invalidParam(
            'frozen_time',
            `Cannot advance more than two intervals of the shortest subscription on this test clock (or two years without one): advance to ${limit} or earlier, then again.`,
          );
        }
        clock.status = 'advancing';
        clock.status_details = { advancing: { target_frozen_time: to } };
        world.emit('test_helpers.test_clock.advancing', clock);
        world.later(10, () => {
          // A failure inside leaves the clock in internal_failure, as Stripe's do, never advancing.
          let status: 'ready' | 'internal_failure' = 'internal_failure';
          try {
            advanceClockTo(world, clock, to);
            status = 'ready';
          } finally {
            clock.status = status;
            clock.status_details = {};
            world.emit(`test_helpers.test_clock.${status}`, clock);
          }
        });
        return clock;
      },
    },
  ];
}
