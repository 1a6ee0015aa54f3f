/**
 * Rows of the billing objects: invoices with their lines, subscriptions with their items, credit
 * notes. Fields read at the hub's API version first and at older ones after (`parent.…` since
 * 2025-03-31, top-level before), so older events map too.
 */
import { type Fields, MappingError, Reader, type Row } from './mapping-fields.ts';

/** Which event a row comes from: its version for ordering, and whether it deletes the object. */
export interface Version {
  eventId: string;
  /** The event's `created`, Unix seconds: the version the loader orders by. */
  eventCreated: number;
  deleted: boolean;
  deletedAt: number | null;
}

/** The columns every model row ends with (`loaded_at` is set by the loader's SQL). */
export function versionColumns(version: Version): Row {
  return { event_id: version.eventId, event_created: version.eventCreated };
}

/** The soft-delete columns of an entity row. */
export function softDelete(version: Version): Row {
  return { deleted: version.deleted, deleted_at: version.deleted ? version.deletedAt : null };
}

function idOf(item: Reader, what: string): string {
  const id = item.text('id');
  if (id === null)
    throw new MappingError(`A ${what} has no id: it cannot be keyed in the warehouse.`);
  return id;
}

export function invoiceRow(o: Reader, version: Version): Row {
  const taxes = o.raw('total_taxes');
  const taxSum = Array.isArray(taxes)
    ? taxes.reduce<number>(
        (sum, t, i) => sum + (new Reader(t as Fields, `total_taxes[${i}]`).int('amount') ?? 0),
        0,
      )
    : null;
  return {
    id: o.text('id'),
    customer_id: o.id('customer'),
    subscription_id: o.id('parent.subscription_details.subscription', 'subscription'),
    number: o.text('number'),
    status: o.text('status'),
    billing_reason: o.text('billing_reason'),
    collection_method: o.text('collection_method'),
    currency: o.currency('currency'),
    amount_due: o.int('amount_due'),
    amount_paid: o.int('amount_paid'),
    amount_remaining: o.int('amount_remaining'),
    subtotal: o.int('subtotal'),
    tax: o.int('tax') ?? taxSum,
    total: o.int('total'),
    created: o.time('created'),
    due_date: o.time('due_date'),
    period_start: o.time('period_start'),
    period_end: o.time('period_end'),
    finalized_at: o.time('status_transitions.finalized_at'),
    paid_at: o.time('status_transitions.paid_at'),
    voided_at: o.time('status_transitions.voided_at'),
    marked_uncollectible_at: o.time('status_transitions.marked_uncollectible_at'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}

/** An invoice's lines, numbered in Stripe's order from 1. */
export function invoiceLineRows(
  invoice: Reader,
  lines: readonly Fields[],
  version: Version,
): Row[] {
  const invoiceId = invoice.text('id');
  const customerId = invoice.id('customer');
  return lines.map((fields, i) => {
    const l = new Reader(fields, `invoice ${invoiceId} line ${i + 1}`);
    const id = idOf(l, 'invoice line');
    const isInvoiceItem = l.text('type') === 'invoiceitem';
    return {
      id,
      invoice_id: invoiceId,
      line_number: i + 1,
      customer_id: customerId,
      subscription_id: l.id(
        'parent.subscription_item_details.subscription',
        'parent.invoice_item_details.subscription',
        'subscription',
      ),
      subscription_item_id: l.id(
        'parent.subscription_item_details.subscription_item',
        'subscription_item',
      ),
      invoice_item_id:
        l.id('parent.invoice_item_details.invoice_item', 'invoice_item') ??
        (isInvoiceItem ? id : null),
      price_id: l.id('pricing.price_details.price', 'price', 'plan'),
      product_id: l.id('pricing.price_details.product', 'price.product', 'plan.product'),
      description: l.text('description'),
      amount: l.int('amount'),
      currency: l.currency('currency'),
      quantity: l.int('quantity'),
      period_start: l.time('period.start'),
      period_end: l.time('period.end'),
      proration: l.bool(
        'parent.subscription_item_details.proration',
        'parent.invoice_item_details.proration',
        'proration',
      ),
      ...versionColumns(version),
    };
  });
}

export function subscriptionRow(o: Reader, version: Version): Row {
  const items = o
    .list('items')
    .data.map((item, i) => new Reader(item, `subscription item ${i + 1}`));
  // Since 2025-03-31 the billing period is per item; the subscription's is their earliest.
  const earliest = (field: string) =>
    items.reduce<number | null>((min, item) => {
      const value = item.time(field);
      return value === null ? min : min === null ? value : Math.min(min, value);
    }, null);
  return {
    id: o.text('id'),
    customer_id: o.id('customer'),
    status: o.text('status'),
    currency: o.currency('currency', 'plan.currency'),
    collection_method: o.text('collection_method'),
    cancel_at_period_end: o.bool('cancel_at_period_end'),
    start_date: o.time('start_date'),
    current_period_start: o.time('current_period_start') ?? earliest('current_period_start'),
    current_period_end: o.time('current_period_end') ?? earliest('current_period_end'),
    trial_start: o.time('trial_start'),
    trial_end: o.time('trial_end'),
    cancel_at: o.time('cancel_at'),
    canceled_at: o.time('canceled_at'),
    ended_at: o.time('ended_at'),
    created: o.time('created'),
    latest_invoice_id: o.id('latest_invoice'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}

/** A subscription's items with their price, as the subscription lists them. */
export function subscriptionItemRows(
  subscription: Reader,
  items: readonly Fields[],
  version: Version,
): Row[] {
  const subscriptionId = subscription.text('id');
  const customerId = subscription.id('customer');
  return items.map((fields, i) => {
    const item = new Reader(fields, `subscription ${subscriptionId} item ${i + 1}`);
    return {
      id: idOf(item, 'subscription item'),
      subscription_id: subscriptionId,
      customer_id: customerId,
      price_id: item.id('price', 'plan'),
      product_id: item.id('price.product', 'plan.product'),
      quantity: item.int('quantity'),
      unit_amount: item.int('price.unit_amount', 'plan.amount'),
      currency: item.currency('price.currency', 'plan.currency'),
      recurring_interval: item.text('price.recurring.interval', 'plan.interval'),
      recurring_interval_count: item.int('price.recurring.interval_count', 'plan.interval_count'),
      created: item.time('created'),
      current_period_start:
        item.time('current_period_start') ?? subscription.time('current_period_start'),
      current_period_end:
        item.time('current_period_end') ?? subscription.time('current_period_end'),
      ...versionColumns(version),
    };
  });
}

export function creditNoteRow(o: Reader, version: Version): Row {
  return {
    id: o.text('id'),
    invoice_id: o.id('invoice'),
    customer_id: o.id('customer'),
    number: o.text('number'),
    status: o.text('status'),
    type: o.text('type'),
    reason: o.text('reason'),
    currency: o.currency('currency'),
    amount: o.int('amount'),
    subtotal: o.int('subtotal'),
    total: o.int('total'),
    pre_payment_amount: o.int('pre_payment_amount'),
    post_payment_amount: o.int('post_payment_amount'),
    out_of_band_amount: o.int('out_of_band_amount'),
    created: o.time('created'),
    effective_at: o.time('effective_at'),
    voided_at: o.time('voided_at'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}
