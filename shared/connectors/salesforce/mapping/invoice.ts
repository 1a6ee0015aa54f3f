/** A Stripe invoice as the Stripe_Invoice__c record it becomes. */
import type Stripe from 'stripe';
import type { Mapper, RecordKind, RecordWrite } from './types.ts';
import { dashboardLink, fitText, idOf, isoDate, isoDateTime } from './values.ts';

function sumOf(amounts: readonly { amount: number }[] | null | undefined): number {
  return (amounts ?? []).reduce((sum, entry) => sum + entry.amount, 0);
}

/**
 * invoice.* → the invoice record, complete, under its Account and (for a subscription's invoice)
 * its subscription. A deleted draft (invoice.deleted, or Stripe's `deleted: true` rendering) only
 * flags the record it may have become: it must not create one.
 */
export const invoiceWrites: Mapper = ({ eventType, object, options }): RecordWrite[] => {
  if (object.deleted === true || eventType === 'invoice.deleted') {
    return [
      {
        kind: 'invoice',
        stripeId: object.id,
        values: { deleted: true },
        parents: {},
        complete: false,
      },
    ];
  }
  const invoice = object as unknown as Stripe.Invoice;
  const customerId = idOf(invoice.customer);
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  // Lengths are those of the default fields: Number__c 80, Status__c 40, Billing_Reason__c 80.
  const values = {
    number: fitText(invoice.number, 80),
    status: fitText(invoice.status, 40),
    billingReason: fitText(invoice.billing_reason, 80),
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    discount: sumOf(invoice.total_discount_amounts),
    tax: sumOf(invoice.total_taxes),
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    amountRemaining: invoice.amount_remaining,
    credited:
      (invoice.pre_payment_credit_notes_amount ?? 0) +
      (invoice.post_payment_credit_notes_amount ?? 0),
    attemptCount: invoice.attempt_count,
    dueDate: isoDate(invoice.due_date),
    periodStart: isoDateTime(invoice.period_start),
    periodEnd: isoDateTime(invoice.period_end),
    paidAt: isoDateTime(invoice.status_transitions?.paid_at),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
    stripeLink: dashboardLink('invoice', invoice.id, options),
    deleted: false,
  };
  const parents: Partial<Record<RecordKind, string>> = {};
  if (customerId !== null) parents.account = customerId;
  if (subscriptionId !== null) parents.subscription = subscriptionId;
  return [{ kind: 'invoice', stripeId: invoice.id, values, parents, complete: true }];
};
