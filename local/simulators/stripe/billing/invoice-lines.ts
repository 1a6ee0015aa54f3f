/**
 * Invoice lines: stored as `line_item` objects (one per subscription item billed or invoice item
 * pulled in), kept in the order they were added, as Stripe lists them. The invoice embeds the
 * first ten, with `has_more`, as Stripe does.
 */
import type Stripe from 'stripe';
import { resourceMissing } from '../errors.ts';
import { invoiceLineItemShape } from '../shapes/billing.ts';
import { idOf, listShape } from '../shapes/common.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { money } from './money.ts';

/** How many lines an invoice embeds in `lines`; the rest are on `GET /v1/invoices/:id/lines`. */
export const EMBEDDED_LINES = 10;

/** The invoice's lines, in the order they were added. */
export function linesOf(world: World, invoiceId: string): StripeRecord[] {
  return world.all('line_item').filter((line) => line.invoice === invoiceId);
}

/** A line of this invoice, or a 404 naming `param`. */
export function lineOf(
  world: World,
  invoice: StripeRecord,
  lineId: string,
  param = 'id',
): StripeRecord {
  const line = world.find(lineId);
  if (line === undefined || line.object !== 'line_item' || line.invoice !== invoice.id) {
    throw resourceMissing('invoice line item', lineId, param);
  }
  return line;
}

/** Refreshes the invoice's embedded page of lines. */
export function embedLines(world: World, invoice: StripeRecord): void {
  const lines = linesOf(world, invoice.id);
  invoice.lines = listShape(
    `/v1/invoices/${invoice.id}/lines`,
    lines.slice(0, EMBEDDED_LINES).map((line) => structuredClone(line)),
    lines.length > EMBEDDED_LINES,
  );
}

/** The invoice item a line bills, if it bills one. */
export function itemIdOfLine(line: StripeRecord): string | null {
  const parent = line.parent as {
    invoice_item_details?: { invoice_item: string } | null;
    subscription_item_details?: { invoice_item: string | null } | null;
  } | null;
  return (
    parent?.invoice_item_details?.invoice_item ??
    parent?.subscription_item_details?.invoice_item ??
    null
  );
}

/** The line an invoice item is billed on, if it is on an invoice. */
export function lineOfItem(world: World, itemId: string): StripeRecord | undefined {
  return world.all('line_item').find((line) => itemIdOfLine(line) === itemId);
}

function productName(world: World, price: StripeRecord): string {
  const product = world.find(idOf(price.product as string | { id: string }));
  return (product?.name as string | undefined) ?? (price.nickname as string | null) ?? price.id;
}

/** Stripe's description of a subscription line: `1 × Pro (at $20.00 / month)`. */
function describeSubscriptionLine(
  world: World,
  price: StripeRecord,
  quantity: number,
  trial: boolean,
): string {
  const name = productName(world, price);
  if (trial) return `Trial period for ${name}`;
  const recurring = price.recurring as { interval: string; interval_count: number } | null;
  const every =
    recurring === null
      ? ''
      : recurring.interval_count === 1
        ? ` / ${recurring.interval}`
        : ` every ${recurring.interval_count} ${recurring.interval}s`;
  return `${quantity} × ${name} (at ${money((price.unit_amount as number | null) ?? 0, price.currency as string)}${every})`;
}

/** One line a subscription puts on an invoice. */
export interface SubscriptionLineInput {
  subscription: string;
  subscriptionItem: string;
  price: string;
  quantity: number;
  period: { start: number; end: number };
  /** Discount ids (di_…) that apply to this line only. */
  discounts?: string[];
  /** A trial period's line: billed at 0 ("Trial period for …"), as Stripe's trial invoices. */
  trial?: boolean;
}

/** Adds the line of one subscription item for a period (a trial's line is billed at 0). */
export function addSubscriptionLine(
  world: World,
  invoice: StripeRecord,
  input: SubscriptionLineInput,
): StripeRecord {
  const price = world.get('price', input.price);
  const trial = input.trial === true;
  const subscription = world.find(input.subscription);
  return world.insert(
    invoiceLineItemShape({
      id: newId('il', 24),
      invoice: invoice.id,
      amount: trial ? 0 : ((price.unit_amount as number | null) ?? 0) * input.quantity,
      currency: invoice.currency as string,
      period: input.period,
      price: price as unknown as Stripe.Price,
      subscription_item: input.subscriptionItem,
      subscription: input.subscription,
      description: describeSubscriptionLine(world, price, input.quantity, trial),
      discounts: input.discounts ?? [],
      metadata: (subscription?.metadata as Stripe.Metadata | undefined) ?? {},
      quantity: input.quantity,
    }),
  );
}

/** Puts an invoice item on the invoice as a line (the item then belongs to the invoice). */
export function addItemLine(world: World, invoice: StripeRecord, item: StripeRecord): StripeRecord {
  item.invoice = invoice.id;
  const details = (
    item.parent as {
      subscription_details?: { subscription: string; subscription_item?: string };
    } | null
  )?.subscription_details;
  const line = invoiceLineItemShape({
    id: newId('il', 24),
    invoice: invoice.id,
    amount: item.amount as number,
    currency: item.currency as string,
    period: item.period as Stripe.InvoiceLineItem.Period,
    invoice_item: item.id,
    ...(details?.subscription_item === undefined
      ? {}
      : { subscription_item: details.subscription_item }),
    subscription: details?.subscription ?? null,
    proration: item.proration as boolean,
  });
  const stored = world.insert(line);
  syncItemLine(stored, item);
  return stored;
}

/** Copies what an invoice item and its line share onto the line. */
export function syncItemLine(line: StripeRecord, item: StripeRecord): void {
  Object.assign(line, {
    amount: item.amount,
    subtotal: item.amount,
    description: item.description,
    discountable: item.discountable,
    discounts: structuredClone(item.discounts),
    metadata: structuredClone(item.metadata),
    period: structuredClone(item.period),
    pricing: structuredClone(item.pricing),
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
  });
}
