/** `/v1/subscription_schedules`: create (phases), retrieve, update metadata, cancel, release, list. */
import { readDiscounts } from '../billing/discounts.ts';
import {
  cancelSchedule,
  createSchedule,
  type PhaseSpec,
  releaseSchedule,
} from '../billing/schedules.ts';
import type { ItemSpec } from '../billing/subscriptions.ts';
import { invalidParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import type { World } from '../world.ts';
import { applyChanges, pathId, retrieve } from './common.ts';

function readPhases(params: Params): PhaseSpec[] | undefined {
  return params.objects('phases')?.map((phase, index) => {
    const items = phase.objects('items', { max: 20 })?.map((item) => {
      const spec: ItemSpec = {
        price: item.requiredString('price'),
        quantity: item.integer('quantity', { min: 0 }) ?? 1,
      };
      const discounts = readDiscounts(item);
      const metadata = item.metadata();
      item.done();
      if (discounts) spec.discounts = discounts;
      if (metadata && metadata !== 'clear') spec.metadata = mergeMetadata({}, metadata);
      return spec;
    });
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
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id/cancel',
      handle: (request) => {
        request.params.boolean('invoice_now');
        request.params.boolean('prorate');
        request.params.done();
        const schedule = world.get('subscription_schedule', pathId(request), {
          noun: 'subscription schedule',
        });
        cancelSchedule(world, schedule);
        return schedule;
      },
    },
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id/release',
      handle: (request) => {
        request.params.boolean('preserve_cancel_date');
        request.params.done();
        const schedule = world.get('subscription_schedule', pathId(request), {
          noun: 'subscription schedule',
        });
        releaseSchedule(world, schedule);
        return schedule;
      },
    },
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
