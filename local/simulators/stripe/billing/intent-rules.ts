/**
 * The rules a PaymentIntent's payment method must follow, and the options and errors that come
 * with the payment method types (split from payments.ts for size).
 */
import type Stripe from 'stripe';
import { invalidParam, STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import type { StripeRecord, World } from '../world.ts';
import type { ChargeRecord, PaymentIntentRecord } from './charges.ts';
import { isPaymentMethodSpent, type PaymentFailure } from './instruments.ts';

/** The payment method types the simulated account has turned on in its Dashboard. */
export const DASHBOARD_PAYMENT_METHOD_TYPES = ['card', 'us_bank_account'];

/** The Dashboard types that can pay in `currency` (ACH Direct Debit is USD only). */
export function compatibleTypes(types: readonly string[], currency: string): string[] {
  return types.filter((type) => type !== 'us_bank_account' || currency === 'usd');
}

/** The `payment_method_options` Stripe renders for these types. */
export function optionsFor(types: string[]): Stripe.PaymentIntent.PaymentMethodOptions {
  const options: Stripe.PaymentIntent.PaymentMethodOptions = {};
  if (types.includes('card')) {
    options.card = {
      installments: null,
      mandate_options: null,
      network: null,
      request_three_d_secure: 'automatic',
    };
  }
  if (types.includes('us_bank_account'))
    options.us_bank_account = { verification_method: 'automatic' };
  return options;
}

/** Stripe's 400 `payment_intent_unexpected_state`: the intent's status does not allow this. */
export function unexpectedState(message: string, param?: string): StripeApiError {
  return new StripeApiError({
    status: 400,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'payment_intent_unexpected_state',
    ...(param ? { param } : {}),
    message,
  });
}

/** Refuses a payment method this intent cannot be paid with (type, currency, owner, reuse). */
export function checkPaymentMethodFor(
  world: World,
  intent: PaymentIntentRecord,
  paymentMethod: StripeRecord,
): void {
  const type = paymentMethod.type as string;
  if (!intent.payment_method_types.includes(type)) {
    throw invalidParam(
      'payment_method',
      `The PaymentMethod provided (${type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${intent.payment_method_types.join(', ')}. Alternatively update the allowed payment_method_types for this PaymentIntent to include "${type}".`,
      'payment_intent_incompatible_payment_method',
    );
  }
  if (type === 'us_bank_account' && intent.currency !== 'usd') {
    throw invalidParam(
      'currency',
      `The currency provided (${intent.currency}) is invalid. Payments with us_bank_account support the following currencies: usd.`,
    );
  }
  const owner = paymentMethod.customer;
  if (typeof owner === 'string' && owner !== intent.customer) {
    throw invalidParam(
      'payment_method',
      intent.customer === null
        ? 'The provided PaymentMethod is attached to a Customer. To use it, pass the ID of that Customer in the `customer` parameter.'
        : `The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent (${intent.customer as string}).`,
    );
  }
  if (owner === null && isPaymentMethodSpent(world, paymentMethod.id)) {
    throw invalidParam(
      'payment_method',
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
    );
  }
}

/** `last_payment_error` for a failed charge. */
export function paymentError(
  failure: PaymentFailure,
  charge: ChargeRecord,
  paymentMethod: StripeRecord,
) {
  return {
    charge: charge.id,
    code: failure.code,
    ...(failure.declineCode ? { decline_code: failure.declineCode } : {}),
    doc_url: `https://stripe.com/docs/error-codes/${failure.code.replaceAll('_', '-')}`,
    message: failure.message,
    payment_method: structuredClone(paymentMethod),
    type: paymentMethod.type === 'card' ? 'card_error' : 'invalid_request_error',
  } as unknown as Stripe.PaymentIntent.LastPaymentError;
}
