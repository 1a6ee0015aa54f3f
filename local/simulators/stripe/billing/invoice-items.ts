/**
 * Invoice items: pending charges (or credits, prorations) that the customer's next invoice pulls
 * in, or that sit on a draft invoice as a line. An item on a finalized invoice is frozen.
 */
import type Stripe from 'stripe';
import { invalidState } from '../errors.ts';
import { deletedObject } from '../resources/common.ts';
import { invoiceItemShape } from '../shapes/billing-items.ts';
import { idOf } from '../shapes/common.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { checkCurrency, claimCurrency } from './currency.ts';
import { createDiscounts, type DiscountSpec } from './discounts.ts';
import { addItemLine, lineOfItem, syncItemLine } from './invoice-lines.ts';
import { changeInvoice } from './invoice-totals.ts';

/** What a new invoice item is made of (`createInvoiceItem`, `POST /v1/invoiceitems`, add_lines). */
export interface InvoiceItemInput {
  customer: string;
  amount?: number;
  price?: string;
  quantity?: number;
  currency: string;
  description?: string | null;
  period: { start: number; end: number };
  proration?: boolean;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoice?: string | null;
  discounts?: string[];
  metadata?: Record<string, string>;
  /** Discounts to create for the item (`discounts[][coupon|promotion_code|discount]`). */
  discountSpecs?: DiscountSpec[];
  discountable?: boolean;
}

/** The unit price of an item billed at `amount` for `quantity` (a decimal string). */
function unitDecimal(amount: number, quantity: number): string {
  return String(quantity === 0 ? amount : Math.round((amount / quantity) * 1e12) / 1e12);
}

/** What an item's `pricing` says for a price billed at `amount` (a proration's share, say). */
function pricingFor(
  price: StripeRecord | undefined,
  amount: number,
  quantity: number,
): Stripe.InvoiceItem.Pricing | null {
  if (price === undefined) return null;
  return {
    price_details: { price: price.id, product: idOf(price.product as string) },
    type: 'price_details',
    unit_amount_decimal: unitDecimal(amount, quantity) as unknown as Stripe.Decimal,
  };
}

/** A product's name, the default description of an item billing one of its prices. */
function productName(world: World, price: StripeRecord | undefined): string | null {
  if (price === undefined) return null;
  return (world.find(idOf(price.product as string))?.name as string | undefined) ?? null;
}

/** Whether to recompute the item's invoice and emit invoice.updated (off when batching lines). */
export interface SyncOption {
  syncInvoice?: boolean;
}

/**
 * Creates an invoice item (invoiceitem.created), put on `invoice` if a draft is given. The
 * customer's first item fixes the customer's currency (customer.updated); an item in another
 * currency is refused with a 400 before anything is created.
 */
export function createItem(
  world: World,
  input: InvoiceItemInput,
  options: SyncOption = {},
): StripeRecord {
  const customer = world.get('customer', input.customer, { param: 'customer' });
  const price = input.price
    ? world.get('price', input.price, { param: 'pricing[price]' })
    : undefined;
  const invoice = input.invoice
    ? world.get('invoice', input.invoice, { param: 'invoice' })
    : undefined;
  if (invoice !== undefined && invoice.status !== 'draft') {
    throw invalidState('You can only add invoice items to draft invoices.', 'invoice');
  }
  const currency = { customer: customer.id, currency: input.currency, param: 'currency' };
  checkCurrency(world, currency);
  const quantity = input.quantity ?? 1;
  const amount = input.amount ?? ((price?.unit_amount as number | null) ?? 0) * quantity;
  const proration = input.proration ?? false;
  const discountable = input.discountable ?? (!proration && amount >= 0);
  const at = world.timeFor(customer.id);
  const id = newId('ii', 24);
  const discounts = [
    ...(input.discounts ?? []),
    ...(input.discountSpecs
      ? createDiscounts(
          world,
          input.discountSpecs,
          { customer: customer.id, invoiceItem: id, invoice: invoice?.id ?? null },
          { at, param: 'discounts', currency: input.currency },
        )
      : []),
  ];
  claimCurrency(world, currency);
  const item = world.insert(
    invoiceItemShape({
      id,
      date: at,
      customer: customer.id,
      currency: input.currency,
      amount,
      ...(input.subscription ? { subscription: input.subscription } : {}),
      ...(input.subscription && input.subscriptionItem
        ? { subscription_item: input.subscriptionItem }
        : {}),
      description: input.description ?? productName(world, price),
      discountable,
      discounts,
      metadata: input.metadata ?? {},
      net_amount: discountable ? undefined : amount,
      period: input.period,
      pricing: pricingFor(price, amount, quantity),
      proration,
      quantity,
      test_clock: (customer.test_clock as string | null) ?? null,
    }),
  );
  if (discountable) item.net_amount = null;
  if (invoice !== undefined) item.invoice = invoice.id;
  world.emit('invoiceitem.created', item);
  if (invoice === undefined) return item;
  if (options.syncInvoice === false) addItemLine(world, invoice, item);
  else changeInvoice(world, invoice, () => addItemLine(world, invoice, item));
  return item;
}

/** The draft invoice an item is on, or a 400 if that invoice is finalized. */
export function editableInvoice(world: World, item: StripeRecord): StripeRecord | undefined {
  if (typeof item.invoice !== 'string') return undefined;
  const invoice = world.find(item.invoice);
  if (invoice !== undefined && invoice.status !== 'draft') {
    throw invalidState(
      `The invoice item ${item.id} is on invoice ${invoice.id}, which is no longer a draft, and can no longer be changed.`,
    );
  }
  return invoice;
}

/** What an item update may change; `price` re-prices it, `amount` sets the total. */
export interface ItemChanges {
  amount?: number;
  price?: StripeRecord;
  quantity?: number;
  description?: string;
  discountable?: boolean;
  discounts?: string[];
  discountSpecs?: DiscountSpec[];
  metadata?: Record<string, string>;
  period?: { start: number; end: number };
}

/**
 * Updates an item and its line on a draft invoice (invoice.updated). Stripe has no
 * `invoiceitem.updated` event: a change shows only through the invoice it is on.
 */
export function updateItem(
  world: World,
  item: StripeRecord,
  changes: ItemChanges,
  options: SyncOption = {},
): StripeRecord {
  const invoice = editableInvoice(world, item);
  const quantity = changes.quantity ?? (item.quantity as number);
  const details = (item.pricing as { price_details?: { price: string } } | null)?.price_details;
  const price = changes.price ?? (details ? world.find(details.price) : undefined);
  const repriced =
    changes.price !== undefined ||
    (changes.quantity !== undefined && changes.amount === undefined && price);
  const amount =
    changes.amount ??
    (repriced ? ((price?.unit_amount as number | null) ?? 0) * quantity : (item.amount as number));
  const at = world.timeFor(item.customer as string);
  const discounts =
    changes.discountSpecs === undefined
      ? changes.discounts
      : createDiscounts(
          world,
          changes.discountSpecs,
          { customer: item.customer as string, invoiceItem: item.id, invoice: invoice?.id ?? null },
          { at, param: 'discounts', currency: item.currency as string },
        );
  const discountable = changes.discountable ?? (item.discountable as boolean);
  const previous: Record<string, unknown> = {};
  const next: Record<string, unknown> = {
    amount,
    quantity,
    quantity_decimal: String(quantity),
    pricing: price === undefined ? item.pricing : pricingFor(price, amount, quantity),
    description: changes.description,
    discountable,
    discounts,
    metadata: changes.metadata,
    period: changes.period,
    net_amount: discountable ? null : amount,
  };
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined || JSON.stringify(item[key]) === JSON.stringify(value)) continue;
    previous[key] = item[key] ?? null;
    item[key] = JSON.parse(JSON.stringify(value));
  }
  if (Object.keys(previous).length === 0) return item;
  const line = lineOfItem(world, item.id);
  if (invoice === undefined || line === undefined) return item;
  if (options.syncInvoice === false) syncItemLine(line, item);
  else changeInvoice(world, invoice, () => syncItemLine(line, item));
  return item;
}

/** Deletes an item (invoiceitem.deleted), taking its line off its draft invoice. */
export function deleteItem(
  world: World,
  item: StripeRecord,
  options: SyncOption = {},
): StripeRecord {
  const invoice = editableInvoice(world, item);
  item.deleted = true;
  world.emit('invoiceitem.deleted', { ...item, deleted: undefined } as StripeRecord);
  const line = lineOfItem(world, item.id);
  if (invoice !== undefined && line !== undefined) {
    if (options.syncInvoice === false) world.remove(line.id);
    else changeInvoice(world, invoice, () => world.remove(line.id));
  }
  return deletedObject(item);
}

/**
 * Takes an item off its draft invoice: it is pending again. No event of its own; the caller's
 * invoice.updated shows the line gone.
 */
export function unassignItem(world: World, item: StripeRecord): void {
  const line = lineOfItem(world, item.id);
  if (line !== undefined) world.remove(line.id);
  item.invoice = null;
}
