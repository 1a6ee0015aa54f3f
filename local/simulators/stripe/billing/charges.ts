/**
 * Charges: the attempt to move a PaymentIntent's money with one payment method. A card charge
 * succeeds or fails at once; a bank debit is `pending` until it settles. Only builds and changes
 * charges; the PaymentIntent state machine in payments.ts emits their events.
 */
import type Stripe from 'stripe';
import { usBankAccountChargeDetails } from '../shapes/bank-accounts.ts';
import { token } from '../shapes/common.ts';
import { chargeShape } from '../shapes/payments.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import type { PaymentFailure } from './instruments.ts';

/** A stored PaymentIntent, typed as the SDK renders it. */
export type PaymentIntentRecord = StripeRecord & Stripe.PaymentIntent;
/** A stored Charge, typed as the SDK renders it. */
export type ChargeRecord = StripeRecord & Stripe.Charge;
/** A stored PaymentMethod, typed as the SDK renders it. */
export type PaymentMethodRecord = StripeRecord & Stripe.PaymentMethod;
/** A stored Refund, typed as the SDK renders it. */
export type RefundRecord = StripeRecord & Stripe.Refund;

const NO_ADVICE = { advice_code: null, network_advice_code: null, network_decline_code: null };

/** What the network said about a charge in this state. */
function outcomeOf(
  status: Stripe.Charge.Status,
  failure: PaymentFailure | undefined,
): Stripe.Charge.Outcome {
  if (status !== 'failed') {
    return {
      ...NO_ADVICE,
      network_status: 'approved_by_network',
      reason: null,
      seller_message: 'Payment complete.',
      type: 'authorized',
    };
  }
  const reason = failure?.declineCode ?? failure?.code ?? 'generic_decline';
  return {
    ...NO_ADVICE,
    network_status: 'declined_by_network',
    reason,
    seller_message:
      reason === 'generic_decline'
        ? 'The bank did not return any further details with this decline.'
        : `The bank returned the decline code \`${reason}\`.`,
    type: 'issuer_declined',
  };
}

function receiptUrl(chargeId: string): string {
  return `https://pay.stripe.com/receipts/payment/${token(`receipt:${chargeId}`, 96)}`;
}

/**
 * Creates (stores, without events) the charge of confirming `intent` with `paymentMethod`:
 * `succeeded` or `failed` for a card, `pending` for a bank debit.
 */
export function createCharge(
  world: World,
  intent: PaymentIntentRecord,
  paymentMethod: PaymentMethodRecord,
  status: 'succeeded' | 'failed' | 'pending',
  failure?: PaymentFailure,
): ChargeRecord {
  const id = newId('ch');
  const customer =
    typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null);
  const taken = status !== 'failed';
  const card = paymentMethod.card;
  const shape = chargeShape({
    id,
    created: world.timeFor(customer),
    amount: intent.amount,
    currency: intent.currency,
    payment_method: paymentMethod.id,
    status,
    amount_captured: taken ? intent.amount : 0,
    balance_transaction: null,
    billing_details: paymentMethod.billing_details,
    captured: taken,
    customer,
    description: intent.description,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    metadata: { ...intent.metadata },
    outcome: outcomeOf(status, failure),
    paid: status === 'succeeded',
    payment_intent: intent.id,
    receipt_email: intent.receipt_email,
    receipt_url: taken ? receiptUrl(id) : null,
    statement_descriptor: intent.statement_descriptor,
    statement_descriptor_suffix: intent.statement_descriptor_suffix,
    ...(card
      ? {
          card: {
            amount_authorized: taken ? intent.amount : null,
            brand: card.brand,
            country: card.country,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            fingerprint: card.fingerprint,
            funding: card.funding,
            last4: card.last4,
            network: card.brand,
          },
        }
      : {}),
    ...(paymentMethod.us_bank_account
      ? { payment_method_details: usBankAccountChargeDetails(paymentMethod.us_bank_account) }
      : {}),
  });
  return world.insert(shape) as ChargeRecord;
}

/** Settles a pending bank debit: `succeeded`, or `failed` with the bank's return code. */
export function settleCharge(charge: ChargeRecord, failure: PaymentFailure | undefined): void {
  if (failure === undefined) {
    charge.status = 'succeeded';
    charge.paid = true;
    return;
  }
  charge.status = 'failed';
  charge.paid = false;
  charge.captured = false;
  charge.amount_captured = 0;
  charge.failure_code = failure.code;
  charge.failure_message = failure.message;
  charge.outcome = outcomeOf('failed', failure);
  charge.receipt_url = null;
}

/** How much of a charge can still be refunded (pending and succeeded refunds count). */
export function refundableAmount(charge: ChargeRecord): number {
  return charge.status === 'succeeded' ? charge.amount_captured - charge.amount_refunded : 0;
}
