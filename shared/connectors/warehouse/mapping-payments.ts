/** Rows of customers and of the money that moves: payment intents, invoice payments, refunds. */
import { softDelete, type Version, versionColumns } from './mapping-billing.ts';
import type { Reader, Row } from './mapping-fields.ts';

export function customerRow(o: Reader, version: Version): Row {
  return {
    id: o.text('id'),
    email: o.text('email'),
    name: o.text('name'),
    currency: o.currency('currency'),
    balance: o.int('balance'),
    delinquent: o.bool('delinquent'),
    tax_exempt: o.text('tax_exempt'),
    created: o.time('created'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}

/** A payment intent. Its invoice comes from `invoice_payment.paid` (or `invoice` before 2025-03-31). */
export function paymentRow(o: Reader, version: Version): Row {
  return {
    id: o.text('id'),
    customer_id: o.id('customer'),
    invoice_id: o.id('invoice'),
    status: o.text('status'),
    amount: o.int('amount'),
    amount_received: o.int('amount_received'),
    currency: o.currency('currency'),
    capture_method: o.text('capture_method'),
    payment_method_id: o.id('payment_method'),
    latest_charge_id: o.id('latest_charge'),
    cancellation_reason: o.text('cancellation_reason'),
    created: o.time('created'),
    canceled_at: o.time('canceled_at'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}

export function invoicePaymentRow(o: Reader, version: Version): Row {
  return {
    id: o.text('id'),
    invoice_id: o.id('invoice'),
    payment_intent_id: o.id('payment.payment_intent'),
    charge_id: o.id('payment.charge'),
    amount_paid: o.int('amount_paid'),
    amount_requested: o.int('amount_requested'),
    currency: o.currency('currency'),
    status: o.text('status'),
    is_default: o.bool('is_default'),
    created: o.time('created'),
    paid_at: o.time('status_transitions.paid_at'),
    canceled_at: o.time('status_transitions.canceled_at'),
    livemode: o.bool('livemode'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}

export function refundRow(o: Reader, version: Version): Row {
  return {
    id: o.text('id'),
    charge_id: o.id('charge'),
    payment_intent_id: o.id('payment_intent'),
    amount: o.int('amount'),
    currency: o.currency('currency'),
    status: o.text('status'),
    reason: o.text('reason'),
    failure_reason: o.text('failure_reason'),
    created: o.time('created'),
    livemode: o.bool('livemode'),
    metadata: o.json('metadata'),
    ...softDelete(version),
    ...versionColumns(version),
  };
}
