/**
 * Changing a subscription: items (prices, quantities, discounts, added and deleted items) with
 * prorations, cancellation at period end, the trial's end, and how a subscription follows its
 * invoices. Every change is checked in full before anything is written, so a refused request
 * leaves the subscription as it was.
 */
import { invalidParam, invalidState } from '../errors.ts';
import type { StripeRecord, World } from '../world.ts';
import { emitChanges } from './diff.ts';
import { checkDiscountSpecs, createDiscounts, type DiscountSpec } from './discounts.ts';
import { createInvoice } from './invoicing.ts';
import { prorateChange } from './prorations.ts';
import {
  buildItems,
  checkItems,
  collectInvoice,
  draftPeriodInvoice,
  type ItemSpec,
  itemsOf,
  type PRORATION_BEHAVIORS,
  recurringOf,
} from './subscriptions.ts';
import { addInterval } from './time.ts';

/** One `items[i]` entry of an update. */
export interface ItemChange {
  id?: string;
  price?: string;
  quantity?: number;
  deleted: boolean;
  discounts?: DiscountSpec[];
}

export interface UpdateSubscriptionInput {
  items?: ItemChange[];
  proration: (typeof PRORATION_BEHAVIORS)[number];
  cancelAtPeriodEnd?: boolean;
  defaultPaymentMethod?: string;
  discounts?: DiscountSpec[];
  metadata?: Record<string, string>;
  description?: string;
  /** A new trial end, or 'now' to end the trial. */
  trialEnd?: number | 'now';
}

interface PlannedItem {
  change: ItemChange;
  index: number;
  existing: StripeRecord | undefined;
}

/** Checks an update in full; throws Stripe's 400/404 before anything changes. */
function plan(
  world: World,
  subscription: StripeRecord,
  input: UpdateSubscriptionInput,
): PlannedItem[] {
  const changing =
    input.items !== undefined ||
    input.cancelAtPeriodEnd !== undefined ||
    input.defaultPaymentMethod !== undefined ||
    input.trialEnd !== undefined ||
    input.discounts !== undefined;
  if (subscription.status === 'canceled' && changing) {
    throw invalidState(
      'A canceled subscription can only update its cancellation_details and metadata.',
    );
  }
  const at = world.timeFor(subscription.customer as string);
  if (input.trialEnd !== undefined && input.trialEnd !== 'now') {
    if (input.trialEnd <= at) {
      throw invalidParam(
        'trial_end',
        'Invalid timestamp: must be an integer Unix timestamp in the future.',
      );
    }
    if (subscription.status !== 'trialing') {
      throw invalidParam(
        'trial_end',
        'Adding a trial to a subscription that is not trialing is not simulated.',
      );
    }
  }
  const currency = subscription.currency as string;
  const customer = subscription.customer as string;
  if (input.discounts)
    checkDiscountSpecs(world, input.discounts, { param: 'discounts', currency, customer });
  const current = itemsOf(subscription);
  const planned = (input.items ?? []).map((change, index) => {
    const existing = change.id ? current.find((i) => i.id === change.id) : undefined;
    if (change.id && existing === undefined) {
      throw invalidParam(
        `items[${index}][id]`,
        `No such subscription item: '${change.id}'`,
        'resource_missing',
      );
    }
    if (existing === undefined && change.price === undefined) {
      throw invalidParam(
        `items[${index}][price]`,
        `Missing required param: items[${index}][price].`,
        'parameter_missing',
      );
    }
    return { change, index, existing };
  });
  // The item set after the change, checked as a whole (currency, interval, discounts).
  const deleted = new Set(
    planned.filter((p) => p.change.deleted && p.existing).map((p) => p.existing?.id),
  );
  const touched = new Map(planned.filter((p) => p.existing).map((p) => [p.existing?.id, p]));
  const after: { spec: ItemSpec; param: string }[] = [];
  for (const item of current) {
    if (deleted.has(item.id)) continue;
    const p = touched.get(item.id);
    after.push({
      spec: {
        price: p?.change.price ?? (item.price as { id: string }).id,
        quantity: p?.change.quantity ?? (item.quantity as number),
        ...(p?.change.discounts ? { discounts: p.change.discounts } : {}),
      },
      param: p ? `items[${p.index}]` : 'items',
    });
  }
  for (const p of planned) {
    if (p.existing || p.change.deleted) continue;
    after.push({
      spec: {
        price: p.change.price ?? '',
        quantity: p.change.quantity ?? 1,
        ...(p.change.discounts ? { discounts: p.change.discounts } : {}),
      },
      param: `items[${p.index}]`,
    });
  }
  checkDiscountSpecs(
    world,
    [...planned.flatMap((p) => p.change.discounts ?? []), ...(input.discounts ?? [])],
    { param: 'discounts', currency, customer },
  );
  if (input.items) {
    checkItems(
      world,
      after.map((a) => a.spec),
      { currency, params: after.map((a) => a.param) },
    );
  }
  return planned;
}

/** Applies an update checked by {@link plan}; emits one customer.subscription.updated. */
export function updateSubscription(
  world: World,
  subscription: StripeRecord,
  input: UpdateSubscriptionInput,
): StripeRecord {
  const planned = plan(world, subscription, input);
  const customer = subscription.customer as string;
  const at = world.timeFor(customer);
  const before = structuredClone(subscription);
  const removed: StripeRecord[] = [];
  const added: StripeRecord[] = [];
  const items = [...itemsOf(subscription)];
  const period = {
    start: items[0]?.current_period_start as number,
    end: items[0]?.current_period_end as number,
  };
  for (const { change, index, existing } of planned) {
    if (existing === undefined) continue;
    if (change.deleted || change.price !== undefined || change.quantity !== undefined) {
      removed.push(structuredClone(existing));
    }
    if (change.deleted) {
      items.splice(items.indexOf(existing), 1);
      world.remove(existing.id);
      continue;
    }
    if (change.price) existing.price = structuredClone(world.get('price', change.price));
    if (change.quantity !== undefined) existing.quantity = change.quantity;
    if (change.discounts) {
      existing.discounts = createDiscounts(
        world,
        change.discounts,
        { customer, subscription: subscription.id, subscriptionItem: existing.id },
        { at, param: `items[${index}][discounts]` },
      );
    }
    if (change.price !== undefined || change.quantity !== undefined) added.push(existing);
  }
  const fresh = planned
    .filter((p) => p.existing === undefined && !p.change.deleted)
    .map((p) => ({
      price: p.change.price ?? '',
      quantity: p.change.quantity ?? 1,
      ...(p.change.discounts ? { discounts: p.change.discounts } : {}),
    }));
  const built = buildItems(world, { id: subscription.id, customer }, fresh, period, at);
  items.push(...built);
  added.push(...built);
  (subscription.items as { data: StripeRecord[] }).data = items;
  if (input.cancelAtPeriodEnd !== undefined) {
    subscription.cancel_at_period_end = input.cancelAtPeriodEnd;
    subscription.cancel_at = input.cancelAtPeriodEnd ? period.end : null;
    subscription.canceled_at = input.cancelAtPeriodEnd ? at : null;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      reason: input.cancelAtPeriodEnd ? 'cancellation_requested' : null,
    };
  }
  if (input.defaultPaymentMethod !== undefined)
    subscription.default_payment_method = input.defaultPaymentMethod || null;
  if (input.discounts) {
    subscription.discounts = createDiscounts(
      world,
      input.discounts,
      { customer, subscription: subscription.id },
      { at, param: 'discounts' },
    );
  }
  if (input.metadata !== undefined) subscription.metadata = input.metadata;
  if (input.description !== undefined) subscription.description = input.description || null;
  if (typeof input.trialEnd === 'number') {
    subscription.trial_end = input.trialEnd;
    subscription.billing_cycle_anchor = input.trialEnd;
    for (const item of items) item.current_period_end = input.trialEnd;
  }
  const endTrial = input.trialEnd === 'now' && subscription.status === 'trialing';
  const billable = ['active', 'past_due'].includes(subscription.status as string);
  const intervalOf = (item: StripeRecord | undefined) =>
    JSON.stringify((item?.price as { recurring?: unknown } | undefined)?.recurring ?? null);
  const oldItems = (before.items as { data: StripeRecord[] }).data;
  const intervalChanged = billable && intervalOf(oldItems[0]) !== intervalOf(items[0]);
  const prorating =
    (removed.length > 0 || added.length > 0) && input.proration !== 'none' && billable;
  // A new interval starts a new period at once: only the unused old time is credited.
  if (prorating) {
    prorateChange(world, subscription, { removed, added: intervalChanged ? [] : added, at });
  }
  let invoice: StripeRecord | undefined;
  if (endTrial || intervalChanged) {
    // A new period starts now, billed at once, anchored here (the trial's end, a new interval).
    if (endTrial) {
      subscription.trial_end = at;
      subscription.status = 'active';
    }
    subscription.billing_cycle_anchor = at;
    const { interval, count } = recurringOf(items[0]?.price as StripeRecord, 'items');
    for (const item of items) {
      item.current_period_start = at;
      item.current_period_end = addInterval(at, interval, count);
    }
    invoice = draftPeriodInvoice(world, subscription, { billingReason: 'subscription_update', at });
  } else if (prorating && input.proration === 'always_invoice') {
    invoice = createInvoice(world, {
      customer,
      subscription: subscription.id,
      billingReason: 'subscription_update',
      currency: subscription.currency as string,
      includePendingItems: true,
      defaultPaymentMethod: subscription.default_payment_method as string | null,
      autoAdvance: true,
      at,
    });
    subscription.latest_invoice = invoice.id;
  }
  emitChanges(world, 'customer.subscription.updated', subscription, before);
  if (invoice) collectInvoice(world, subscription, invoice, { pay: true });
  return subscription;
}
