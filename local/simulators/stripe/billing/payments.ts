/**
 * Payments: PaymentIntents and their Charges for card and US bank account (ACH) payment
 * methods. Cards settle at once (or decline); ACH debits stay `processing` for
 * `world.achSettlementMs`, then succeed or fail by the test account number, as on Stripe.
 *
 * CONTRACT (used by invoicing and subscriptions; implementation owned by the payments module):
 */
import type { StripeRecord, World } from '../world.ts';

export interface CreatePaymentIntentInput {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** Payment method types allowed, default ['card'] or the payment method's own type. */
  paymentMethodTypes?: string[];
}

/** Creates a PaymentIntent (`requires_payment_method` or `requires_confirmation`); emits payment_intent.created. */
export function createPaymentIntent(world: World, input: CreatePaymentIntentInput): StripeRecord {
  void world;
  void input;
  throw new Error('not implemented');
}

export interface ConfirmInput {
  paymentMethod?: string | null;
  offSession?: boolean;
}

/**
 * Confirms a PaymentIntent with its (or the given) payment method: a card succeeds (charge.succeeded,
 * payment_intent.succeeded) or declines (charge.failed, payment_intent.payment_failed; the intent
 * goes back to `requires_payment_method` with `last_payment_error`); an ACH debit becomes
 * `processing` (charge.pending, payment_intent.processing) and settles later in the background.
 * Returns the outcome; never throws for a decline (the caller decides whether it is a 402).
 */
export function confirmPaymentIntent(
  world: World,
  paymentIntent: StripeRecord,
  input: ConfirmInput,
): { outcome: 'succeeded' | 'processing' | 'failed'; error?: { code: string; declineCode?: string; message: string } } {
  void world;
  void paymentIntent;
  void input;
  throw new Error('not implemented');
}

/** Cancels a PaymentIntent that has not succeeded (payment_intent.canceled). */
export function cancelPaymentIntent(world: World, paymentIntent: StripeRecord, reason?: string): void {
  void world;
  void paymentIntent;
  void reason;
  throw new Error('not implemented');
}

/**
 * Refunds (part of) a succeeded PaymentIntent's charge: creates a Refund (refund.created;
 * charge.refunded; card refunds succeed at once, ACH refunds are `pending` then `succeeded`).
 */
export function refundPayment(
  world: World,
  input: { paymentIntent: string; amount?: number; reason?: string | null; metadata?: Record<string, string> },
): StripeRecord {
  void world;
  void input;
  throw new Error('not implemented');
}
