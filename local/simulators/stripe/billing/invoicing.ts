/**
 * Invoicing: building invoices from lines (subscription items, invoice items, prorations),
 * discounts and third-party tax amounts; the draft → open → paid / void / uncollectible life
 * cycle; and paying through PaymentIntents (an invoice listens to its intent settling).
 *
 * CONTRACT (used by subscriptions, schedules and test clocks; implementation owned by the
 * invoicing module):
 */
import type { StripeRecord, World } from '../world.ts';

/** One line a subscription puts on an invoice. */
export interface SubscriptionLineInput {
  subscription: string;
  subscriptionItem: string;
  price: string;
  quantity: number;
  period: { start: number; end: number };
  /** Discount ids (di_…) that apply to this line only. */
  discounts?: string[];
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
}

/** Creates a draft invoice with its lines and totals; emits invoice.created. */
export function createInvoice(world: World, input: CreateInvoiceInput): StripeRecord {
  void world;
  void input;
  throw new Error('not implemented');
}

/**
 * Finalizes a draft (number, hosted URL, PDF, due date; invoice.finalized). A zero-amount
 * invoice is paid at once; otherwise a PaymentIntent is created for `amount_due`.
 */
export function finalizeInvoice(world: World, invoice: StripeRecord): void {
  void world;
  void invoice;
  throw new Error('not implemented');
}

/**
 * Attempts to collect an open invoice with the given payment method, else the invoice's, the
 * subscription's or the customer's default. Paid, processing (ACH), or failed
 * (invoice.payment_failed, attempt_count + 1, next_payment_attempt set for automatic retries).
 * `paidOutOfBand` marks it paid without a payment.
 */
export function payInvoice(
  world: World,
  invoice: StripeRecord,
  input: { paymentMethod?: string | null; paidOutOfBand?: boolean; offSession?: boolean },
): { outcome: 'paid' | 'processing' | 'failed'; error?: { code: string; declineCode?: string; message: string } } {
  void world;
  void invoice;
  void input;
  throw new Error('not implemented');
}

/** Voids an open invoice (invoice.voided), cancelling its open PaymentIntent. */
export function voidInvoice(world: World, invoice: StripeRecord): void {
  void world;
  void invoice;
  throw new Error('not implemented');
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
  },
): StripeRecord {
  void world;
  void input;
  throw new Error('not implemented');
}
