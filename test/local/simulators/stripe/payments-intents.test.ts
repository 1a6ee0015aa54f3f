/**
 * PaymentIntents and charges through the official SDK: card payments that succeed or decline
 * (402 card errors with decline codes), ACH debits that settle later, the status machine,
 * validation, listing, and the events in Stripe's order.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  confirmPaymentIntent,
  createPaymentIntent,
} from '../../../../local/simulators/stripe/billing/payments.ts';
import { eventTypesAbout, rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });

const card = { allowed_payment_method_types: ['card'] };

function cardPayment(paymentMethod: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return t.stripe.paymentIntents.create({
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
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });

    // Act
    const intent = await cardPayment(pm.id, {
      customer: customer.id,
      description: 'Order 7',
      metadata: { order: '7' },
      off_session: true,
    });
    const charge = await t.stripe.charges.retrieve(intent.latest_charge as string);

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
    expect(eventTypesAbout(t.sim, intent.id, charge.id)).toEqual([
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
      const customer = await t.stripe.customers.create();
      const pm =
        card === 'pm_card_chargeCustomerFail'
          ? (await t.stripe.paymentMethods.attach(card, { customer: customer.id })).id
          : card;

      // Act
      const error = await rejectionOf(cardPayment(pm, { customer: customer.id }));
      const intent = await t.stripe.paymentIntents.retrieve(error.payment_intent?.id as string);
      const charge = await t.stripe.charges.retrieve(intent.latest_charge as string);

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
      expect(eventTypesAbout(t.sim, intent.id, charge.id)).toEqual([
        'payment_intent.created',
        'charge.failed',
        'payment_intent.payment_failed',
      ]);
    },
  );

  it('confirms in two steps and retries a declined intent with another card', async () => {
    // Prepare
    const intent = await t.stripe.paymentIntents.create({
      amount: 1_500,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });
    const declined = await rejectionOf(
      t.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa_chargeDeclined' }),
    );

    // Act
    const updated = await t.stripe.paymentIntents.update(intent.id, {
      payment_method: 'pm_card_mastercard',
      amount: 1_600,
    });
    const confirmed = await t.stripe.paymentIntents.confirm(intent.id);
    const again = await rejectionOf(t.stripe.paymentIntents.confirm(intent.id));

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
      (await t.stripe.charges.list({ payment_intent: intent.id })).data.map((c) => c.status),
    ).toEqual(['succeeded', 'failed']);
  });

  it('replays a decline for the same idempotency key without charging again', async () => {
    // Prepare
    const create = () =>
      t.stripe.paymentIntents.create(
        {
          amount: 900,
          currency: 'usd',
          ...card,
          payment_method: 'pm_card_visa_chargeDeclined',
          confirm: true,
        },
        { idempotencyKey: `decline-${t.sim.port}` },
      );
    const charges = () => t.sim.world.all('charge').length;

    // Act
    const a = await rejectionOf(create());
    const before = charges();
    const b = await rejectionOf(create());

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
    const customer = await t.stripe.customers.create();
    const intent = createPaymentIntent(t.sim.world, {
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
    const result = confirmPaymentIntent(t.sim.world, intent, { offSession: true });

    // Assess
    expect((await t.stripe.paymentMethods.retrieve(saved.payment_method as string)).customer).toBe(
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
