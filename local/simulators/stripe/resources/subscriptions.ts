/**
 * `/v1/subscriptions` and `/v1/subscription_items`: create (items, trial, discounts, payment
 * behaviour), update (items with prorations, cancel at period end, payment method, metadata),
 * cancel, retrieve, list.
 */
import type Stripe from 'stripe';
import { createDiscounts, readDiscounts } from '../billing/discounts.ts';
import { createInvoice, finalizeInvoice, payInvoice } from '../billing/invoicing.ts';
import {
  buildItems,
  cancelSubscription,
  checkItems,
  createSubscription,
  followInvoices,
  type ItemSpec,
  PAYMENT_BEHAVIORS,
  PRORATION_BEHAVIORS,
  prorateChange,
} from '../billing/subscriptions.ts';
import { SECONDS_PER_DAY } from '../billing/time.ts';
import { invalidParam, invalidState } from '../errors.ts';
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

function readItems(params: Params): ItemSpec[] | undefined {
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

interface ItemChange {
  id?: string;
  price?: string;
  quantity?: number;
  deleted: boolean;
  discounts?: ReturnType<typeof readDiscounts>;
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
  const changes = readItemChanges(params);
  const proration = params.enum('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
  const cancelAtPeriodEnd = params.boolean('cancel_at_period_end');
  const defaultPaymentMethod = paymentMethodParam(world, params, customer);
  const discounts = readDiscounts(params);
  const metadata = params.metadata();
  const description = params.string('description');
  const trialEnd =
    params.kind('trial_end') === 'string' && params.isEmpty('trial_end')
      ? undefined
      : params.string('trial_end');
  params.enum('payment_behavior', PAYMENT_BEHAVIORS);
  params.integer('proration_date');
  params.done();
  if (subscription.status === 'canceled') {
    if (changes || cancelAtPeriodEnd !== undefined || defaultPaymentMethod !== undefined) {
      throw invalidState(
        'A canceled subscription can only update its cancellation_details and metadata.',
      );
    }
  }
  const at = world.timeFor(customer);
  const items = (subscription.items as { data: StripeRecord[] }).data;
  const before = structuredClone(subscription);
  const removed: StripeRecord[] = [];
  const added: StripeRecord[] = [];
  if (changes) {
    const next = [...items];
    const specs: ItemSpec[] = [];
    changes.forEach((change, index) => {
      const existing = change.id ? next.find((i) => i.id === change.id) : undefined;
      if (change.id && existing === undefined) {
        throw invalidParam(
          `items[${index}][id]`,
          `No such subscription item: '${change.id}'`,
          'resource_missing',
        );
      }
      if (
        existing &&
        (change.deleted || change.price !== undefined || change.quantity !== undefined)
      ) {
        removed.push(structuredClone(existing));
      }
      if (existing && change.deleted) {
        next.splice(next.indexOf(existing), 1);
        world.remove(existing.id);
        return;
      }
      if (existing) {
        if (change.price)
          existing.price = structuredClone(
            world.get('price', change.price, { param: `items[${index}][price]` }),
          );
        if (change.quantity !== undefined) existing.quantity = change.quantity;
        if (change.discounts)
          existing.discounts = createDiscounts(
            world,
            change.discounts,
            { customer, subscription: id, subscriptionItem: existing.id },
            { at, param: `items[${index}][discounts]` },
          );
        added.push(existing);
        return;
      }
      if (change.price === undefined)
        throw invalidParam(
          `items[${index}][price]`,
          'Missing required param: items[price].',
          'parameter_missing',
        );
      specs.push({
        price: change.price,
        quantity: change.quantity ?? 1,
        ...(change.discounts ? { discounts: change.discounts } : {}),
      });
    });
    const period = {
      start: items[0]?.current_period_start as number,
      end: items[0]?.current_period_end as number,
    };
    const fresh = buildItems(world, { id, customer }, specs, period, at);
    added.push(...fresh);
    next.push(...fresh);
    checkItems(
      world,
      next.map((i) => ({ price: (i.price as { id: string }).id, quantity: i.quantity as number })),
    );
    (subscription.items as { data: StripeRecord[] }).data = next;
  }
  if (cancelAtPeriodEnd !== undefined) {
    subscription.cancel_at_period_end = cancelAtPeriodEnd;
    subscription.cancel_at = cancelAtPeriodEnd ? (items[0]?.current_period_end ?? null) : null;
    subscription.canceled_at = cancelAtPeriodEnd ? at : null;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      reason: cancelAtPeriodEnd ? 'cancellation_requested' : null,
    };
  }
  if (defaultPaymentMethod !== undefined)
    subscription.default_payment_method = defaultPaymentMethod || null;
  if (discounts)
    subscription.discounts = createDiscounts(
      world,
      discounts,
      { customer, subscription: id },
      { at, param: 'discounts' },
    );
  if (metadata !== undefined)
    subscription.metadata = mergeMetadata(
      subscription.metadata as Record<string, string>,
      metadata,
    );
  if (description !== undefined) subscription.description = description || null;
  if (trialEnd === 'now' && subscription.status === 'trialing') subscription.trial_end = at;
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(subscription)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(subscription[key]))
      previous[key] = before[key];
  }
  if (Object.keys(previous).length > 0)
    world.emit('customer.subscription.updated', subscription, previous);
  const billable = ['active', 'past_due'].includes(subscription.status as string);
  if ((removed.length > 0 || added.length > 0) && proration !== 'none' && billable) {
    prorateChange(world, subscription, { removed, added, at });
    if (proration === 'always_invoice') {
      const invoice = createInvoice(world, {
        customer,
        subscription: id,
        billingReason: 'subscription_update',
        currency: subscription.currency as string,
        includePendingItems: true,
        defaultPaymentMethod: subscription.default_payment_method as string | null,
        autoAdvance: true,
        at,
      });
      subscription.latest_invoice = invoice.id;
      finalizeInvoice(world, invoice);
      if (invoice.status === 'open' && subscription.collection_method === 'charge_automatically') {
        payInvoice(world, invoice, { offSession: true });
      }
    }
  }
  return subscription;
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
