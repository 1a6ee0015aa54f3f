/**
 * Payments: the PaymentIntent state machine and the Charges it makes, for card and US bank
 * account (ACH) payment methods. Cards settle at once (or decline); ACH debits stay
 * `processing` for `world.achSettlementMs`, then succeed or fail by the test account number, as
 * on Stripe. The PaymentIntent API and invoices (which open an intent to collect what is due)
 * both create, confirm, cancel and refund through this module.
 */
import type Stripe from 'stripe';
import { STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import { paymentIntentShape } from '../shapes/payments.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import {
  type ChargeRecord,
  createCharge,
  type PaymentIntentRecord,
  type PaymentMethodRecord,
  settleCharge,
} from './charges.ts';
import {
  achFailureOf,
  cardChargeFailure,
  markPaymentMethodSpent,
  type PaymentFailure,
  resolvePaymentMethod,
} from './instruments.ts';
import {
  checkPaymentMethodFor,
  compatibleTypes,
  DASHBOARD_PAYMENT_METHOD_TYPES,
  optionsFor,
  paymentError,
  unexpectedState,
} from './intent-rules.ts';

/** What a new PaymentIntent is made of (`POST /v1/payment_intents`, an invoice's payment). */
export interface CreatePaymentIntentInput {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** Payment method types allowed, default ['card'] or the payment method's own type. */
  paymentMethodTypes?: string[];
  /** Set: the Dashboard's types apply (Stripe's default for API-created intents). */
  automaticPaymentMethods?: { enabled: boolean; allowRedirects?: 'always' | 'never' } | null;
  setupFutureUsage?: 'off_session' | 'on_session' | null;
  receiptEmail?: string | null;
  statementDescriptor?: string | null;
  statementDescriptorSuffix?: string | null;
  captureMethod?: 'automatic' | 'automatic_async';
  confirmationMethod?: 'automatic' | 'manual';
}

/** Creates a PaymentIntent (`requires_payment_method` or `requires_confirmation`); emits payment_intent.created. */
export function createPaymentIntent(world: World, input: CreatePaymentIntentInput): StripeRecord {
  const paymentMethod = input.paymentMethod
    ? resolvePaymentMethod(world, input.paymentMethod)
    : undefined;
  // `allow_redirects` is rendered only when the request set it (absent means `always`).
  const redirects = input.automaticPaymentMethods?.allowRedirects;
  const automatic = input.automaticPaymentMethods?.enabled
    ? { enabled: true, ...(redirects ? { allow_redirects: redirects } : {}) }
    : null;
  const types =
    input.paymentMethodTypes ??
    (automatic
      ? compatibleTypes(DASHBOARD_PAYMENT_METHOD_TYPES, input.currency)
      : paymentMethod
        ? [paymentMethod.type as string]
        : ['card']);
  const id = newId('pi');
  const intent = paymentIntentShape({
    id,
    created: world.timeFor(input.customer),
    amount: input.amount,
    currency: input.currency,
    automatic_payment_methods: automatic,
    capture_method: input.captureMethod ?? 'automatic_async',
    confirmation_method: input.confirmationMethod ?? 'automatic',
    customer: input.customer,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    payment_method: paymentMethod?.id ?? null,
    payment_method_configuration_details: automatic
      ? { id: 'pmc_1SwitchyardSimDefault', parent: null }
      : null,
    payment_method_options: optionsFor(types),
    payment_method_types: [...types],
    receipt_email: input.receiptEmail ?? null,
    setup_future_usage: input.setupFutureUsage ?? null,
    statement_descriptor: input.statementDescriptor ?? null,
    statement_descriptor_suffix: input.statementDescriptorSuffix ?? null,
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
  }) as PaymentIntentRecord;
  if (paymentMethod) checkPaymentMethodFor(world, intent, paymentMethod);
  const stored = world.insert(intent);
  world.emit('payment_intent.created', stored);
  return stored;
}

/** What a confirmation may bring along; applied only once the confirmation is known to be valid. */
export interface ConfirmInput {
  paymentMethod?: string | null;
  /** New `payment_method_types` (the request's `allowed_payment_method_types`). */
  paymentMethodTypes?: string[];
  /** New `receipt_email` (`null` unsets it). */
  receiptEmail?: string | null;
  offSession?: boolean;
  /** Needed when the intent allows redirect-based payment methods (automatic payment methods). */
  returnUrl?: string | null;
  setupFutureUsage?: 'off_session' | 'on_session' | null;
}

/** How a confirmation went (a decline is an outcome, not an error). */
export interface ConfirmResult {
  outcome: 'succeeded' | 'processing' | 'failed';
  error?: { code: string; declineCode?: string; message: string };
  /** The charge this confirmation made. */
  charge?: StripeRecord;
}

/** The intent's payment succeeded: charge.succeeded, payment_intent.succeeded. */
function succeed(world: World, intent: PaymentIntentRecord, charge: ChargeRecord): void {
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  world.emit('charge.succeeded', charge);
  world.emit('payment_intent.succeeded', intent);
}

/** The intent's payment failed: back to `requires_payment_method` with `last_payment_error`. */
function fail(
  world: World,
  intent: PaymentIntentRecord,
  charge: ChargeRecord,
  paymentMethod: StripeRecord,
  failure: PaymentFailure,
): void {
  intent.status = 'requires_payment_method';
  intent.payment_method = null;
  intent.last_payment_error = paymentError(failure, charge, paymentMethod);
  world.emit('charge.failed', charge);
  world.emit('payment_intent.payment_failed', intent);
}

/** After `achSettlementMs`: the pending debit succeeds or comes back with the bank's return code. */
function settleDebit(
  world: World,
  intentId: string,
  chargeId: string,
  paymentMethodId: string,
): void {
  const intent = world.find(intentId) as PaymentIntentRecord | undefined;
  const charge = world.find(chargeId) as ChargeRecord | undefined;
  const paymentMethod = world.find(paymentMethodId);
  if (!intent || !charge || !paymentMethod || intent.status !== 'processing') return;
  const failure = achFailureOf(paymentMethod);
  settleCharge(charge, failure);
  if (failure) fail(world, intent, charge, paymentMethod, failure);
  else succeed(world, intent, charge);
}

/**
 * Confirms a PaymentIntent with its (or the given) payment method: a card succeeds (charge.succeeded,
 * payment_intent.succeeded) or declines (charge.failed, payment_intent.payment_failed; the intent
 * goes back to `requires_payment_method` with `last_payment_error`); an ACH debit becomes
 * `processing` (charge.pending, payment_intent.processing) and settles later in the background.
 * Returns the outcome; never throws for a decline (the caller decides whether it is a 402).
 * Throws Stripe's 400 when the intent cannot be confirmed (its state, a missing or unusable
 * payment method, a missing `return_url`), before changing anything, `paymentMethodTypes` and
 * `receiptEmail` included.
 */
export function confirmPaymentIntent(
  world: World,
  paymentIntent: StripeRecord,
  input: ConfirmInput,
): ConfirmResult {
  const intent = paymentIntent as PaymentIntentRecord;
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
    );
  }
  const requested = input.paymentMethod ?? (intent.payment_method as string | null);
  if (!requested) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const automatic = intent.automatic_payment_methods;
  if (automatic?.enabled && automatic.allow_redirects !== 'never' && !input.returnUrl) {
    throw new StripeApiError({
      status: 400,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      message:
        'A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.',
    });
  }
  const types = input.paymentMethodTypes ?? intent.payment_method_types;
  const paymentMethod = resolvePaymentMethod(world, requested) as PaymentMethodRecord;
  checkPaymentMethodFor(world, { ...intent, payment_method_types: types }, paymentMethod);
  if (input.paymentMethodTypes !== undefined) {
    intent.payment_method_types = [...types];
    intent.payment_method_options = optionsFor(types);
  }
  if (input.receiptEmail !== undefined) intent.receipt_email = input.receiptEmail;
  intent.payment_method = paymentMethod.id;
  intent.last_payment_error = null;
  if (input.setupFutureUsage !== undefined) intent.setup_future_usage = input.setupFutureUsage;

  const failure = cardChargeFailure(paymentMethod);
  if (paymentMethod.type === 'card' && failure) {
    const charge = createCharge(world, intent, paymentMethod, 'failed', failure);
    intent.latest_charge = charge.id;
    fail(world, intent, charge, paymentMethod, failure);
    return {
      outcome: 'failed',
      error: {
        code: failure.code,
        ...(failure.declineCode ? { declineCode: failure.declineCode } : {}),
        message: failure.message,
      },
      charge,
    };
  }
  keepForLater(world, intent, paymentMethod);
  if (paymentMethod.type === 'us_bank_account') {
    const charge = createCharge(world, intent, paymentMethod, 'pending');
    intent.latest_charge = charge.id;
    intent.status = 'processing';
    world.emit('charge.pending', charge);
    world.emit('payment_intent.processing', intent);
    world.later(world.achSettlementMs, () =>
      settleDebit(world, intent.id, charge.id, paymentMethod.id),
    );
    return { outcome: 'processing', charge };
  }
  const charge = createCharge(world, intent, paymentMethod, 'succeeded');
  intent.latest_charge = charge.id;
  succeed(world, intent, charge);
  return { outcome: 'succeeded', charge };
}

/**
 * With `setup_future_usage` and a customer, Stripe attaches the payment method to the customer
 * (payment_method.attached); without a customer, the payment method cannot be used again.
 */
function keepForLater(
  world: World,
  intent: PaymentIntentRecord,
  paymentMethod: PaymentMethodRecord,
): void {
  if (paymentMethod.customer !== null) return;
  if (intent.setup_future_usage && typeof intent.customer === 'string') {
    paymentMethod.customer = intent.customer;
    world.emit('payment_method.attached', paymentMethod);
    return;
  }
  markPaymentMethodSpent(world, paymentMethod.id);
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
];

/** Cancels a PaymentIntent that has not succeeded (payment_intent.canceled). */
export function cancelPaymentIntent(
  world: World,
  paymentIntent: StripeRecord,
  reason?: string,
): void {
  const intent = paymentIntent as PaymentIntentRecord;
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  intent.status = 'canceled';
  intent.canceled_at = world.timeFor(intent.customer as string | null);
  intent.cancellation_reason = (reason ?? null) as Stripe.PaymentIntent.CancellationReason | null;
  world.emit('payment_intent.canceled', intent);
}
