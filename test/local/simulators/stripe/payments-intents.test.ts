/**
 * PaymentIntents and charges through the official SDK: card payments that succeed or decline
 * (402 card errors with decline codes), ACH debits that settle later, the status machine,
 * validation, listing, and the events in Stripe's order.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmPaymentIntent,
  createPaymentIntent,
} from '../../../../local/simulators/stripe/billing/payments.ts';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await sim?.stop();
});

const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** The types of the events about any of these objects, in the order they were emitted. */
function eventTypes(...ids: string[]): string[] {
  return sim.world
    .allEvents()
    .filter((e) => ids.includes((e.data as { object: { id: string } }).object.id))
    .map((e) => e.type as string);
}

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

const card = { allowed_payment_method_types: ['card'] };

function cardPayment(paymentMethod: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount: 2_000,
    currency: 'usd',
    allowed_payment_method_types: ['card'],
    payment_method: paymentMethod,
    confirm: true,
    ...extra,
  });
}

describe('card payments', () => {
  it('succeed at once: a paid charge, fixture shapes, and events in Stripe’s order', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });

    // Act
    const intent = await cardPayment(pm.id, {
      customer: customer.id,
      description: 'Order 7',
      metadata: { order: '7' },
      off_session: true,
    });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);

    // Assess
    expect([
      intent.status,
      intent.amount_received,
      intent.payment_method,
      intent.last_payment_error,
    ]).toEqual(['succeeded', 2_000, pm.id, null]);
    expect(charge).toMatchObject({
      status: 'succeeded',
      paid: true,
      captured: true,
      amount: 2_000,
      amount_captured: 2_000,
      amount_refunded: 0,
      refunded: false,
    });
    expect([
      charge.customer,
      charge.payment_intent,
      charge.payment_method,
      charge.description,
      charge.metadata,
    ]).toEqual([customer.id, intent.id, pm.id, 'Order 7', { order: '7' }]);
    expect(charge.payment_method_details?.card).toMatchObject({ brand: 'visa', last4: '4242' });
    expect([charge.failure_code, charge.outcome?.type]).toEqual([null, 'authorized']);
    expect(shapeMismatches('payment_intent', wire(intent))).toEqual([]);
    expect(shapeMismatches('charge', wire(charge))).toEqual([]);
    expect(eventTypes(intent.id, charge.id)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it.each([
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
    [
      'pm_card_visa_chargeDeclinedInsufficientFunds',
      'card_declined',
      'insufficient_funds',
      'Your card has insufficient funds.',
    ],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ])(
    'decline with %s: a 402 card error, a failed charge, a retryable intent',
    async (card, code, declineCode, message) => {
      // Prepare
      const customer = await stripe.customers.create();
      const pm =
        card === 'pm_card_chargeCustomerFail'
          ? (await stripe.paymentMethods.attach(card, { customer: customer.id })).id
          : card;

      // Act
      const error = await rejection(cardPayment(pm, { customer: customer.id }));
      const intent = await stripe.paymentIntents.retrieve(error.payment_intent?.id as string);
      const charge = await stripe.charges.retrieve(intent.latest_charge as string);

      // Assess
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect([error.statusCode, error.type, error.code, error.decline_code, error.message]).toEqual(
        [402, 'StripeCardError', code, declineCode, message],
      );
      expect([error.charge, error.payment_method?.id, error.payment_intent?.status]).toEqual([
        charge.id,
        charge.payment_method,
        'requires_payment_method',
      ]);
      expect([intent.status, intent.payment_method]).toEqual(['requires_payment_method', null]);
      expect(intent.last_payment_error).toMatchObject({
        type: 'card_error',
        code,
        decline_code: declineCode,
        charge: charge.id,
        message,
      });
      expect([
        charge.status,
        charge.paid,
        charge.captured,
        charge.failure_code,
        charge.failure_message,
      ]).toEqual(['failed', false, false, code, message]);
      expect(charge.outcome).toMatchObject({ type: 'issuer_declined', reason: declineCode });
      expect(shapeMismatches('charge', wire(charge))).toEqual([]);
      expect(eventTypes(intent.id, charge.id)).toEqual([
        'payment_intent.created',
        'charge.failed',
        'payment_intent.payment_failed',
      ]);
    },
  );

  it('confirms in two steps and retries a declined intent with another card', async () => {
    // Prepare
    const intent = await stripe.paymentIntents.create({
      amount: 1_500,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });
    const declined = await rejection(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa_chargeDeclined' }),
    );

    // Act
    const updated = await stripe.paymentIntents.update(intent.id, {
      payment_method: 'pm_card_mastercard',
      amount: 1_600,
    });
    const confirmed = await stripe.paymentIntents.confirm(intent.id);
    const again = await rejection(stripe.paymentIntents.confirm(intent.id));

    // Assess
    expect([intent.status, declined.statusCode]).toEqual(['requires_payment_method', 402]);
    expect([updated.status, updated.amount, updated.last_payment_error]).toEqual([
      'requires_confirmation',
      1_600,
      null,
    ]);
    expect([confirmed.status, confirmed.amount_received]).toEqual(['succeeded', 1_600]);
    expect([again.statusCode, again.code]).toEqual([400, 'payment_intent_unexpected_state']);
    expect(
      (await stripe.charges.list({ payment_intent: intent.id })).data.map((c) => c.status),
    ).toEqual(['succeeded', 'failed']);
  });

  it('replays a decline for the same idempotency key without charging again', async () => {
    // Prepare
    const create = () =>
      stripe.paymentIntents.create(
        {
          amount: 900,
          currency: 'usd',
          ...card,
          payment_method: 'pm_card_visa_chargeDeclined',
          confirm: true,
        },
        { idempotencyKey: `decline-${sim.port}` },
      );
    const charges = () => sim.world.all('charge').length;

    // Act
    const a = await rejection(create());
    const before = charges();
    const b = await rejection(create());

    // Assess
    expect([a.statusCode, b.statusCode, b.payment_intent?.id, b.charge]).toEqual([
      402,
      402,
      a.payment_intent?.id,
      a.charge,
    ]);
    expect(b.headers?.['idempotent-replayed']).toBe('true');
    expect(charges()).toBe(before);
  });

  it('attaches the card for setup_future_usage, and the contract functions report declines without throwing', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    const intent = createPaymentIntent(sim.world, {
      amount: 5_000,
      currency: 'usd',
      customer: customer.id,
      paymentMethod: 'pm_card_chargeCustomerFail',
    });

    // Act
    const saved = await cardPayment('pm_card_visa', {
      customer: customer.id,
      setup_future_usage: 'off_session',
    });
    const result = confirmPaymentIntent(sim.world, intent, { offSession: true });

    // Assess
    expect((await stripe.paymentMethods.retrieve(saved.payment_method as string)).customer).toBe(
      customer.id,
    );
    expect(saved.setup_future_usage).toBe('off_session');
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 'card_declined', declineCode: 'generic_decline' },
    });
    expect(intent.status).toBe('requires_payment_method');
  });
});
