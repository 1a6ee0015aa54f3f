/**
 * An invoice's life cycle: draft → open (finalized: number, hosted page, PDF, a PaymentIntent)
 * → paid, or void, or uncollectible; payment attempts; sending a `send_invoice` invoice.
 */
import type Stripe from 'stripe';
import { invalidState, STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import { invoiceShape } from '../shapes/billing.ts';
import type { StripeRecord, World } from '../world.ts';
import { claimCurrency } from './currency.ts';
import { linesOf } from './invoice-lines.ts';
import {
  attemptFailed,
  changeBalance,
  checkInvoicePaymentMethod,
  closeOpenPayment,
  defaultPaymentMethod,
  intentOf,
  markPaid,
  openIntent,
  openPayment,
} from './invoice-payments.ts';
import { AUTO_FINALIZE_SECONDS, applyBalance, recompute } from './invoice-totals.ts';
import { confirmPaymentIntent } from './payments.ts';
import { SECONDS_PER_DAY } from './time.ts';

/** Stripe's 400 when an invoice needs a payment method and none can be found. */
export const NO_PAYMENT_METHOD =
  'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://docs.stripe.com/billing/subscriptions/payment-methods-setting#payment-method-priority.';

type CustomerDetails = Pick<
  Stripe.Invoice,
  | 'customer_address'
  | 'customer_email'
  | 'customer_name'
  | 'customer_phone'
  | 'customer_shipping'
  | 'customer_tax_exempt'
>;

/** The customer's details an invoice copies (while a draft, and at finalization). */
export function customerDetails(customer: StripeRecord): CustomerDetails {
  return {
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
  } as CustomerDetails;
}

/**
 * Finalizes a draft (`finalizeInvoice`): number, hosted URL, PDF, due date, the customer's balance
 * applied (invoice.finalized). An invoice with lines fixes the customer's currency if nothing did
 * yet (a 400, before any change, if it is another). A zero-amount invoice is paid at once;
 * otherwise a PaymentIntent is opened for `amount_due`.
 */
export function finalize(world: World, invoice: StripeRecord): void {
  if (invoice.status !== 'draft') {
    throw invalidState(
      "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
    );
  }
  const customer = world.get('customer', invoice.customer as string);
  if (linesOf(world, invoice.id).length > 0) {
    const currency = invoice.currency as string;
    claimCurrency(world, { customer: customer.id, currency, param: 'currency' });
  }
  const at = world.timeFor(customer.id);
  recompute(world, invoice);
  const sequence = customer.next_invoice_sequence as number;
  customer.next_invoice_sequence = sequence + 1;
  const starting = customer.balance as number;
  const { due, ending } = applyBalance(invoice.total as number, starting);
  const urls = invoiceShape({
    id: invoice.id,
    created: invoice.created as number,
    customer: customer.id,
    currency: invoice.currency as string,
    status: 'open',
  });
  Object.assign(invoice, customerDetails(customer), {
    status: 'open',
    number: `${customer.invoice_prefix as string}-${String(sequence).padStart(4, '0')}`,
    hosted_invoice_url: urls.hosted_invoice_url,
    invoice_pdf: urls.invoice_pdf,
    effective_at: invoice.effective_at ?? at,
    automatically_finalizes_at: null,
    starting_balance: starting,
    ending_balance: ending,
    amount_due: due,
    amount_remaining: Math.max(0, due - (invoice.amount_paid as number)),
    due_date:
      invoice.collection_method === 'send_invoice'
        ? ((invoice.due_date as number | null) ?? at + 30 * SECONDS_PER_DAY)
        : null,
    // Stripe attempts an auto-advancing invoice about an hour after finalizing it; a
    // subscription's first invoice is paid at once or waits for the customer instead.
    next_payment_attempt:
      invoice.collection_method === 'charge_automatically' &&
      invoice.auto_advance === true &&
      invoice.billing_reason !== 'subscription_create' &&
      due > 0
        ? at + AUTO_FINALIZE_SECONDS
        : null,
  });
  (invoice.status_transitions as Record<string, unknown>).finalized_at = at;
  if (ending !== starting) {
    changeBalance(world, customer.id, {
      amount: ending - starting,
      currency: invoice.currency as string,
      type: 'applied_to_invoice',
      invoice: invoice.id,
      at,
    });
  }
  if (due > 0) openIntent(world, invoice, at);
  recompute(world, invoice);
  world.emit('invoice.finalized', invoice);
  if (due === 0) markPaid(world, invoice, { at });
}

/** Refuses (Stripe's 400) to collect an invoice that is paid or void. */
export function assertPayable(invoice: StripeRecord): void {
  if (invoice.status === 'paid') throw invalidState('Invoice is already paid');
  if (invoice.status === 'void')
    throw invalidState('This invoice has been voided and can no longer be paid.');
}

/** How `pay` collects an invoice. */
export interface PayInput {
  paymentMethod?: string | null;
  paidOutOfBand?: boolean;
  offSession?: boolean;
  /**
   * A payment asked for through the API (`POST /v1/invoices/:id/pay`) rather than an automatic
   * attempt: as on Stripe, only the first attempt of an invoice counts towards `attempt_count`.
   */
  manual?: boolean;
  /**
   * An attempt Stripe makes by itself (a subscription's invoice, a renewal, a retry): a payment
   * method it cannot use is a failed attempt (invoice.payment_failed, retried later), not an
   * error for the caller.
   */
  automatic?: boolean;
}

/** What a payment attempt came to, with the decline (or missing payment method) if it failed. */
export type PayOutcome = {
  outcome: 'paid' | 'processing' | 'failed';
  error?: { code: string; declineCode?: string; message: string };
};

/**
 * Collects an open invoice (`payInvoice`) with the given payment method, else the invoice's, the
 * subscription's or the customer's default: paid, processing (ACH), or failed
 * (invoice.payment_failed, attempt_count + 1, next_payment_attempt set for automatic retries).
 * `paidOutOfBand` marks it paid without a payment. A draft is finalized first, once the payment
 * method is known to be usable: an unusable one is a 400 that leaves the draft untouched. `manual`
 * (an API request) keeps `attempt_count` after the first attempt, as Stripe counts only
 * automatic retries.
 */
export function pay(world: World, invoice: StripeRecord, input: PayInput): PayOutcome {
  assertPayable(invoice);
  const method = input.paymentMethod ?? defaultPaymentMethod(world, invoice);
  let unusable: StripeApiError | undefined;
  if (input.paidOutOfBand !== true && method !== null) {
    try {
      checkInvoicePaymentMethod(world, invoice, method);
    } catch (error) {
      if (input.automatic !== true || !(error instanceof StripeApiError)) throw error;
      unusable = error;
    }
  }
  if (invoice.status === 'draft') finalize(world, invoice);
  if (invoice.status === 'paid') return { outcome: 'paid' };
  const at = world.timeFor(invoice.customer as string);
  if (input.paidOutOfBand === true || (invoice.amount_remaining as number) === 0) {
    closeOpenPayment(world, invoice, at);
    markPaid(world, invoice, { at, outOfBand: true });
    return { outcome: 'paid' };
  }
  const payment = openPayment(world, invoice.id) ?? openIntent(world, invoice, at);
  const intent = intentOf(world, payment);
  if (intent === undefined) throw new Error(`invoice ${invoice.id} has no PaymentIntent`);
  if (intent.status === 'processing') return { outcome: 'processing' };
  const before = { attempt_count: invoice.attempt_count, attempted: invoice.attempted };
  const count = invoice.attempt_count as number;
  invoice.attempt_count = input.manual === true && count > 0 ? count : count + 1;
  invoice.attempted = true;
  if (method === null || unusable !== undefined) {
    attemptFailed(world, invoice);
    const error = unusable
      ? { code: unusable.code ?? 'payment_method_unusable', message: unusable.message }
      : { code: 'resource_missing', message: NO_PAYMENT_METHOD };
    return { outcome: 'failed', error };
  }
  let result: ReturnType<typeof confirmPaymentIntent>;
  try {
    result = confirmPaymentIntent(world, intent, {
      paymentMethod: method,
      offSession: input.offSession ?? false,
    });
  } catch (error) {
    if (input.automatic === true && error instanceof StripeApiError) {
      attemptFailed(world, invoice);
      return {
        outcome: 'failed',
        error: { code: error.code ?? 'payment_failed', message: error.message },
      };
    }
    Object.assign(invoice, before);
    throw error;
  }
  if (result.outcome === 'succeeded') return { outcome: 'paid' };
  return result.error === undefined
    ? { outcome: result.outcome }
    : { outcome: result.outcome, error: result.error };
}

/** The 402 Stripe answers when paying an invoice through the API fails. */
export function paymentError(
  world: World,
  invoice: StripeRecord,
  error: NonNullable<PayOutcome['error']>,
): StripeApiError {
  if (error.code === 'resource_missing') {
    return new StripeApiError({
      status: 400,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      code: error.code,
      message: error.message,
    });
  }
  const payment = openPayment(world, invoice.id);
  const intent = payment === undefined ? undefined : intentOf(world, payment);
  return new StripeApiError({
    status: 402,
    type: STRIPE_ERROR_TYPES.cardError,
    code: error.code,
    message: error.message,
    extra: {
      ...(error.declineCode === undefined ? {} : { decline_code: error.declineCode }),
      ...(typeof intent?.latest_charge === 'string' ? { charge: intent.latest_charge } : {}),
      ...(intent === undefined ? {} : { payment_intent: structuredClone(intent) }),
    },
  });
}

/**
 * Voids an open or uncollectible invoice (`voidInvoice`; invoice.voided): its open PaymentIntent
 * canceled, the customer balance it used given back.
 */
export function voidIt(world: World, invoice: StripeRecord): void {
  if (invoice.status === 'draft') {
    throw invalidState(
      'You can only void an open or uncollectible invoice. Delete a draft invoice instead.',
    );
  }
  if (invoice.status === 'paid') throw invalidState('You cannot void a paid invoice.');
  if (invoice.status === 'void') throw invalidState('This invoice has already been voided.');
  const payment = openPayment(world, invoice.id);
  if (payment && intentOf(world, payment)?.status === 'processing') {
    throw invalidState('This invoice has a payment that is processing and cannot be voided.');
  }
  const at = world.timeFor(invoice.customer as string);
  closeOpenPayment(world, invoice, at, 'void_invoice');
  const applied = (invoice.ending_balance as number) - (invoice.starting_balance as number);
  if (applied !== 0) {
    changeBalance(world, invoice.customer as string, {
      amount: -applied,
      currency: invoice.currency as string,
      type: 'unapplied_from_invoice',
      invoice: invoice.id,
      at,
    });
  }
  invoice.status = 'void';
  invoice.next_payment_attempt = null;
  (invoice.status_transitions as Record<string, unknown>).voided_at = at;
  world.emit('invoice.voided', invoice);
}

/** Marks an open invoice uncollectible (it can still be paid). */
export function markUncollectible(world: World, invoice: StripeRecord): void {
  if (invoice.status !== 'open') {
    throw invalidState(
      `You can only mark an open invoice as uncollectible; this invoice is ${invoice.status as string}.`,
    );
  }
  invoice.status = 'uncollectible';
  invoice.next_payment_attempt = null;
  (invoice.status_transitions as Record<string, unknown>).marked_uncollectible_at = world.timeFor(
    invoice.customer as string,
  );
  world.emit('invoice.marked_uncollectible', invoice);
}

/** Sends a `send_invoice` invoice to the customer (a draft is finalized first): invoice.sent. */
export function send(world: World, invoice: StripeRecord): void {
  if (invoice.collection_method !== 'send_invoice') {
    throw invalidState(
      "You can only manually send an invoice if its collection method is 'send_invoice'.",
    );
  }
  if (invoice.status === 'paid' || invoice.status === 'void') {
    throw invalidState(`You can't send an invoice that is ${invoice.status as string}.`);
  }
  if (invoice.status === 'draft') finalize(world, invoice);
  world.emit('invoice.sent', invoice);
}
