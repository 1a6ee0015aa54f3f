/** `/v1/subscription_schedules`: create (phases), retrieve, update metadata, cancel, release, list. */
import { readDiscounts } from '../billing/discounts.ts';
import type { PhaseSpec } from '../billing/schedule-phases.ts';
import { cancelSchedule, createSchedule, releaseSchedule } from '../billing/schedules.ts';
import { invalidParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import type { StripeRecord, World } from '../world.ts';
import { applyChanges, pathId, retrieve } from './common.ts';
import { readItems } from './subscriptions.ts';

function readPhases(params: Params): PhaseSpec[] | undefined {
  return params.objects('phases')?.map((phase, index) => {
    const items = readItems(phase);
    if (items === undefined)
      throw invalidParam(
        `phases[${index}][items]`,
        `Missing required param: phases[${index}][items].`,
        'parameter_missing',
      );
    const spec: PhaseSpec = { items };
    const iterations = phase.integer('iterations', { min: 1 });
    const duration = phase.object('duration');
    const durationInterval = duration?.enum('interval', ['day', 'week', 'month', 'year'] as const);
    const durationCount = duration?.integer('interval_count', { min: 1 }) ?? 1;
    duration?.done();
    const endDate = phase.integer('end_date');
    const discounts = readDiscounts(phase);
    const metadata = phase.metadata();
    const description = phase.string('description');
    phase.enum('proration_behavior', ['create_prorations', 'none', 'always_invoice'] as const);
    phase.done();
    if (iterations !== undefined) spec.iterations = iterations;
    if (endDate !== undefined) spec.endDate = endDate;
    if (durationInterval !== undefined)
      spec.duration = { interval: durationInterval, count: durationCount };
    if (discounts) spec.discounts = discounts;
    if (metadata && metadata !== 'clear') spec.metadata = mergeMetadata({}, metadata);
    if (description !== undefined) spec.description = description;
    return spec;
  });
}

/**
 * `POST /v1/subscription_schedules/:id/<action>`: reads the action's boolean `flags` (accepted,
 * not acted on), then ends the schedule with `end`.
 */
function endRoute(
  world: World,
  action: 'cancel' | 'release',
  flags: string[],
  end: (world: World, schedule: StripeRecord) => void,
): Route {
  return {
    method: 'POST',
    path: `/v1/subscription_schedules/:id/${action}`,
    handle: (request) => {
      for (const flag of flags) request.params.boolean(flag);
      request.params.done();
      const schedule = world.get('subscription_schedule', pathId(request), {
        noun: 'subscription schedule',
      });
      end(world, schedule);
      return schedule;
    },
  };
}

/** Subscription schedules. */
export function scheduleRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/subscription_schedules',
      handle: ({ params }) => {
        const customer = params.requiredString('customer');
        const start =
          params.kind('start_date') === 'string' && params.string('start_date') === 'now'
            ? 'now'
            : params.integer('start_date');
        const endBehavior =
          params.enum('end_behavior', ['release', 'cancel'] as const) ?? 'release';
        const phases = readPhases(params);
        const settings = params.object('default_settings');
        const defaultPaymentMethod = settings?.string('default_payment_method');
        settings?.done();
        const metadata = params.metadata();
        params.done();
        if (phases === undefined)
          throw invalidParam('phases', 'Missing required param: phases.', 'parameter_missing');
        return createSchedule(world, {
          customer,
          startDate: start ?? 'now',
          endBehavior,
          phases,
          defaultPaymentMethod: defaultPaymentMethod ?? null,
          metadata: mergeMetadata({}, metadata),
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/subscription_schedules/:id',
      handle: retrieve('subscription_schedule', 'subscription schedule'),
    },
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id',
      handle: (request) => {
        const schedule = world.get('subscription_schedule', pathId(request), {
          noun: 'subscription schedule',
        });
        const metadata = request.params.metadata();
        const endBehavior = request.params.enum('end_behavior', ['release', 'cancel'] as const);
        request.params.done();
        applyChanges(
          world,
          schedule,
          {
            metadata:
              metadata === undefined
                ? undefined
                : mergeMetadata(schedule.metadata as Record<string, string>, metadata),
            end_behavior: endBehavior,
          },
          'subscription_schedule.updated',
        );
        return schedule;
      },
    },
    endRoute(world, 'cancel', ['invoice_now', 'prorate'], cancelSchedule),
    endRoute(world, 'release', ['preserve_cancel_date'], releaseSchedule),
    {
      method: 'GET',
      path: '/v1/subscription_schedules',
      handle: ({ params }) => {
        const customer = params.string('customer');
        const page = world.paginate(
          world
            .all('subscription_schedule')
            .filter((s) => customer === undefined || s.customer === customer),
          params,
          '/v1/subscription_schedules',
        );
        params.done();
        return page;
      },
    },
  ];
}
