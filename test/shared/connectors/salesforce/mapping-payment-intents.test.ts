/**
 * PaymentIntents as the Stripe_Payment__c record and the Account's last payment, built from
 * Stripe's example objects (fixtures3.json): success, failure, other states, expanded charges.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  type MappableObject,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };
const DECLINED = {
  type: 'card_error',
  code: 'card_declined',
  decline_code: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
} as Stripe.PaymentIntent.LastPaymentError;

function intent(fields: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
  const base = openapiObject('payment_intent') as unknown as Stripe.PaymentIntent;
  return {
    ...base,
    status: 'succeeded',
    amount: 2000,
    amount_received: 2000,
    currency: 'eur',
    customer: 'cus_1',
    created: 1_767_225_600,
    last_payment_error: null,
    payment_method_types: ['sepa_debit', 'card'],
    ...fields,
  };
}

function charge(fields: Partial<Stripe.Charge> = {}): Stripe.Charge {
  const base = openapiObject('charge') as unknown as Stripe.Charge;
  return { ...base, payment_intent: 'pi_1', customer: 'cus_1', amount: 2000, ...fields };
}

function map(object: { object: string; id: string }, eventType: string, eventCreated?: number) {
  return writesFor({ eventType, object: object as MappableObject, options: TEST, eventCreated });
}

describe('payment_intent → Stripe_Payment__c and the Account’s last payment', () => {
  it('writes a succeeded payment and the success on the Account, dated by the event', () => {
    // Prepare
    const paid = intent();

    // Act
    const writes = map(paid, 'payment_intent.succeeded', 1_767_312_000);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'payment',
        stripeId: paid.id,
        complete: true,
        parents: { account: 'cus_1' },
        values: {
          status: 'succeeded',
          amount: 2000,
          amountReceived: 2000,
          currency: 'eur',
          paymentMethodType: 'sepa_debit',
          failureCode: null,
          failureMessage: null,
          created: '2026-01-01T00:00:00.000Z',
          stripeLink: `https://dashboard.stripe.com/test/payments/${paid.id}`,
        },
      },
      {
        kind: 'account',
        stripeId: 'cus_1',
        complete: false,
        parents: {},
        values: {
          lastPaymentStatus: 'succeeded',
          lastPaymentAmount: 2000,
          lastPaymentDate: '2026-01-02T00:00:00.000Z',
          lastPaymentError: null,
        },
      },
    ]);
  });

  it('writes a failed payment with Stripe’s reason, and the failure on the Account', () => {
    // Prepare
    const failed = intent({
      status: 'requires_payment_method',
      amount_received: 0,
      last_payment_error: DECLINED,
    });

    // Act
    const [payment, account] = map(failed, 'payment_intent.payment_failed');

    // Assess
    expect(payment?.values).toMatchObject({
      status: 'requires_payment_method',
      amountReceived: 0,
      failureCode: 'card_declined',
      failureMessage: 'Your card has insufficient funds.',
    });
    expect(account).toEqual({
      kind: 'account',
      stripeId: 'cus_1',
      complete: false,
      parents: {},
      values: {
        lastPaymentStatus: 'failed',
        lastPaymentAmount: 2000,
        lastPaymentDate: '2026-01-01T00:00:00.000Z',
        lastPaymentError: 'Your card has insufficient funds.',
      },
    });
  });

  it.each([
    ['payment_intent.created', { status: 'requires_payment_method', amount_received: 0 }],
    ['payment_intent.processing', { status: 'processing', amount_received: 0 }],
    ['payment_intent.requires_action', { status: 'requires_action', amount_received: 0 }],
    ['payment_intent.canceled', { status: 'canceled', amount_received: 0 }],
    [
      'payment_intent.amount_capturable_updated',
      { status: 'requires_capture', amount_received: 0 },
    ],
  ] as const)(
    '%s writes the payment only: the Account’s last payment is unchanged',
    (eventType, fields) => {
      // Act
      const writes = map(intent(fields), eventType);

      // Assess
      expect(writes.map((w) => w.kind)).toEqual(['payment']);
      expect(writes[0]?.values.status).toBe(fields.status);
    },
  );

  it('writes no Account facts for a payment without a customer', () => {
    // Act
    const writes = map(intent({ customer: null }), 'payment_intent.succeeded');

    // Assess
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ kind: 'payment', parents: {} });
  });

  it('takes the method, refunds and date from the latest charge when Stripe expanded it', () => {
    // Prepare
    const latest = charge({ created: 1_767_398_400, amount_refunded: 500 });
    const paid = intent({ latest_charge: latest });

    // Act
    const [payment, account] = map(paid, 'payment_intent.succeeded');

    // Assess
    expect(payment?.values).toMatchObject({ paymentMethodType: 'card', amountRefunded: 500 });
    expect(account?.values.lastPaymentDate).toBe('2026-01-03T00:00:00.000Z');
  });

  it.each([
    ['the code when Stripe gave no message', { code: 'expired_card' }, 'expired_card'],
    [
      'a long message cut to 255 characters',
      { code: 'x', message: 'm'.repeat(400) },
      `${'m'.repeat(254)}…`,
    ],
  ])('writes %s as the Account’s last payment error', (_, error, expected) => {
    // Prepare
    const failed = intent({
      status: 'requires_payment_method',
      last_payment_error: error as Stripe.PaymentIntent.LastPaymentError,
    });

    // Act
    const [, account] = map(failed, 'payment_intent.payment_failed');

    // Assess
    expect(account?.values.lastPaymentError).toBe(expected);
  });

  it('links to the live Dashboard in live mode', () => {
    // Prepare
    const paid = intent();

    // Act
    const [payment] = writesFor({
      eventType: 'payment_intent.succeeded',
      object: paid as unknown as MappableObject,
      options: { livemode: true },
    });

    // Assess
    expect(payment?.values.stripeLink).toBe(`https://dashboard.stripe.com/payments/${paid.id}`);
  });
});

describe('a PaymentIntent read again after its failure event', () => {
  it('reports the success Stripe holds now, not the failure the event was about', () => {
    // Act
    const writes = writesFor({
      eventType: 'payment_intent.payment_failed',
      object: intent({ status: 'succeeded' }) as unknown as MappableObject,
      options: TEST,
      eventCreated: 1_767_225_700,
    });

    // Assess
    expect(writes.find((w) => w.kind === 'account')?.values).toMatchObject({
      lastPaymentStatus: 'succeeded',
      lastPaymentError: null,
    });
  });
});
