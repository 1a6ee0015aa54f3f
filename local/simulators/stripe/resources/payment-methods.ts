/**
 * `/v1/payment_methods`: create (cards from test tokens, US bank accounts from their details),
 * retrieve, update, attach (payment_method.attached), detach (payment_method.detached) and list,
 * and `/v1/customers/:customer/payment_methods`. Customers attach through `attachPaymentMethod`
 * too (`payment_method` on create, `invoice_settings[default_payment_method]`).
 */
import type Stripe from 'stripe';
import {
  cardAttachFailure,
  cardError,
  isPaymentMethodSpent,
  markPaymentMethodSpent,
  resolvePaymentMethod,
} from '../billing/instruments.ts';
import {
  createBankAccountFromParams,
  readBillingDetails,
  readCard,
} from '../billing/payment-method-params.ts';
import { invalidParam, invalidState, missingParam, resourceMissing } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import type { StripeRecord, World } from '../world.ts';
import { applyChanges, pathId } from './common.ts';

const NOUN = 'PaymentMethod';
const TYPES = ['card', 'us_bank_account'] as const;
const ALLOW_REDISPLAY = ['always', 'limited', 'unspecified'] as const;

/**
 * Attaches a payment method, or a test token (`pm_card_visa`, `pm_usBankAccount_success`, …)
 * turned into a new one, to a customer (payment_method.attached) and returns it; already
 * attached to that customer, it is returned as it is. As on Stripe, a card that always declines
 * (`pm_card_visa_chargeDeclined`, …; not `pm_card_chargeCustomerFail`) fails with a 402 card
 * error, and one attached elsewhere, detached or used without a customer is a 400.
 */
export function attachPaymentMethod(
  world: World,
  idOrToken: string,
  customer: string,
  options: { param?: string } = {},
): StripeRecord {
  world.get('customer', customer, { param: 'customer' });
  const paymentMethod = resolvePaymentMethod(world, idOrToken, options.param);
  if (paymentMethod.customer === customer) return paymentMethod;
  if (paymentMethod.customer !== null) {
    throw invalidState('The payment method you provided has already been attached to a customer.');
  }
  if (isPaymentMethodSpent(world, paymentMethod.id)) {
    throw invalidState(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
    );
  }
  const failure = cardAttachFailure(paymentMethod);
  if (failure) throw cardError(failure);
  paymentMethod.customer = customer;
  world.emit('payment_method.attached', paymentMethod);
  return paymentMethod;
}

/** Detaches a payment method from its customer (payment_method.detached); it cannot be reused. */
export function detachPaymentMethod(world: World, id: string): StripeRecord {
  const paymentMethod = world.get('payment_method', id, { noun: NOUN });
  const customerId = paymentMethod.customer;
  if (typeof customerId !== 'string') {
    throw invalidState(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
    );
  }
  paymentMethod.customer = null;
  markPaymentMethodSpent(world, id);
  world.emit('payment_method.detached', paymentMethod, { customer: customerId });
  const customer = world.find(customerId);
  const settings = customer?.invoice_settings as Stripe.Customer.InvoiceSettings | undefined;
  if (customer && settings?.default_payment_method === id) {
    applyChanges(
      world,
      customer,
      { invoice_settings: { ...settings, default_payment_method: null } },
      'customer.updated',
    );
  }
  return paymentMethod;
}

function createPaymentMethod(world: World, params: Params): StripeRecord {
  const type = params.enum('type', TYPES);
  const card = params.object('card');
  const bank = params.object('us_bank_account');
  const billingDetails = readBillingDetails(params);
  const metadata = params.metadata();
  const allowRedisplay = params.enum('allow_redisplay', ALLOW_REDISPLAY);
  if (type === undefined) throw missingParam('type');
  if (type !== 'card' && card !== undefined)
    throw invalidParam('card', `You cannot pass card when type is ${type}.`);
  if (type !== 'us_bank_account' && bank !== undefined) {
    throw invalidParam('us_bank_account', `You cannot pass us_bank_account when type is ${type}.`);
  }
  const meta = mergeMetadata({}, metadata);
  if (type === 'card') {
    if (card === undefined) {
      params.done();
      throw missingParam('card');
    }
    const extra = {
      metadata: meta,
      ...(billingDetails ? { billingDetails } : {}),
      ...(allowRedisplay ? { allowRedisplay } : {}),
    };
    params.done();
    return readCard(world, card, extra);
  }
  if (bank === undefined) {
    params.done();
    throw missingParam('us_bank_account');
  }
  return createBankAccountFromParams(world, params, bank, {
    billingDetails,
    metadata: meta,
    allowRedisplay,
  });
}

function updatePaymentMethod(world: World, id: string, params: Params): StripeRecord {
  const paymentMethod = world.get('payment_method', id, { noun: NOUN });
  const billingDetails = readBillingDetails(
    params,
    paymentMethod.billing_details as Stripe.PaymentMethod.BillingDetails,
  );
  const metadata = params.metadata();
  const allowRedisplay = params.enum('allow_redisplay', ALLOW_REDISPLAY);
  const card = paymentMethod.type === 'card' ? params.object('card') : undefined;
  const expMonth = card?.integer('exp_month', { min: 1, max: 12 });
  const expYear = card?.integer('exp_year');
  card?.done();
  const bank =
    paymentMethod.type === 'us_bank_account' ? params.object('us_bank_account') : undefined;
  const holderType = bank?.enum('account_holder_type', ['individual', 'company'] as const);
  const accountType = bank?.enum('account_type', ['checking', 'savings'] as const);
  bank?.done();
  params.done();
  if (paymentMethod.customer === null) {
    throw invalidState('You must save this PaymentMethod to a customer before you can update it.');
  }
  const cardDetails = paymentMethod.card as Record<string, unknown> | undefined;
  const bankDetails = paymentMethod.us_bank_account as Record<string, unknown> | undefined;
  applyChanges(
    world,
    paymentMethod,
    {
      billing_details: billingDetails,
      metadata:
        metadata === undefined
          ? undefined
          : mergeMetadata(paymentMethod.metadata as Record<string, string>, metadata),
      allow_redisplay: allowRedisplay,
      card:
        expMonth === undefined && expYear === undefined
          ? undefined
          : {
              ...cardDetails,
              exp_month: expMonth ?? cardDetails?.exp_month,
              exp_year: expYear ?? cardDetails?.exp_year,
            },
      us_bank_account:
        holderType === undefined && accountType === undefined
          ? undefined
          : {
              ...bankDetails,
              account_holder_type: holderType ?? bankDetails?.account_holder_type,
              account_type: accountType ?? bankDetails?.account_type,
            },
    },
    'payment_method.updated',
  );
  return paymentMethod;
}

function listFor(world: World, params: Params, url: string, customer: string | undefined) {
  const type = params.enum('type', TYPES);
  const allowRedisplay = url.startsWith('/v1/customers/')
    ? params.enum('allow_redisplay', ALLOW_REDISPLAY)
    : undefined;
  const items = world
    .all('payment_method')
    .filter(
      (pm) =>
        (customer === undefined || pm.customer === customer) &&
        (type === undefined || pm.type === type) &&
        (allowRedisplay === undefined || pm.allow_redisplay === allowRedisplay),
    );
  const list = world.paginate(items, params, url);
  params.done();
  return list;
}

/** The `/v1/payment_methods` and `/v1/customers/:customer/payment_methods` routes. */
export function paymentMethodRoutes(_world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/payment_methods',
      handle: ({ world, params }) => createPaymentMethod(world, params),
    },
    {
      method: 'GET',
      path: '/v1/payment_methods/:id',
      handle: (request) => {
        request.params.done();
        return request.world.get('payment_method', pathId(request), { noun: NOUN });
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id',
      handle: (request) => updatePaymentMethod(request.world, pathId(request), request.params),
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id/attach',
      handle: (request) => {
        const customer = request.params.requiredString('customer');
        request.params.done();
        return attachPaymentMethod(request.world, pathId(request), customer, { param: 'id' });
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id/detach',
      handle: (request) => {
        request.params.done();
        return detachPaymentMethod(request.world, pathId(request));
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_methods',
      handle: ({ world, params }) => {
        const customer = params.string('customer');
        if (customer !== undefined) world.get('customer', customer, { param: 'customer' });
        return listFor(world, params, '/v1/payment_methods', customer);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:customer/payment_methods',
      handle: (request) => {
        const customer = pathId(request, 'customer');
        request.world.get('customer', customer);
        return listFor(
          request.world,
          request.params,
          `/v1/customers/${customer}/payment_methods`,
          customer,
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:customer/payment_methods/:id',
      handle: (request) => {
        request.params.done();
        const customer = pathId(request, 'customer');
        request.world.get('customer', customer);
        const paymentMethod = request.world.get('payment_method', pathId(request), { noun: NOUN });
        if (paymentMethod.customer !== customer) throw resourceMissing(NOUN, paymentMethod.id);
        return paymentMethod;
      },
    },
  ];
}
