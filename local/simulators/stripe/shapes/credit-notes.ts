/**
 * Shapes of credit notes and their line items at the pinned API version (split from billing.ts for
 * size), with fixtures3.json's keys.
 */
import type Stripe from 'stripe';
import { decimalOrNull, listShape, SIMULATED_ACCOUNT_ID, token, withInit } from './common.ts';

type CreditNoteShape = Required<Stripe.CreditNote>;

/**
 * What a billing engine computes for a credit note. Amounts not given follow from the lines (the
 * subtotal is their sum, total and `amount` the subtotal); `type` says which part of `amount`
 * reduces what is due (`pre_payment`) and which part was already paid (`post_payment`).
 */
export interface CreditNoteInit extends Partial<Omit<CreditNoteShape, 'lines'>> {
  id: string;
  created: number;
  customer: string;
  currency: string;
  invoice: string;
  /** The invoice's number and a sequence, e.g. `ABCD1234-0001-CN-01`. */
  number: string;
  /** The embedded page of lines. */
  lines?: Stripe.CreditNoteLineItem[];
  lines_has_more?: boolean;
}

/** A credit note as `POST /v1/credit_notes` returns it: issued, effective at creation. */
export function creditNoteShape(init: CreditNoteInit): Stripe.CreditNote {
  const { lines = [], lines_has_more = false, ...rest } = init;
  const subtotal = init.subtotal ?? lines.reduce((sum, line) => sum + line.amount, 0);
  const total = init.total ?? subtotal;
  const amount = init.amount ?? total;
  const type = init.type ?? 'pre_payment';
  return withInit<CreditNoteShape>(
    {
      id: init.id,
      object: 'credit_note',
      amount,
      amount_shipping: 0,
      created: init.created,
      currency: init.currency,
      customer: init.customer,
      customer_account: null,
      customer_balance_transaction: null,
      discount_amount: 0,
      discount_amounts: [],
      effective_at: init.created,
      invoice: init.invoice,
      lines: listShape(`/v1/credit_notes/${init.id}/lines`, lines, lines_has_more),
      livemode: false,
      memo: null,
      metadata: {},
      number: init.number,
      out_of_band_amount: null,
      pdf: `https://pay.stripe.com/credit_notes/${SIMULATED_ACCOUNT_ID}/test_${token(`credit_note:${init.id}`, 48)}/pdf?s=ap`,
      post_payment_amount: type === 'post_payment' ? amount : 0,
      pre_payment_amount: type === 'pre_payment' ? amount : 0,
      pretax_credit_amounts: [],
      reason: null,
      refunds: [],
      shipping_cost: null,
      status: 'issued',
      subtotal,
      subtotal_excluding_tax: subtotal,
      total,
      total_excluding_tax: total,
      total_taxes: [],
      type,
      voided_at: null,
    },
    rest,
  );
}

type CreditNoteLineItemShape = Required<Stripe.CreditNoteLineItem>;

/**
 * What a billing engine computes for a credit note line: an `invoice_line_item` it credits, or
 * none for a custom line (which then has `unit_amount` and no `invoice_line_item` key at all).
 */
export interface CreditNoteLineItemInit extends Partial<CreditNoteLineItemShape> {
  id: string;
  amount: number;
}

/**
 * A credit note line item as listed under `credit_note.lines`. fixtures3.json's own credit note
 * shows a custom line without `invoice_line_item`, as Stripe renders it; the key is dropped then.
 */
export function creditNoteLineItemShape(init: CreditNoteLineItemInit): Stripe.CreditNoteLineItem {
  const type =
    init.type ?? (init.invoice_line_item === undefined ? 'custom_line_item' : 'invoice_line_item');
  const custom = type === 'custom_line_item';
  if (!custom && init.invoice_line_item === undefined) {
    throw new Error(`credit note line ${init.id} credits an invoice line: give invoice_line_item`);
  }
  const quantity = init.quantity === undefined ? 1 : init.quantity;
  const unitAmount = custom ? Math.round(init.amount / (quantity || 1)) : null;
  const line = withInit<CreditNoteLineItemShape>(
    {
      id: init.id,
      object: 'credit_note_line_item',
      amount: init.amount,
      description: null,
      discount_amount: 0,
      discount_amounts: [],
      // Dropped below for a custom line, which credits no invoice line.
      invoice_line_item: init.invoice_line_item ?? '',
      livemode: false,
      metadata: {},
      pretax_credit_amounts: [],
      quantity,
      tax_rates: [],
      taxes: [],
      type,
      unit_amount: unitAmount,
      unit_amount_decimal: decimalOrNull(unitAmount),
    },
    init,
  );
  if (!custom) return line;
  const { invoice_line_item: _none, ...customLine } = line;
  return customLine;
}
