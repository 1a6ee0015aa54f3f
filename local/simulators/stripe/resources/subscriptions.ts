/**
 * `/v1/subscriptions` and `/v1/subscription_items`: create (items, trial, discounts, payment
 * behaviour), update (items with prorations, cancel at period end, payment method, metadata),
 * cancel, retrieve, list.
 */
import type Stripe from 'stripe';
import { readDiscounts } from '../billing/discounts.ts';
import { type ItemChange, updateSubscription } from '../billing/subscription-changes.ts';
import { followInvoices } from '../billing/subscription-status.ts';
import {
  cancelSubscription,
  createSubscription,
  type ItemSpec,
  PAYMENT_BEHAVIORS,
  PRORATION_BEHAVIORS,
} from '../billing/subscriptions.ts';
import { SECONDS_PER_DAY } from '../billing/time.ts';
import { invalidParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import { pathId, retrieve } from './common.ts';

const STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

/**
 * Reads `items[]` (at most 20: `price`, `quantity`, `discounts`, `metadata`; each finished) into
 * item specs, as subscriptions and schedule phases take them.
 */
export function readItems(params: Params): ItemSpec[] | undefined {
  return params.objects('items', { max: 20 })?.map((item) => {
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
}

function paymentMethodParam(world: World, params: Params, customer: string): string | undefined {
  const id = params.string('default_payment_method');
  if (id === undefined || id === '') return id;
  const pm = world.get('payment_method', id, {
    param: 'default_payment_method',
    noun: 'PaymentMethod',
  });
  if (pm.customer !== customer) {
    throw invalidParam(
      'default_payment_method',
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
    );
  }
  return id;
}

function create(world: World, params: Params): StripeRecord {
  const customer = params.requiredString('customer');
  world.get('customer', customer, { param: 'customer' });
  const items = readItems(params);
  const trialDays = params.integer('trial_period_days', { min: 0, max: 730 });
  const trialEndRaw = params.integer('trial_end');
  const discounts = readDiscounts(params);
  const defaultPaymentMethod = paymentMethodParam(world, params, customer);
  const collectionMethod = params.enum('collection_method', [
    'charge_automatically',
    'send_invoice',
  ] as const);
  const daysUntilDue = params.integer('days_until_due', { min: 0 });
  const cancelAtPeriodEnd = params.boolean('cancel_at_period_end');
  const paymentBehavior = params.enum('payment_behavior', PAYMENT_BEHAVIORS);
  const paymentSettings = params.object('payment_settings');
  paymentSettings?.strings('payment_method_types');
  paymentSettings?.string('save_default_payment_method');
  paymentSettings?.done();
  const description = params.string('description');
  const metadata = params.metadata();
  params.enum('proration_behavior', PRORATION_BEHAVIORS);
  params.done();
  if (items === undefined)
    throw invalidParam('items', 'Missing required param: items.', 'parameter_missing');
  const at = world.timeFor(customer);
  const trialEnd = trialEndRaw ?? (trialDays ? at + trialDays * SECONDS_PER_DAY : undefined);
  return createSubscription(world, {
    customer,
    items,
    ...(trialEnd === undefined ? {} : { trialEnd }),
    ...(discounts ? { discounts } : {}),
    defaultPaymentMethod: defaultPaymentMethod ?? null,
    ...(collectionMethod ? { collectionMethod } : {}),
    daysUntilDue: daysUntilDue ?? null,
    cancelAtPeriodEnd: cancelAtPeriodEnd ?? false,
    ...(paymentBehavior ? { paymentBehavior } : {}),
    description: description ?? null,
    metadata: mergeMetadata({}, metadata),
  });
}

function readItemChanges(params: Params): ItemChange[] | undefined {
  return params.objects('items', { max: 20 })?.map((item) => {
    const change: ItemChange = { deleted: item.boolean('deleted') ?? false };
    const id = item.string('id');
    const price = item.string('price');
    const quantity = item.integer('quantity', { min: 0 });
    const discounts = readDiscounts(item);
    item.done();
    if (id) change.id = id;
    if (price) change.price = price;
    if (quantity !== undefined) change.quantity = quantity;
    if (discounts) change.discounts = discounts;
    return change;
  });
}

function update(world: World, id: string, params: Params): StripeRecord {
  const subscription = world.get('subscription', id);
  const customer = subscription.customer as string;
  const items = readItemChanges(params);
  const proration = params.enum('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
  const cancelAtPeriodEnd = params.boolean('cancel_at_period_end');
  const defaultPaymentMethod = paymentMethodParam(world, params, customer);
  const discounts = readDiscounts(params);
  const metadata = params.metadata();
  const description = params.string('description');
  const trialEnd =
    params.kind('trial_end') === 'string' && params.string('trial_end') === 'now'
      ? 'now'
      : params.integer('trial_end');
  const paymentBehavior = params.enum('payment_behavior', PAYMENT_BEHAVIORS);
  params.integer('proration_date');
  params.done();
  if (paymentBehavior === 'error_if_incomplete') {
    throw invalidParam(
      'payment_behavior',
      'payment_behavior=error_if_incomplete is not simulated: use allow_incomplete or default_incomplete.',
    );
  }
  return updateSubscription(world, subscription, {
    proration,
    ...(items ? { items } : {}),
    ...(cancelAtPeriodEnd === undefined ? {} : { cancelAtPeriodEnd }),
    ...(defaultPaymentMethod === undefined ? {} : { defaultPaymentMethod }),
    ...(discounts ? { discounts } : {}),
    ...(metadata === undefined
      ? {}
      : { metadata: mergeMetadata(subscription.metadata as Record<string, string>, metadata) }),
    ...(description === undefined ? {} : { description }),
    ...(trialEnd === undefined ? {} : { trialEnd }),
  });
}

/** Subscriptions and subscription items; registers how subscriptions follow their invoices. */
export function subscriptionRoutes(world: World): Route[] {
  followInvoices(world);
  return [
    { method: 'POST', path: '/v1/subscriptions', handle: ({ params }) => create(world, params) },
    { method: 'GET', path: '/v1/subscriptions/:id', handle: retrieve('subscription') },
    {
      method: 'POST',
      path: '/v1/subscriptions/:id',
      handle: (r) => update(world, pathId(r), r.params),
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:id',
      handle: (request) => {
        const { params } = request;
        const details = params.object('cancellation_details');
        const comment = details?.string('comment');
        const feedback = details?.string('feedback');
        details?.done();
        params.boolean('invoice_now');
        params.boolean('prorate');
        params.done();
        const subscription = world.get('subscription', pathId(request));
        cancelSubscription(world, subscription, {
          comment: comment ?? null,
          feedback: feedback ?? null,
        });
        return subscription;
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions',
      handle: ({ params }) => {
        const customer = params.string('customer');
        const status = params.enum('status', STATUSES);
        const price = params.string('price');
        const testClock = params.string('test_clock');
        const created = createdFilter(params);
        const page = world.paginate(
          world.all('subscription').filter((s) => {
            const statusOk =
              status === 'all'
                ? true
                : status === 'ended'
                  ? ['canceled', 'incomplete_expired'].includes(s.status as string)
                  : status === undefined
                    ? s.status !== 'canceled'
                    : s.status === status;
            const items = (s.items as { data: StripeRecord[] }).data;
            return (
              statusOk &&
              created(s.created as number) &&
              (customer === undefined || s.customer === customer) &&
              (testClock === undefined || s.test_clock === testClock) &&
              (price === undefined || items.some((i) => (i.price as Stripe.Price).id === price))
            );
          }),
          params,
          '/v1/subscriptions',
        );
        params.done();
        return page;
      },
    },
    {
      method: 'GET',
      path: '/v1/subscription_items/:id',
      handle: retrieve('subscription_item', 'subscription item'),
    },
    {
      method: 'GET',
      path: '/v1/subscription_items',
      handle: ({ params }) => {
        const subscription = world.get('subscription', params.requiredString('subscription'), {
          param: 'subscription',
        });
        const page = world.paginate(
          (subscription.items as { data: StripeRecord[] }).data,
          params,
          '/v1/subscription_items',
        );
        params.done();
        return page;
      },
    },
  ];
}
