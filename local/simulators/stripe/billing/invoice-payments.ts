/**
 * How an invoice is paid: its `invoice_payment` objects (one per PaymentIntent collecting it),
 * the payment method an attempt uses, and what the invoice does when its intent succeeds, fails
 * or starts processing (it listens to payment_intent.* events, as Stripe's invoices do).
 */
import { registerIncludable } from '../expand.ts';
import { applyChanges } from '../resources/common.ts';
import { customerBalanceTransactionShape } from '../shapes/billing-extras.ts';
import { invoicePaymentShape } from '../shapes/billing-items.ts';
import { listShape } from '../shapes/common.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import type { PaymentIntentRecord } from './charges.ts';
import { testTokenType } from './instruments.ts';
import {
  checkPaymentMethodFor,
  compatibleTypes,
  DASHBOARD_PAYMENT_METHOD_TYPES,
} from './intent-rules.ts';
import { recompute } from './invoice-totals.ts';
import { cancelPaymentIntent, createPaymentIntent } from './payments.ts';
import { SECONDS_PER_DAY } from './time.ts';

/**
 * Days from a failed attempt to the next automatic one, by attempt number: a fixed version of
 * Stripe's retry schedule (four attempts in all, as the renewals module counts them).
 */
export const RETRY_DAYS = [3, 5, 7];

/** The invoice's payments, oldest first. */
export function paymentsOf(world: World, invoiceId: string): StripeRecord[] {
  return world.all('invoice_payment').filter((p) => p.invoice === invoiceId);
}

/**
 * Registers `payments` on invoices as includable: Stripe renders it only when expanded
 * (`expand[]=payments`, `latest_invoice.payments`, `data.payments`), as the list of its payments.
 */
export function includePayments(world: World): void {
  registerIncludable(world, 'invoice.payments', (w, invoice) =>
    listShape(`/v1/invoices/${invoice.id}/payments`, paymentsOf(w, invoice.id)),
  );
}

/** The payment still collecting the invoice, if any. */
export function openPayment(world: World, invoiceId: string): StripeRecord | undefined {
  return paymentsOf(world, invoiceId).find((p) => p.status === 'open');
}

/** The PaymentIntent of an invoice payment. */
export function intentOf(world: World, payment: StripeRecord): StripeRecord | undefined {
  const id = (payment.payment as { payment_intent?: string }).payment_intent;
  return id === undefined ? undefined : world.find(id);
}

/**
 * The invoice a PaymentIntent collects, with its payment record: how an invoice follows its
 * intent, and how the PaymentIntent API refuses to cancel an intent that an invoice owns.
 */
export function invoiceOfIntent(
  world: World,
  intentId: string,
): { invoice: StripeRecord; payment: StripeRecord } | undefined {
  const payment = world
    .all('invoice_payment')
    .find((p) => (p.payment as { payment_intent?: string }).payment_intent === intentId);
  const invoice = payment === undefined ? undefined : world.find(payment.invoice as string);
  return payment && invoice ? { invoice, payment } : undefined;
}

/** The subscription an invoice bills, if any (from `parent.subscription_details`). */
export function subscriptionOf(world: World, invoice: StripeRecord): StripeRecord | undefined {
  const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
  const id = parent?.subscription_details?.subscription;
  return id === undefined ? undefined : world.find(id);
}

/** The payment method Stripe charges: the invoice's, the subscription's, else the customer's default. */
export function defaultPaymentMethod(world: World, invoice: StripeRecord): string | null {
  if (typeof invoice.default_payment_method === 'string') return invoice.default_payment_method;
  const fromSubscription = subscriptionOf(world, invoice)?.default_payment_method;
  if (typeof fromSubscription === 'string') return fromSubscription;
  const customer = world.find(invoice.customer as string);
  const settings = customer?.invoice_settings as
    | { default_payment_method?: string | null }
    | undefined;
  return settings?.default_payment_method ?? null;
}

/**
 * The payment method types an invoice's PaymentIntent accepts: with no
 * `payment_settings[payment_method_types]`, Stripe offers every type turned on in the Dashboard
 * that can pay in the invoice's currency.
 */
function invoiceTypes(invoice: StripeRecord): string[] {
  return compatibleTypes(DASHBOARD_PAYMENT_METHOD_TYPES, invoice.currency as string);
}

/**
 * Refuses (Stripe's 400/404, nothing changed) a payment method the invoice cannot be paid with:
 * unknown, of a type the invoice does not accept, another customer's, or spent. Run before a
 * draft is finalized for payment, so a bad `payment_method` leaves the draft as it was.
 */
export function checkInvoicePaymentMethod(
  world: World,
  invoice: StripeRecord,
  methodId: string,
): void {
  const payment = openPayment(world, invoice.id);
  const intent = (payment === undefined ? undefined : intentOf(world, payment)) ?? {
    id: '',
    object: 'payment_intent',
    currency: invoice.currency,
    customer: invoice.customer,
    payment_method_types: invoiceTypes(invoice),
  };
  const tokenType = testTokenType(methodId);
  const method =
    tokenType === undefined
      ? world.get('payment_method', methodId, { param: 'payment_method', noun: 'PaymentMethod' })
      : { id: methodId, object: 'payment_method', type: tokenType, customer: null };
  checkPaymentMethodFor(world, intent as PaymentIntentRecord, method);
}

/** Opens a PaymentIntent for what is due, recorded as the invoice's `invoice_payment`. */
export function openIntent(world: World, invoice: StripeRecord, at: number): StripeRecord {
  const reason = invoice.billing_reason as string;
  const intent = createPaymentIntent(world, {
    amount: invoice.amount_due as number,
    currency: invoice.currency as string,
    customer: invoice.customer as string,
    description:
      reason === 'subscription_create'
        ? 'Subscription creation'
        : reason.startsWith('subscription')
          ? 'Subscription update'
          : `Invoice ${invoice.number as string}`,
    paymentMethodTypes: invoiceTypes(invoice),
  });
  return world.insert(
    invoicePaymentShape({
      id: newId('inpay', 24),
      created: at,
      invoice: invoice.id,
      currency: invoice.currency as string,
      amount_requested: invoice.amount_due as number,
      payment_intent: intent.id,
    }),
  );
}

/** Keeps the open intent asking for what is left (a credit note lowered or raised it). */
export function syncIntentAmount(world: World, invoice: StripeRecord): void {
  const payment = openPayment(world, invoice.id);
  const intent = payment === undefined ? undefined : intentOf(world, payment);
  if (payment === undefined || intent === undefined) return;
  if (
    intent.status === 'succeeded' ||
    intent.status === 'canceled' ||
    intent.status === 'processing'
  )
    return;
  intent.amount = invoice.amount_remaining;
  payment.amount_requested = invoice.amount_remaining;
}

/** Cancels the open intent of an invoice that no longer needs it (voided, paid another way). */
export function closeOpenPayment(
  world: World,
  invoice: StripeRecord,
  at: number,
  reason?: string,
): void {
  const payment = openPayment(world, invoice.id);
  if (payment === undefined) return;
  const intent = intentOf(world, payment);
  if (intent && intent.status !== 'succeeded' && intent.status !== 'canceled') {
    cancelPaymentIntent(world, intent, reason);
  }
  payment.status = 'canceled';
  (payment.status_transitions as Record<string, unknown>).canceled_at = at;
}

/** Records a change of the customer's balance made by an invoice or credit note. */
export function changeBalance(
  world: World,
  customerId: string,
  change: {
    amount: number;
    currency: string;
    type: string;
    invoice?: string | null;
    creditNote?: string | null;
    at: number;
  },
): StripeRecord | undefined {
  const customer = world.find(customerId);
  if (customer === undefined || change.amount === 0) return undefined;
  const ending = (customer.balance as number) + change.amount;
  const transaction = world.insert(
    customerBalanceTransactionShape({
      id: newId('cbtxn', 24),
      created: change.at,
      customer: customerId,
      currency: change.currency,
      amount: change.amount,
      ending_balance: ending,
      type: change.type,
      invoice: change.invoice ?? null,
      credit_note: change.creditNote ?? null,
    }),
  );
  applyChanges(world, customer, { balance: ending }, 'customer.updated');
  return transaction;
}

/**
 * Marks an invoice paid: by its intent's payment (invoice_payment.paid, invoice.paid,
 * invoice.payment_succeeded), outside Stripe (invoice.paid) or with nothing due.
 */
export function markPaid(
  world: World,
  invoice: StripeRecord,
  options: { at: number; payment?: StripeRecord; amount?: number; outOfBand?: boolean },
): void {
  if (options.payment !== undefined) {
    options.payment.status = 'paid';
    options.payment.amount_paid = options.amount ?? options.payment.amount_requested;
    (options.payment.status_transitions as Record<string, unknown>).paid_at = options.at;
    world.emit('invoice_payment.paid', options.payment);
  }
  const paid =
    options.payment !== undefined
      ? (options.amount ?? 0)
      : options.outOfBand
        ? (invoice.amount_remaining as number)
        : 0;
  invoice.amount_paid = (invoice.amount_paid as number) + paid;
  invoice.status = 'paid';
  invoice.attempted = true;
  invoice.next_payment_attempt = null;
  (invoice.status_transitions as Record<string, unknown>).paid_at = options.at;
  recompute(world, invoice);
  world.emit('invoice.paid', invoice);
  if (options.outOfBand !== true) world.emit('invoice.payment_succeeded', invoice);
}

/** When the next automatic attempt is, after a failed one (none when Stripe would not retry). */
export function nextAttempt(invoice: StripeRecord, at: number): number | null {
  if (invoice.collection_method !== 'charge_automatically' || invoice.auto_advance !== true)
    return null;
  const days = RETRY_DAYS[(invoice.attempt_count as number) - 1];
  return days === undefined ? null : at + days * SECONDS_PER_DAY;
}

/** A failed attempt: the next one scheduled, invoice.payment_failed. */
export function attemptFailed(world: World, invoice: StripeRecord): void {
  invoice.next_payment_attempt = nextAttempt(invoice, world.timeFor(invoice.customer as string));
  world.emit('invoice.payment_failed', invoice);
}

/** Registers how invoices follow their PaymentIntents. */
export function followPaymentIntents(world: World): void {
  world.listen('payment_intent.succeeded', (intent) => {
    const found = invoiceOfIntent(world, intent.id);
    if (found === undefined || found.payment.status !== 'open') return;
    if (found.invoice.status !== 'open' && found.invoice.status !== 'uncollectible') return;
    const amount = (intent.amount_received as number | undefined) || (intent.amount as number);
    markPaid(world, found.invoice, {
      at: world.timeFor(found.invoice.customer as string),
      payment: found.payment,
      amount,
    });
  });
  world.listen('payment_intent.payment_failed', (intent) => {
    const found = invoiceOfIntent(world, intent.id);
    if (found === undefined || found.invoice.status !== 'open') return;
    found.invoice.attempted = true;
    attemptFailed(world, found.invoice);
  });
  world.listen('payment_intent.processing', (intent) => {
    const found = invoiceOfIntent(world, intent.id);
    // No automatic retry while a debit is settling.
    if (found !== undefined) found.invoice.next_payment_attempt = null;
  });
}
