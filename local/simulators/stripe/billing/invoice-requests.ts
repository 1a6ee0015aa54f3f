/**
 * The requests on an invoice itself (`POST /v1/invoices`, update, delete, list), read into the
 * billing engine's terms with Stripe's parameter checks; resources/invoices.ts routes them.
 */
import { invalidParam, invalidState, missingParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import { deletedObject } from '../resources/common.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import {
  checkDiscountSpecs,
  type DiscountSpec,
  invoiceDiscounts,
  readDiscounts,
} from './discounts.ts';
import { linesOf } from './invoice-lines.ts';
import { changeInvoice } from './invoice-totals.ts';
import { createInvoice } from './invoicing.ts';
import { SECONDS_PER_DAY } from './time.ts';

const COLLECTION = ['charge_automatically', 'send_invoice'] as const;
const STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;

/** A parameter sent empty (Stripe's way to unset it) is `null`; otherwise `read()`. */
export function unsetOr<T>(params: Params, key: string, read: () => T): T | null {
  if (!params.isEmpty(key)) return read();
  params.string(key);
  return null;
}

/** Reads `period[start]` and `period[end]`. */
export function readPeriod(params: Params): { start: number; end: number } | undefined {
  const period = params.object('period');
  if (period === undefined) return undefined;
  const out = { start: period.requiredInteger('start'), end: period.requiredInteger('end') };
  period.done();
  if (out.end < out.start)
    throw invalidParam('period[end]', 'The period end must be on or after its start.');
  return out;
}

/** A payment method the invoice's customer can be charged with (`default_payment_method`). */
export function customerPaymentMethod(
  world: World,
  customer: string,
  id: string,
  param: string,
): string {
  const method = world.get('payment_method', id, { param, noun: 'PaymentMethod' });
  if (method.customer !== customer) {
    throw invalidParam(
      param,
      `The PaymentMethod ${id} does not belong to the Customer ${customer}. Please use a PaymentMethod that belongs to this Customer.`,
    );
  }
  return method.id;
}

/**
 * `POST /v1/invoices`: a draft for a customer, checked in full (customer, subscription, due date
 * rules, payment method, currency, discounts) before `createInvoice` makes it.
 */
export function createRequest(world: World, params: Params): StripeRecord {
  const customerId = params.string('customer');
  const autoAdvance = params.boolean('auto_advance');
  const collection = params.enum('collection_method', COLLECTION) ?? 'charge_automatically';
  const currency = params.string('currency')?.toLowerCase();
  const daysUntilDue = params.integer('days_until_due', { min: 0, max: 3650 });
  const dueDate = params.integer('due_date');
  const description = params.string('description');
  const footer = params.string('footer');
  const discountSpecs: DiscountSpec[] | undefined =
    unsetOr(params, 'discounts', () => readDiscounts(params)) ?? undefined;
  const metadata = params.metadata();
  const pending =
    params.enum('pending_invoice_items_behavior', ['include', 'exclude'] as const) ?? 'exclude';
  const subscriptionId = params.string('subscription');
  const defaultPaymentMethod = params.string('default_payment_method');
  params.done();
  if (!customerId) throw missingParam('customer');
  const customer = world.get('customer', customerId, { param: 'customer' });
  if (currency !== undefined && !/^[a-z]{3}$/.test(currency))
    throw invalidParam('currency', `Invalid currency: ${currency}.`);
  if (
    collection === 'charge_automatically' &&
    (daysUntilDue !== undefined || dueDate !== undefined)
  ) {
    throw invalidParam(
      daysUntilDue === undefined ? 'due_date' : 'days_until_due',
      "Invoices with `collection_method=charge_automatically` can't have a due date; set `collection_method=send_invoice`.",
    );
  }
  if (daysUntilDue !== undefined && dueDate !== undefined) {
    throw invalidParam(
      'due_date',
      'You may only specify one of these parameters: days_until_due, due_date.',
    );
  }
  if (subscriptionId !== undefined) {
    const subscription = world.get('subscription', subscriptionId, { param: 'subscription' });
    if (subscription.customer !== customer.id) {
      throw invalidParam(
        'subscription',
        `The subscription ${subscriptionId} does not belong to the customer ${customer.id}.`,
      );
    }
  }
  const method = defaultPaymentMethod
    ? customerPaymentMethod(world, customer.id, defaultPaymentMethod, 'default_payment_method')
    : null;
  return createInvoice(world, {
    customer: customer.id,
    subscription: subscriptionId ?? null,
    billingReason: 'manual',
    collectionMethod: collection,
    daysUntilDue: daysUntilDue ?? null,
    dueDate: dueDate ?? null,
    ...(currency === undefined ? {} : { currency }),
    includePendingItems: pending === 'include',
    autoAdvance: autoAdvance ?? false,
    defaultPaymentMethod: method,
    description: description ?? null,
    footer: footer ?? null,
    metadata: mergeMetadata({}, metadata),
    ...(discountSpecs ? { discountSpecs } : {}),
  });
}

/**
 * `POST /v1/invoices/:id`: what a draft may change (collection, due date, discounts) and what
 * an open invoice still may (auto_advance, default payment method, description, footer,
 * metadata); everything is checked first, then one invoice.updated shows the changes.
 */
export function updateRequest(world: World, invoice: StripeRecord, params: Params): StripeRecord {
  const fields = {
    auto_advance: params.boolean('auto_advance'),
    collection_method: params.enum('collection_method', COLLECTION),
    days_until_due: params.integer('days_until_due', { min: 0, max: 3650 }),
    due_date: params.integer('due_date'),
    default_payment_method: unsetOr(params, 'default_payment_method', () =>
      params.string('default_payment_method'),
    ),
    description: params.string('description'),
    footer: params.string('footer'),
    discounts: unsetOr(params, 'discounts', () => readDiscounts(params)),
  };
  const metadata = params.metadata();
  params.done();
  const status = invoice.status as string;
  const draftOnly = ['collection_method', 'days_until_due', 'due_date', 'discounts'] as const;
  for (const key of draftOnly) {
    if (fields[key] !== undefined && status !== 'draft')
      throw invalidState("Finalized invoices can't be updated in this way", key);
  }
  if (fields.auto_advance !== undefined && (status === 'paid' || status === 'void')) {
    throw invalidState(
      `You can't change auto_advance on an invoice that is ${status}.`,
      'auto_advance',
    );
  }
  if (fields.default_payment_method !== undefined && status !== 'draft' && status !== 'open') {
    throw invalidState(
      `You can't change the default payment method of an invoice that is ${status}.`,
      'default_payment_method',
    );
  }
  const method = fields.default_payment_method
    ? customerPaymentMethod(
        world,
        invoice.customer as string,
        fields.default_payment_method,
        'default_payment_method',
      )
    : fields.default_payment_method;
  const collection = fields.collection_method ?? (invoice.collection_method as string);
  if (
    collection === 'charge_automatically' &&
    (fields.days_until_due !== undefined || fields.due_date !== undefined)
  ) {
    throw invalidParam(
      fields.days_until_due === undefined ? 'due_date' : 'days_until_due',
      "Invoices with `collection_method=charge_automatically` can't have a due date; set `collection_method=send_invoice`.",
    );
  }
  checkDiscountSpecs(world, fields.discounts ?? undefined, {
    param: 'discounts',
    currency: invoice.currency as string,
    customer: invoice.customer as string,
  });
  changeInvoice(world, invoice, () => {
    const at = world.timeFor(invoice.customer as string);
    if (fields.auto_advance !== undefined) invoice.auto_advance = fields.auto_advance;
    if (fields.description !== undefined) invoice.description = fields.description;
    if (fields.footer !== undefined) invoice.footer = fields.footer;
    if (metadata !== undefined)
      invoice.metadata = mergeMetadata(invoice.metadata as Record<string, string>, metadata);
    if (method !== undefined) invoice.default_payment_method = method;
    if (fields.collection_method !== undefined)
      invoice.collection_method = fields.collection_method;
    if (fields.days_until_due !== undefined)
      invoice.due_date = (invoice.created as number) + fields.days_until_due * SECONDS_PER_DAY;
    if (fields.due_date !== undefined) invoice.due_date = fields.due_date;
    if (invoice.collection_method === 'charge_automatically') invoice.due_date = null;
    else if (invoice.due_date === null)
      invoice.due_date = (invoice.created as number) + 30 * SECONDS_PER_DAY;
    if (fields.discounts !== undefined)
      invoice.discounts = invoiceDiscounts(world, invoice, fields.discounts, at);
  });
  return invoice;
}

/**
 * `DELETE /v1/invoices/:id`: deletes a draft that no subscription made, with the invoice items
 * on it (invoiceitem.deleted for each, then invoice.deleted).
 */
export function removeRequest(world: World, invoice: StripeRecord): StripeRecord {
  if (invoice.status !== 'draft') throw invalidState('You can only delete draft invoices.');
  if (invoice.parent !== null)
    throw invalidState("You can't delete invoices created by subscriptions; void them instead.");
  for (const line of linesOf(world, invoice.id)) {
    world.remove(line.id);
    const item = world.find(
      (line.parent as { invoice_item_details?: { invoice_item: string } } | null)
        ?.invoice_item_details?.invoice_item ?? '',
    );
    if (item && item.deleted !== true) {
      item.deleted = true;
      world.emit('invoiceitem.deleted', { ...item, deleted: undefined } as StripeRecord);
    }
  }
  invoice.deleted = true;
  world.emit('invoice.deleted', { ...invoice, deleted: undefined } as StripeRecord);
  return deletedObject(invoice);
}

/** `GET /v1/invoices`: filtered by customer, subscription, status, collection, created, due date. */
export function listRequest(world: World, params: Params): unknown {
  const customer = params.string('customer');
  const subscription = params.string('subscription');
  const status = params.enum('status', STATUSES);
  const collection = params.enum('collection_method', COLLECTION);
  const created = createdFilter(params);
  const due = createdFilter(params, 'due_date');
  const page = world.paginate(
    world
      .all('invoice')
      .filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (subscription === undefined ||
            (i.parent as { subscription_details?: { subscription?: string } } | null)
              ?.subscription_details?.subscription === subscription) &&
          (status === undefined || i.status === status) &&
          (collection === undefined || i.collection_method === collection) &&
          created(i.created as number) &&
          (params.kind('due_date') === 'absent' ||
            (typeof i.due_date === 'number' && due(i.due_date))),
      ),
    params,
    '/v1/invoices',
  );
  params.done();
  return page;
}
