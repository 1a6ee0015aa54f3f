/**
 * Charges, invoice payments, refunds and credit notes: what they add to the Stripe_Payment__c
 * record and the Account, built from Stripe's example objects (fixtures3.json).
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  type MappableObject,
  REFETCH,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };

function charge(fields: Partial<Stripe.Charge> = {}): Stripe.Charge {
  const base = openapiObject('charge') as unknown as Stripe.Charge;
  return { ...base, payment_intent: 'pi_1', customer: 'cus_1', amount: 2000, ...fields };
}

function map(object: { object: string; id: string }, eventType: string) {
  return writesFor({ eventType, object: object as MappableObject, options: TEST });
}

describe('charge → the refunded amount', () => {
  it.each([
    ['fully refunded', { amount_refunded: 2000, refunded: true }, 'refunded'],
    ['partially refunded', { amount_refunded: 500, refunded: false }, 'partially_refunded'],
  ])('writes a %s charge on its payment and on the Account', (_, fields, status) => {
    // Prepare
    const refunded = charge(fields);

    // Act
    const writes = map(refunded, 'charge.refunded');

    // Assess
    expect(writes).toEqual([
      {
        kind: 'payment',
        stripeId: 'pi_1',
        values: { amountRefunded: fields.amount_refunded },
        parents: {},
        complete: false,
      },
      {
        kind: 'account',
        stripeId: 'cus_1',
        // Without an event time, the charge's own dates the refund.
        values: {
          lastPaymentStatus: status,
          lastPaymentDate: new Date(refunded.created * 1000).toISOString(),
        },
        parents: {},
        complete: false,
      },
    ]);
  });

  it.each(['charge.succeeded', 'charge.captured', 'charge.updated'])(
    '%s writes no refund on the Account',
    (eventType) => {
      // Act
      const writes = map(charge({ amount_refunded: 0, refunded: false }), eventType);

      // Assess
      expect(writes).toEqual([
        {
          kind: 'payment',
          stripeId: 'pi_1',
          values: { amountRefunded: 0 },
          parents: {},
          complete: false,
        },
      ]);
    },
  );

  it.each([
    ['a charge without a PaymentIntent writes nothing', { payment_intent: null }, []],
    [
      'a charge without a customer writes the payment only',
      { customer: null, amount_refunded: 2000, refunded: true },
      ['payment pi_1'],
    ],
    [
      'an expanded PaymentIntent is keyed by its id',
      {
        payment_intent: {
          ...(openapiObject('payment_intent') as unknown as Stripe.PaymentIntent),
          id: 'pi_x',
        },
      },
      ['payment pi_x'],
    ],
  ] as const)('%s', (_, fields, expected) => {
    // Act
    const writes = map(charge(fields as Partial<Stripe.Charge>), 'charge.refunded');

    // Assess
    expect(writes.map((w) => `${w.kind} ${w.stripeId}`)).toEqual(expected);
  });
});

describe('invoice_payment → the payment under its invoice', () => {
  const base = openapiObject('invoice_payment') as unknown as Stripe.InvoicePayment;

  it.each([
    ['an invoice id', 'in_1'],
    [
      'an expanded invoice',
      { ...(openapiObject('invoice') as unknown as Stripe.Invoice), id: 'in_1' },
    ],
  ])('links the PaymentIntent’s payment to %s, and nothing else', (_, invoiceRef) => {
    // Prepare
    const paid = {
      ...base,
      invoice: invoiceRef,
      payment: { type: 'payment_intent', payment_intent: 'pi_1' },
    } as Stripe.InvoicePayment;

    // Act
    const writes = map(paid, 'invoice_payment.paid');

    // Assess
    expect(writes).toEqual([
      {
        kind: 'payment',
        stripeId: 'pi_1',
        values: {},
        parents: { invoice: 'in_1' },
        complete: false,
      },
    ]);
  });

  it('writes nothing for an invoice paid by something other than a PaymentIntent', () => {
    // Prepare
    const outOfBand = {
      ...base,
      invoice: 'in_1',
      payment: { type: 'charge', charge: 'ch_1' },
    } as Stripe.InvoicePayment;

    // Act
    const writes = map(outOfBand, 'invoice_payment.paid');

    // Assess
    expect(writes).toEqual([]);
  });
});

describe('refunds and credit notes', () => {
  it.each([
    ['refund', 'refund.created', 'charge'],
    ['refund', 'refund.updated', 'charge'],
    ['credit_note', 'credit_note.created', 'invoice'],
    ['credit_note', 'credit_note.voided', 'invoice'],
  ])(
    'a %s (%s) maps to nothing by itself: the sync fetches its %s instead',
    (resource, eventType, refetch) => {
      // Prepare
      const object = openapiObject(resource) as MappableObject;

      // Act
      const writes = map(object, eventType);

      // Assess
      expect(writes).toEqual([]);
      expect(REFETCH[resource]).toBe(refetch);
      expect(typeof object[refetch]).toBe('string');
    },
  );
});
