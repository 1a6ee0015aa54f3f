/**
 * `/v1/payment_intents`: create (and confirm), retrieve, update, confirm, cancel, list. A card
 * declined on an API confirmation answers 402 with Stripe's card error body, which carries the
 * charge, the PaymentIntent and the payment method; the decline itself has happened. At the
 * pinned API version the types a payment may use are `allowed_payment_method_types`.
 */
import type { PaymentIntentRecord } from '../billing/charges.ts';
import { cardError, resolvePaymentMethod } from '../billing/instruments.ts';
import {
  checkAmount,
  readAllowedTypes,
  readConfirmParams,
  readCurrency,
  refuseWithoutConfirm,
  typesFor,
} from '../billing/intent-params.ts';
import { checkPaymentMethodFor, optionsFor, unexpectedState } from '../billing/intent-rules.ts';
import { invoiceOfIntent } from '../billing/invoice-payments.ts';
import {
  type ConfirmInput,
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
} from '../billing/payments.ts';
import { invalidParam, invalidState } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import { pathId } from './common.ts';

const NOUN = { noun: 'payment_intent' };
const UPDATABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const SETUP_FUTURE_USAGE = ['off_session', 'on_session'] as const;
const CANCELLATION_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'abandoned',
] as const;

/**
 * Refuses (400) what Stripe does not let the PaymentIntent API do to an intent an invoice opened:
 * canceling it (void the invoice instead) or changing what it collects (amount, currency,
 * customer), which the invoice decides. Confirming it stays allowed, as on Stripe (a customer
 * completing the payment of a subscription's first invoice, for one).
 */
function refuseForInvoice(
  world: World,
  intent: StripeRecord,
  action: 'cancel' | 'amount' | 'currency' | 'customer',
): void {
  const owner = invoiceOfIntent(world, intent.id)?.invoice;
  if (owner === undefined) return;
  throw invalidState(
    action === 'cancel'
      ? `You cannot cancel this PaymentIntent because it was created by an invoice (${owner.id}). Void the invoice instead.`
      : `You cannot update the ${action} of this PaymentIntent because it was created by an invoice (${owner.id}). Update the invoice instead.`,
    action === 'cancel' ? undefined : action,
  );
}

/** Confirms; a decline becomes the 402 card error with the charge, intent and payment method. */
function confirmOrThrow(world: World, intent: StripeRecord, input: ConfirmInput): void {
  const result = confirmPaymentIntent(world, intent, input);
  if (result.outcome !== 'failed') return;
  const charge = result.charge as StripeRecord;
  throw cardError(result.error ?? { code: 'card_declined', message: 'Your card was declined.' }, {
    charge: charge.id,
    payment_intent: structuredClone(intent),
    payment_method: structuredClone(world.find(charge.payment_method as string)),
    request_log_url: `https://dashboard.stripe.com/test/logs/${world.request.id ?? ''}`,
  });
}

/** Fields create and update share; `undefined` means "not sent", `null` "unset". */
function readFields(params: Params) {
  const text = (key: string) => {
    const value = params.string(key);
    return value === undefined ? undefined : value || null;
  };
  return {
    description: text('description'),
    metadata: params.metadata(),
    receiptEmail: text('receipt_email'),
    statementDescriptor: text('statement_descriptor'),
    statementDescriptorSuffix: text('statement_descriptor_suffix'),
  };
}

function create(world: World, params: Params): StripeRecord {
  const amount = params.requiredInteger('amount');
  const currency = readCurrency(params, true) as string;
  const customer = params.string('customer');
  const paymentMethod = params.string('payment_method');
  const allowed = readAllowedTypes(params);
  const apm = params.object('automatic_payment_methods');
  const apmEnabled = apm?.boolean('enabled');
  const allowRedirects = apm?.enum('allow_redirects', ['always', 'never'] as const);
  apm?.done();
  const confirm = params.boolean('confirm') ?? false;
  const confirmParams = readConfirmParams(params);
  const fields = readFields(params);
  const setupFutureUsage = params.enum('setup_future_usage', SETUP_FUTURE_USAGE);
  const captureMethod = params.enum('capture_method', ['automatic', 'automatic_async'] as const);
  const confirmationMethod = params.enum('confirmation_method', ['automatic', 'manual'] as const);
  params.done();
  checkAmount(amount, currency);
  if (apm !== undefined && apmEnabled === undefined) {
    throw invalidParam(
      'automatic_payment_methods[enabled]',
      'Missing required param: automatic_payment_methods[enabled].',
      'parameter_missing',
    );
  }
  if (!confirm) refuseWithoutConfirm(confirmParams);
  if (customer !== undefined) world.get('customer', customer, { param: 'customer' });
  const automatic = (allowed === undefined && apmEnabled !== false) || apmEnabled === true;
  const intent = createPaymentIntent(world, {
    amount,
    currency,
    customer: customer ?? null,
    paymentMethod: paymentMethod ?? null,
    description: fields.description ?? null,
    metadata: mergeMetadata({}, fields.metadata),
    ...(allowed ? { paymentMethodTypes: typesFor(allowed, currency) } : {}),
    automaticPaymentMethods: automatic
      ? { enabled: true, ...(allowRedirects ? { allowRedirects } : {}) }
      : null,
    setupFutureUsage: setupFutureUsage ?? null,
    receiptEmail: fields.receiptEmail ?? null,
    statementDescriptor: fields.statementDescriptor ?? null,
    statementDescriptorSuffix: fields.statementDescriptorSuffix ?? null,
    ...(captureMethod ? { captureMethod } : {}),
    ...(confirmationMethod ? { confirmationMethod } : {}),
  });
  if (confirm) {
    confirmOrThrow(world, intent, {
      ...(confirmParams.offSession === undefined ? {} : { offSession: confirmParams.offSession }),
      returnUrl: confirmParams.returnUrl ?? null,
    });
  }
  return intent;
}

function update(world: World, id: string, params: Params): StripeRecord {
  const intent = world.get<PaymentIntentRecord>('payment_intent', id, NOUN);
  const amount = params.integer('amount');
  const currency = readCurrency(params, false);
  const customer = params.string('customer');
  const paymentMethod = params.string('payment_method');
  const allowed = readAllowedTypes(params);
  const unsetUsage = params.isEmpty('setup_future_usage');
  const setupFutureUsage = params.enum(
    'setup_future_usage',
    unsetUsage ? [''] : SETUP_FUTURE_USAGE,
  );
  const fields = readFields(params);
  params.done();
  const moving = [amount, currency, customer, paymentMethod, allowed, setupFutureUsage];
  if (!UPDATABLE.includes(intent.status) && moving.some((v) => v !== undefined)) {
    throw unexpectedState(
      `You cannot update this PaymentIntent because it has a status of ${intent.status}. Updates are only allowed when the status is one of ${UPDATABLE.join(', ')}.`,
    );
  }
  for (const [key, value] of [
    ['amount', amount],
    ['currency', currency],
    ['customer', customer],
  ] as const) {
    if (value !== undefined) refuseForInvoice(world, intent, key);
  }
  if (amount !== undefined || currency !== undefined) {
    checkAmount(amount ?? intent.amount, currency ?? intent.currency);
  }
  if (customer !== undefined) world.get('customer', customer, { param: 'customer' });
  const next = { ...intent } as PaymentIntentRecord;
  if (customer !== undefined) next.customer = customer;
  if (currency !== undefined) next.currency = currency;
  if (allowed !== undefined) next.payment_method_types = typesFor(allowed, next.currency);
  const resolved = paymentMethod ? resolvePaymentMethod(world, paymentMethod) : undefined;
  if (resolved) checkPaymentMethodFor(world, next, resolved);
  Object.assign(intent, {
    amount: amount ?? intent.amount,
    currency: next.currency,
    customer: next.customer,
    payment_method_types: next.payment_method_types,
    payment_method_options:
      allowed === undefined ? intent.payment_method_options : optionsFor(next.payment_method_types),
    setup_future_usage:
      setupFutureUsage === undefined ? intent.setup_future_usage : setupFutureUsage || null,
    last_payment_error: null,
  });
  if (resolved) {
    intent.payment_method = resolved.id;
    if (intent.status === 'requires_payment_method') intent.status = 'requires_confirmation';
  }
  if (fields.metadata !== undefined) {
    intent.metadata = mergeMetadata(intent.metadata, fields.metadata);
  }
  for (const [key, value] of [
    ['description', fields.description],
    ['receipt_email', fields.receiptEmail],
    ['statement_descriptor', fields.statementDescriptor],
    ['statement_descriptor_suffix', fields.statementDescriptorSuffix],
  ] as const) {
    if (value !== undefined) intent[key] = value;
  }
  return intent;
}

function confirm(world: World, id: string, params: Params): StripeRecord {
  const intent = world.get<PaymentIntentRecord>('payment_intent', id, NOUN);
  const paymentMethod = params.string('payment_method');
  const allowed = readAllowedTypes(params);
  const confirmParams = readConfirmParams(params);
  const setupFutureUsage = params.enum('setup_future_usage', SETUP_FUTURE_USAGE);
  const receiptEmail = params.string('receipt_email');
  params.done();
  // Written by the confirmation itself, once it is known to be valid (a 400 changes nothing).
  confirmOrThrow(world, intent, {
    paymentMethod: paymentMethod ?? null,
    ...(allowed === undefined ? {} : { paymentMethodTypes: typesFor(allowed, intent.currency) }),
    ...(receiptEmail === undefined ? {} : { receiptEmail: receiptEmail || null }),
    ...(confirmParams.offSession === undefined ? {} : { offSession: confirmParams.offSession }),
    returnUrl: confirmParams.returnUrl ?? null,
    ...(setupFutureUsage ? { setupFutureUsage } : {}),
  });
  return intent;
}

/** The `/v1/payment_intents` routes (create, retrieve, update, confirm, cancel, list). */
export function paymentIntentRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/payment_intents',
      handle: ({ world, params }) => create(world, params),
    },
    {
      method: 'GET',
      path: '/v1/payment_intents/:id',
      handle: (request) => {
        request.params.string('client_secret');
        request.params.done();
        return request.world.get('payment_intent', pathId(request), NOUN);
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id',
      handle: (r) => update(r.world, pathId(r), r.params),
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      handle: (r) => confirm(r.world, pathId(r), r.params),
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/cancel',
      handle: (request) => {
        const reason = request.params.enum('cancellation_reason', CANCELLATION_REASONS);
        request.params.done();
        const intent = request.world.get('payment_intent', pathId(request), NOUN);
        refuseForInvoice(request.world, intent, 'cancel');
        cancelPaymentIntent(request.world, intent, reason);
        return intent;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_intents',
      handle: ({ world, params }) => {
        const customer = params.string('customer');
        const created = createdFilter(params);
        const items = world
          .all<PaymentIntentRecord>('payment_intent')
          .filter(
            (pi) => (customer === undefined || pi.customer === customer) && created(pi.created),
          );
        const list = world.paginate(items, params, '/v1/payment_intents');
        params.done();
        return list;
      },
    },
  ];
}
