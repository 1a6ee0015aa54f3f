/**
 * Invoicing: building invoices from lines (subscription items, invoice items, prorations),
 * discounts and third-party tax amounts; the draft → open → paid / void / uncollectible life
 * cycle; and paying through PaymentIntents (an invoice listens to its intent settling).
 *
 * CONTRACT (used by subscriptions, schedules and test clocks; implementation owned by the
 * invoicing module). The work is split over `invoice-*.ts`: lines, totals, taxes, items,
 * payments, life cycle, line updates and credit notes.
 */
import type Stripe from 'stripe';
import { invoiceShape } from '../shapes/billing.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { createDiscounts, type DiscountSpec, discountActive } from './discounts.ts';
import { createItem } from './invoice-items.ts';
import { customerDetails, finalize, pay, voidIt } from './invoice-lifecycle.ts';
import { addItemLine, addSubscriptionLine } from './invoice-lines.ts';
import { recompute } from './invoice-totals.ts';

const DAY = 86_400;

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

export interface CreateInvoiceInput {
  customer: string;
  /** Set for subscription invoices; its discounts (di_…) apply to every line. */
  subscription?: string | null;
  billingReason:
    | 'manual'
    | 'subscription_create'
    | 'subscription_cycle'
    | 'subscription_update'
    | 'subscription_threshold';
  collectionMethod?: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number | null;
  currency?: string;
  /** Lines for the subscription's items (amount = unit amount × quantity). */
  lines?: SubscriptionLineInput[];
  /** Whether pending invoice items of the customer (for `subscription`, if set) are pulled in. */
  includePendingItems: boolean;
  /** Invoice-level discount ids (di_…) besides the subscription's. */
  discounts?: string[];
  periodStart?: number;
  periodEnd?: number;
  autoAdvance?: boolean;
  defaultPaymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** The time the invoice is created at (the customer's test clock time, or now). */
  at?: number;
  /** For `send_invoice`: the due date itself, instead of `daysUntilDue`. */
  dueDate?: number | null;
  footer?: string | null;
  /** Invoice-level discounts to create for the invoice (`discounts[][coupon|…]`). */
  discountSpecs?: DiscountSpec[];
}

/** The subscription's discounts that apply now (a `once` coupon only to its first invoice). */
function subscriptionDiscounts(
  world: World,
  subscription: StripeRecord | undefined,
  at: number,
): string[] {
  if (subscription === undefined) return [];
  const billedBefore = world
    .all('invoice')
    .filter(
      (i) =>
        (i.parent as { subscription_details?: { subscription?: string } } | null)
          ?.subscription_details?.subscription === subscription.id,
    )
    .flatMap((i) => i.discounts as string[]);
  return ((subscription.discounts as (string | { id: string })[] | undefined) ?? [])
    .map((d) => (typeof d === 'string' ? d : d.id))
    .filter((id) => {
      if (!discountActive(world, id, at)) return false;
      const coupon = world.find(
        (world.find(id)?.source as { coupon?: string } | undefined)?.coupon ?? '',
      );
      return !(coupon?.duration === 'once' && billedBefore.includes(id));
    });
}

/** Whether a pending invoice item belongs to this subscription. */
function itemSubscription(item: StripeRecord): string | null {
  return (
    (item.parent as { subscription_details?: { subscription?: string } } | null)
      ?.subscription_details?.subscription ?? null
  );
}

/** Creates a draft invoice with its lines and totals; emits invoice.created. */
export function createInvoice(world: World, input: CreateInvoiceInput): StripeRecord {
  const customer = world.get('customer', input.customer, { param: 'customer' });
  const at = input.at ?? world.timeFor(customer.id);
  const subscription = input.subscription
    ? world.get('subscription', input.subscription, { param: 'subscription' })
    : undefined;
  const pending = input.includePendingItems
    ? world
        .all('invoiceitem')
        .filter((i) => i.customer === customer.id && i.invoice === null)
        .filter((i) => subscription === undefined || itemSubscription(i) === subscription.id)
    : [];
  const currency =
    input.currency ??
    (customer.currency as string | null) ??
    (pending[0]?.currency as string | undefined) ??
    'usd';
  const collection = input.collectionMethod ?? 'charge_automatically';
  const id = newId('in', 24);
  const discounts = [
    ...subscriptionDiscounts(world, subscription, at),
    ...(input.discounts ?? []),
    ...(input.discountSpecs
      ? createDiscounts(
          world,
          input.discountSpecs,
          { customer: customer.id, invoice: id },
          { at, param: 'discounts' },
        )
      : []),
  ];
  const customerDiscount = (customer.discount as { id?: string } | null)?.id;
  if (discounts.length === 0 && customerDiscount && discountActive(world, customerDiscount, at))
    discounts.push(customerDiscount);
  const invoice = world.insert(
    invoiceShape({
      id,
      created: at,
      customer: customer.id,
      currency,
      ...customerDetails(customer),
      billing_reason: input.billingReason,
      collection_method: collection,
      auto_advance: input.autoAdvance ?? subscription !== undefined,
      subscription: subscription?.id ?? null,
      ...(subscription ? { subscription_metadata: subscription.metadata as Stripe.Metadata } : {}),
      default_payment_method: input.defaultPaymentMethod ?? null,
      description: input.description ?? null,
      footer: input.footer ?? null,
      metadata: input.metadata ?? {},
      discounts,
      period_start: input.periodStart ?? at,
      period_end: input.periodEnd ?? at,
      due_date:
        collection === 'send_invoice'
          ? (input.dueDate ?? at + (input.daysUntilDue ?? 30) * DAY)
          : null,
      test_clock: (customer.test_clock as string | null) ?? null,
    }),
  );
  for (const item of pending.filter((i) => i.currency === currency))
    addItemLine(world, invoice, item);
  for (const line of input.lines ?? []) addSubscriptionLine(world, invoice, line);
  recompute(world, invoice);
  world.emit('invoice.created', invoice);
  return invoice;
}

/**
 * Finalizes a draft (number, hosted URL, PDF, due date; invoice.finalized). A zero-amount
 * invoice is paid at once; otherwise a PaymentIntent is created for `amount_due`.
 */
export function finalizeInvoice(world: World, invoice: StripeRecord): void {
  finalize(world, invoice);
}

/**
 * Attempts to collect an open invoice with the given payment method, else the invoice's, the
 * subscription's or the customer's default. Paid, processing (ACH), or failed
 * (invoice.payment_failed, attempt_count + 1, next_payment_attempt set for automatic retries).
 * `paidOutOfBand` marks it paid without a payment. A draft is finalized first. `manual` (an API
 * request) keeps `attempt_count` after the first attempt, as Stripe counts only automatic retries.
 */
export function payInvoice(
  world: World,
  invoice: StripeRecord,
  input: {
    paymentMethod?: string | null;
    paidOutOfBand?: boolean;
    offSession?: boolean;
    manual?: boolean;
  },
): {
  outcome: 'paid' | 'processing' | 'failed';
  error?: { code: string; declineCode?: string; message: string };
} {
  return pay(world, invoice, input);
}

/** Voids an open invoice (invoice.voided), cancelling its open PaymentIntent. */
export function voidInvoice(world: World, invoice: StripeRecord): void {
  voidIt(world, invoice);
}

/**
 * Creates a pending invoice item (invoiceitem.created), e.g. a proration, to be pulled into
 * the customer's next invoice (or `invoice`'s, if a draft is given).
 */
export function createInvoiceItem(
  world: World,
  input: {
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
  },
): StripeRecord {
  return createItem(world, input);
}
