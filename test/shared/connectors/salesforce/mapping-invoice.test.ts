/**
 * A Stripe invoice as the Stripe_Invoice__c record: every logical value from Stripe's example
 * invoice (fixtures3.json) with discounts, taxes and credit notes, its links to the Account and
 * the subscription, and deleted drafts.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  type MappableObject,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };

/** Stripe's example invoice, paid, for a subscription, with two discounts, two taxes and credit notes. */
function invoice(fields: Partial<Stripe.Invoice> = {}): Stripe.Invoice {
  const base = openapiObject('invoice') as unknown as Stripe.Invoice;
  return {
    ...base,
    number: 'ACME-0042',
    status: 'paid',
    billing_reason: 'subscription_cycle',
    currency: 'eur',
    subtotal: 10_000,
    total: 9_700,
    amount_due: 9_700,
    amount_paid: 9_350,
    amount_remaining: 0,
    attempt_count: 2,
    total_discount_amounts: [
      { amount: 300, discount: 'di_1' },
      { amount: 200, discount: 'di_2' },
    ] as Stripe.Invoice.TotalDiscountAmount[],
    total_taxes: [{ amount: 150 }, { amount: 50 }] as Stripe.Invoice.TotalTax[],
    pre_payment_credit_notes_amount: 100,
    post_payment_credit_notes_amount: 250,
    due_date: 1_769_817_599, // 2026-01-30T23:59:59Z: the UTC day, not the next one
    period_start: 1_767_225_600,
    period_end: 1_769_904_000,
    status_transitions: { ...base.status_transitions, paid_at: 1_768_000_000 },
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test_abc',
    invoice_pdf: 'https://pay.stripe.com/invoice/acct_1/test_abc/pdf',
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: null, subscription: 'sub_42' },
    },
    ...fields,
  };
}

function invoiceWrites(
  object: Stripe.Invoice | Stripe.DeletedInvoice,
  eventType = 'invoice.updated',
) {
  return writesFor({ eventType, object: object as unknown as MappableObject, options: TEST });
}

describe('invoice → Stripe_Invoice__c', () => {
  it.each([
    'invoice.created',
    'invoice.finalized',
    'invoice.paid',
    'invoice.payment_failed',
    'invoice.updated',
    'invoice.voided',
    'invoice.marked_uncollectible',
  ])('%s writes every value, under the Account and the subscription', (eventType) => {
    // Prepare
    const paid = invoice();

    // Act
    const writes = invoiceWrites(paid, eventType);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'invoice',
        stripeId: paid.id,
        complete: true,
        parents: { account: paid.customer, subscription: 'sub_42' },
        values: {
          number: 'ACME-0042',
          status: 'paid',
          billingReason: 'subscription_cycle',
          currency: 'eur',
          subtotal: 10_000,
          discount: 500,
          tax: 200,
          total: 9_700,
          amountDue: 9_700,
          amountPaid: 9_350,
          amountRemaining: 0,
          credited: 350,
          attemptCount: 2,
          dueDate: '2026-01-30',
          periodStart: '2026-01-01T00:00:00.000Z',
          periodEnd: '2026-02-01T00:00:00.000Z',
          paidAt: '2026-01-09T23:06:40.000Z',
          hostedInvoiceUrl: 'https://invoice.stripe.com/i/acct_1/test_abc',
          invoicePdf: 'https://pay.stripe.com/invoice/acct_1/test_abc/pdf',
          stripeLink: `https://dashboard.stripe.com/test/invoices/${paid.id}`,
          deleted: false,
        },
      },
    ]);
  });

  it('writes Stripe’s example draft as it is: no discounts or taxes, no dates yet', () => {
    // Prepare
    const example = openapiObject('invoice') as unknown as Stripe.Invoice;

    // Act
    const [write] = invoiceWrites(example, 'invoice.created');

    // Assess
    expect(write?.values).toMatchObject({
      number: null,
      status: 'draft',
      subtotal: example.subtotal,
      discount: 0,
      tax: 0,
      total: example.total,
      amountDue: example.amount_due,
      credited: 0,
      paidAt: null,
      hostedInvoiceUrl: null,
      invoicePdf: null,
    });
  });

  it.each([
    ['a one-off invoice (no parent)', { parent: null }, { account: 'cus_QXg1o8vcGmoR32' }],
    ['an invoice without a customer', { customer: null, parent: null }, {}],
    [
      'an expanded subscription',
      {
        parent: {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: {
            metadata: null,
            subscription: {
              ...(openapiObject('subscription') as unknown as Stripe.Subscription),
              id: 'sub_x',
            },
          },
        },
      },
      { account: 'cus_QXg1o8vcGmoR32', subscription: 'sub_x' },
    ],
  ] as const)('links %s to what it has', (_, fields, parents) => {
    // Act
    const [write] = invoiceWrites(invoice(fields as Partial<Stripe.Invoice>));

    // Assess
    expect(write?.parents).toEqual(parents);
  });

  it('writes no due date and no payment date when the invoice has none', () => {
    // Prepare
    const open = invoice({
      status: 'open',
      due_date: null,
      status_transitions: {
        finalized_at: 1,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
    });

    // Act
    const [write] = invoiceWrites(open);

    // Assess
    expect(write?.values).toMatchObject({ status: 'open', dueDate: null, paidAt: null });
  });

  it('links to the live Dashboard in live mode', () => {
    // Prepare
    const paid = invoice();

    // Act
    const [write] = writesFor({
      eventType: 'invoice.paid',
      object: paid as unknown as MappableObject,
      options: { livemode: true },
    });

    // Assess
    expect(write?.values.stripeLink).toBe(`https://dashboard.stripe.com/invoices/${paid.id}`);
  });
});

describe('deleted draft invoices', () => {
  it.each([
    [
      'Stripe’s deleted rendering',
      'invoice.updated',
      openapiObject('deleted_invoice') as unknown as Stripe.DeletedInvoice,
    ],
    [
      'an invoice.deleted event with the full draft',
      'invoice.deleted',
      invoice({ status: 'draft' }),
    ],
  ])('flag the record without creating one, from %s', (_, eventType, object) => {
    // Act
    const writes = invoiceWrites(object, eventType);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'invoice',
        stripeId: object.id,
        values: { deleted: true },
        parents: {},
        complete: false,
      },
    ]);
  });
});
