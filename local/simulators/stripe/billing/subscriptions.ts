/**
 * Subscriptions: creating one (items, trial, discounts, its first invoice), billing a period,
 * cancelling, and the status that follows its invoices (incomplete → active when the first
 * invoice is paid; active → past_due when a renewal fails). Changes are in
 * `subscription-changes.ts`.
 */
import type Stripe from 'stripe';
import { invalidParam, invalidState } from '../errors.ts';
import { subscriptionItemShape, subscriptionShape } from '../shapes/subscriptions.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { checkCurrency, claimCurrency } from './currency.ts';
import { checkDiscountSpecs, createDiscounts, type DiscountSpec } from './discounts.ts';
import { createInvoice, finalizeInvoice, payInvoice } from './invoicing.ts';
import { addInterval, type Interval } from './time.ts';

/** An item as a request names it. */
export interface ItemSpec {
  price: string;
  quantity: number;
  discounts?: DiscountSpec[];
  metadata?: Record<string, string>;
}

export const PAYMENT_BEHAVIORS = [
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
] as const;
export const PRORATION_BEHAVIORS = ['create_prorations', 'none', 'always_invoice'] as const;

export interface CreateSubscriptionInput {
  customer: string;
  items: ItemSpec[];
  trialEnd?: number;
  discounts?: DiscountSpec[];
  defaultPaymentMethod?: string | null;
  collectionMethod?: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number | null;
  cancelAtPeriodEnd?: boolean;
  paymentBehavior?: (typeof PAYMENT_BEHAVIORS)[number];
  description?: string | null;
  metadata?: Record<string, string>;
  /** Set when a subscription schedule creates the subscription. */
  schedule?: string | null;
  /** When it starts (a schedule's start date); the customer's current time by default. */
  startAt?: number;
}

/** The recurring interval of a price, or a 400 naming the parameter. */
export function recurringOf(
  price: StripeRecord,
  param: string,
): { interval: Interval; count: number } {
  const recurring = price.recurring as Stripe.Price.Recurring | null;
  if (recurring === null) {
    throw invalidParam(
      param,
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
    );
  }
  return { interval: recurring.interval as Interval, count: recurring.interval_count };
}

/** A subscription's items (the stored records themselves). */
export function itemsOf(subscription: StripeRecord): StripeRecord[] {
  return (subscription.items as { data: StripeRecord[] }).data;
}

/** Builds subscription items (stored, so `/v1/subscription_items/:id` finds them). */
export function buildItems(
  world: World,
  subscription: { id: string; customer: string },
  specs: ItemSpec[],
  period: { start: number; end: number },
  at: number,
): StripeRecord[] {
  return specs.map((spec, index) => {
    const price = world.get('price', spec.price, { param: `items[${index}][price]` });
    const id = newId('si', 14);
    const discounts = spec.discounts
      ? createDiscounts(
          world,
          spec.discounts,
          { customer: subscription.customer, subscription: subscription.id, subscriptionItem: id },
          { at, param: `items[${index}][discounts]` },
        )
      : [];
    return world.insert(
      subscriptionItemShape({
        id,
        created: at,
        subscription: subscription.id,
        price: structuredClone(price) as unknown as Stripe.Price,
        quantity: spec.quantity,
        current_period_start: period.start,
        current_period_end: period.end,
        discounts,
        metadata: spec.metadata ?? {},
      }),
    );
  });
}

/**
 * Checks items before anything changes: prices exist and recur, share one currency (and the
 * subscription's, when given) and one interval, and their discounts are redeemable.
 */
export function checkItems(
  world: World,
  specs: ItemSpec[],
  options: { currency?: string; params?: string[]; customer?: string } = {},
): { currency: string; interval: Interval; count: number } {
  if (specs.length === 0) {
    throw invalidParam('items', 'Missing required param: items.', 'parameter_missing');
  }
  if (specs.length > 20) throw invalidParam('items', 'A subscription can have at most 20 items.');
  let first: { currency: string; interval: Interval; count: number } | undefined;
  specs.forEach((spec, index) => {
    const param = options.params?.[index] ?? `items[${index}]`;
    const price = world.get('price', spec.price, { param: `${param}[price]` });
    const { interval, count } = recurringOf(price, `${param}[price]`);
    const currency = price.currency as string;
    const expected = options.currency ?? first?.currency;
    if (expected !== undefined && expected !== currency) {
      throw invalidParam(
        `${param}[price]`,
        'All prices on a subscription must have the same `currency`.',
      );
    }
    if (first !== undefined && (first.interval !== interval || first.count !== count)) {
      throw invalidParam(
        `${param}[price]`,
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
      );
    }
    first ??= { currency, interval, count };
    if (spec.discounts) {
      checkDiscountSpecs(world, spec.discounts, {
        param: `${param}[discounts]`,
        currency,
        ...(options.customer ? { customer: options.customer } : {}),
      });
    }
  });
  if (first === undefined) {
    throw invalidParam('items', 'Missing required param: items.', 'parameter_missing');
  }
  return first;
}

/** The lines a subscription bills for its current period. */
export function periodLines(subscription: StripeRecord) {
  return itemsOf(subscription).map((item) => ({
    subscription: subscription.id,
    subscriptionItem: item.id,
    price: (item.price as { id: string }).id,
    quantity: item.quantity as number,
    period: { start: item.current_period_start as number, end: item.current_period_end as number },
    discounts: item.discounts as string[],
    ...(subscription.status === 'trialing' ? { trial: true } : {}),
  }));
}

/**
 * Drafts the invoice for a subscription's current period (its items' lines and, but for the
 * first invoice, pending prorations) and makes it the subscription's `latest_invoice`.
 */
export function draftPeriodInvoice(
  world: World,
  subscription: StripeRecord,
  options: {
    billingReason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
    at: number;
    id?: string;
  },
): StripeRecord {
  const lines = periodLines(subscription);
  const invoice = createInvoice(world, {
    customer: subscription.customer as string,
    subscription: subscription.id,
    billingReason: options.billingReason,
    collectionMethod: subscription.collection_method as 'charge_automatically' | 'send_invoice',
    daysUntilDue: subscription.days_until_due as number | null,
    currency: subscription.currency as string,
    lines,
    includePendingItems: options.billingReason !== 'subscription_create',
    defaultPaymentMethod: subscription.default_payment_method as string | null,
    periodStart: lines[0]?.period.start ?? options.at,
    periodEnd: lines[0]?.period.end ?? options.at,
    autoAdvance: true,
    at: options.at,
    ...(options.id ? { id: options.id } : {}),
  });
  subscription.latest_invoice = invoice.id;
  return invoice;
}

/** Finalizes a subscription invoice and, when charged automatically, collects it. */
export function collectInvoice(
  world: World,
  subscription: StripeRecord,
  invoice: StripeRecord,
  options: { pay: boolean },
): void {
  finalizeInvoice(world, invoice);
  const open = (invoice.status as string) === 'open';
  if (options.pay && open && subscription.collection_method === 'charge_automatically') {
    payInvoice(world, invoice, { offSession: true, automatic: true });
  }
}

/** Creates a subscription and bills its first period (or starts its trial). */
export function createSubscription(world: World, input: CreateSubscriptionInput): StripeRecord {
  const customer = world.get('customer', input.customer, { param: 'customer' });
  if (input.paymentBehavior === 'error_if_incomplete') {
    throw invalidParam(
      'payment_behavior',
      'payment_behavior=error_if_incomplete is not simulated: use allow_incomplete or default_incomplete.',
    );
  }
  const { currency, interval, count } = checkItems(world, input.items, {
    customer: customer.id,
  });
  checkCurrency(world, { customer: customer.id, currency, param: 'items[0][price]' });
  // Together too: one coupon with one redemption left cannot serve an item and the subscription.
  checkDiscountSpecs(
    world,
    [...input.items.flatMap((i) => i.discounts ?? []), ...(input.discounts ?? [])],
    {
      param: 'discounts',
      currency,
      customer: customer.id,
    },
  );
  const at = input.startAt ?? world.timeFor(customer.id);
  if (input.trialEnd !== undefined && input.trialEnd <= at) {
    throw invalidParam(
      'trial_end',
      'Invalid timestamp: must be an integer Unix timestamp in the future.',
    );
  }
  const id = newId('sub', 24);
  const anchor = input.trialEnd ?? at;
  const period = { start: at, end: input.trialEnd ?? addInterval(at, interval, count) };
  const items = buildItems(world, { id, customer: customer.id }, input.items, period, at);
  const discounts = input.discounts
    ? createDiscounts(
        world,
        input.discounts,
        { customer: customer.id, subscription: id },
        { at, param: 'discounts' },
      )
    : [];
  claimCurrency(world, { customer: customer.id, currency, param: 'items[0][price]' });
  const subscription = world.insert(
    subscriptionShape({
      id,
      created: at,
      customer: customer.id,
      currency,
      items: items as unknown as Stripe.SubscriptionItem[],
      start_date: at,
      billing_cycle_anchor: anchor,
      status: input.trialEnd === undefined ? 'incomplete' : 'trialing',
      ...(input.trialEnd === undefined ? {} : { trial_end: input.trialEnd, trial_start: at }),
      discounts,
      default_payment_method: input.defaultPaymentMethod ?? null,
      collection_method: input.collectionMethod ?? 'charge_automatically',
      days_until_due: input.collectionMethod === 'send_invoice' ? (input.daysUntilDue ?? 30) : null,
      cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
      cancel_at: input.cancelAtPeriodEnd ? period.end : null,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      test_clock: (customer.test_clock as string | null) ?? null,
      schedule: input.schedule ?? null,
    }),
  );
  // The embedded items are the stored ones, so /v1/subscription_items sees every change.
  (subscription.items as { data: StripeRecord[] }).data = items;
  // Stripe sends customer.subscription.created first, already naming its first invoice.
  const invoiceId = newId('in', 24);
  subscription.latest_invoice = invoiceId;
  world.emit('customer.subscription.created', subscription);
  const invoice = draftPeriodInvoice(world, subscription, {
    billingReason: 'subscription_create',
    at,
    id: invoiceId,
  });
  collectInvoice(world, subscription, invoice, {
    pay: input.paymentBehavior !== 'default_incomplete',
  });
  const settled = invoice.status === 'paid' || subscription.collection_method === 'send_invoice';
  if (subscription.status === 'incomplete' && settled) setStatus(world, subscription, 'active');
  return subscription;
}

/** Changes a subscription's status and emits customer.subscription.updated. */
export function setStatus(
  world: World,
  subscription: StripeRecord,
  status: Stripe.Subscription.Status,
): void {
  if (subscription.status === status) return;
  const previous = { status: subscription.status };
  subscription.status = status;
  world.emit('customer.subscription.updated', subscription, previous);
}

/** Ends a subscription now (customer.subscription.deleted). */
export function cancelSubscription(
  world: World,
  subscription: StripeRecord,
  options: {
    reason?: 'cancellation_requested' | 'payment_failed';
    comment?: string | null;
    feedback?: string | null;
  } = {},
): void {
  if (subscription.status === 'canceled') {
    throw invalidState(
      `A canceled subscription can only update its cancellation_details and metadata.`,
    );
  }
  const at = world.timeFor(subscription.customer as string);
  subscription.status = 'canceled';
  subscription.canceled_at = at;
  subscription.ended_at = at;
  subscription.cancellation_details = {
    comment: options.comment ?? null,
    feedback: options.feedback ?? null,
    reason: options.reason ?? 'cancellation_requested',
  };
  world.emit('customer.subscription.deleted', subscription);
}
