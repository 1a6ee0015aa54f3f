/**
 * Credit notes: crediting (part of) a finalized invoice. What the note credits first lowers what
 * is still due (`pre_payment_amount`); the rest (`post_payment_amount`, on what was paid) must be
 * refunded, credited to the customer's balance or recorded as settled outside Stripe, in sums
 * that add up to it, as Stripe requires. Lines credit invoice lines (their discounts and taxes in
 * proportion) or are custom amounts.
 */
import type Stripe from 'stripe';
import { invalidParam, invalidState } from '../errors.ts';
import { creditNoteShape } from '../shapes/credit-notes.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import {
  aggregateDiscounts,
  buildLines,
  type CreditLineInput,
  creditNotesOf,
  storeCreditNoteLines,
} from './invoice-credit-lines.ts';
import {
  changeBalance,
  closeOpenPayment,
  intentOf,
  markPaid,
  paymentsOf,
  syncIntentAmount,
} from './invoice-payments.ts';
import { changeInvoice, type LineTax, sum, totalTaxes } from './invoice-totals.ts';
import { refundPayment } from './refunds.ts';

/** What a credit note is made of (`POST /v1/credit_notes`, and its preview). */
export interface CreditNoteInput {
  lines?: CreditLineInput[];
  amount?: number;
  reason?: Stripe.CreditNote.Reason;
  memo?: string;
  metadata?: Record<string, string>;
  refundAmount?: number;
  creditAmount?: number;
  outOfBandAmount?: number;
  effectiveAt?: number;
}

/** Issues a credit note on an open or paid invoice; credit_note.created, invoice.updated. */
export function issueCreditNote(
  world: World,
  invoice: StripeRecord,
  input: CreditNoteInput,
): StripeRecord {
  if (invoice.status !== 'open' && invoice.status !== 'paid') {
    throw invalidState(
      `You can only issue credit notes on open or paid invoices; this invoice is ${invoice.status as string}.`,
      'invoice',
    );
  }
  const lines = buildLines(world, invoice, input);
  const subtotal = sum(lines.map((l) => l.amount as number));
  const discount = sum(lines.map((l) => l.discount_amount as number));
  const taxes = lines.flatMap((l) => (l.taxes as LineTax[] | null) ?? []);
  const exclusive = sum(taxes.filter((t) => t.tax_behavior === 'exclusive').map((t) => t.amount));
  const inclusive = sum(taxes.filter((t) => t.tax_behavior === 'inclusive').map((t) => t.amount));
  const total = subtotal - discount + exclusive;
  if (input.amount !== undefined && (input.lines?.length ?? 0) > 0 && input.amount !== total) {
    throw invalidParam(
      'amount',
      `The amount (${input.amount}) must equal the total of the credit note's lines (${total}).`,
    );
  }
  const creditable =
    (invoice.total as number) -
    (invoice.pre_payment_credit_notes_amount as number) -
    (invoice.post_payment_credit_notes_amount as number);
  if (total <= 0 || total > creditable) {
    throw invalidParam(
      'amount',
      `The credit note's total (${total}) must be more than 0 and at most what is left to credit on the invoice (${creditable}).`,
    );
  }
  const pre = invoice.status === 'open' ? Math.min(total, invoice.amount_remaining as number) : 0;
  const post = total - pre;
  const refund = input.refundAmount ?? 0;
  const credit = input.creditAmount ?? 0;
  const outOfBand = input.outOfBandAmount ?? 0;
  if (refund + credit + outOfBand !== post) {
    throw invalidParam(
      post === 0 ? 'refund_amount' : 'out_of_band_amount',
      `The sum of refund_amount (${refund}), credit_amount (${credit}) and out_of_band_amount (${outOfBand}) must equal the credit note's post-payment amount (${post}).`,
    );
  }
  const payment = paymentsOf(world, invoice.id).find((p) => p.status === 'paid');
  const intent = payment === undefined ? undefined : intentOf(world, payment);
  if (refund > 0) {
    const refunded = sum(
      creditNotesOf(world, invoice.id).flatMap((cn) =>
        (cn.refunds as { amount_refunded: number }[]).map((r) => r.amount_refunded),
      ),
    );
    const refundable = ((payment?.amount_paid as number | undefined) ?? 0) - refunded;
    if (intent === undefined || refund > refundable) {
      throw invalidParam(
        'refund_amount',
        `The refund amount (${refund}) can't exceed what was paid on the invoice and not refunded (${Math.max(0, refundable)}).`,
      );
    }
  }
  const at = world.timeFor(invoice.customer as string);
  const id = newId('cn', 24);
  const refunds: Stripe.CreditNote.Refund[] = [];
  if (refund > 0 && intent !== undefined) {
    const reason =
      input.reason === 'duplicate' || input.reason === 'fraudulent'
        ? input.reason
        : 'requested_by_customer';
    const record = refundPayment(world, { paymentIntent: intent.id, amount: refund, reason });
    refunds.push({
      amount_refunded: refund,
      payment_record_refund: null,
      refund: record.id,
      type: 'refund',
    });
  }
  const transaction =
    credit > 0
      ? changeBalance(world, invoice.customer as string, {
          amount: -credit,
          currency: invoice.currency as string,
          type: 'credit_note',
          creditNote: id,
          invoice: invoice.id,
          at,
        })
      : undefined;
  const number = `${invoice.number as string}-CN-${String(creditNotesOf(world, invoice.id).length + 1).padStart(2, '0')}`;
  const creditNote = world.insert(
    creditNoteShape({
      id,
      created: at,
      customer: invoice.customer as string,
      currency: invoice.currency as string,
      invoice: invoice.id,
      number,
      lines: lines.slice(0, 10) as unknown as Stripe.CreditNoteLineItem[],
      lines_has_more: lines.length > 10,
      amount: total,
      subtotal,
      subtotal_excluding_tax: subtotal - inclusive,
      total,
      total_excluding_tax: total - exclusive - inclusive,
      discount_amount: discount,
      discount_amounts: aggregateDiscounts(lines),
      total_taxes: totalTaxes(taxes) as Stripe.CreditNote.TotalTax[],
      type: pre > 0 && post > 0 ? 'mixed' : post > 0 ? 'post_payment' : 'pre_payment',
      pre_payment_amount: pre,
      post_payment_amount: post,
      out_of_band_amount: outOfBand > 0 ? outOfBand : null,
      refunds,
      customer_balance_transaction: transaction?.id ?? null,
      reason: input.reason ?? null,
      memo: input.memo ?? null,
      metadata: input.metadata ?? {},
      effective_at: input.effectiveAt ?? at,
    }),
  );
  storeCreditNoteLines(world, id, lines);
  world.emit('credit_note.created', creditNote);
  changeInvoice(world, invoice, () => {
    invoice.pre_payment_credit_notes_amount =
      (invoice.pre_payment_credit_notes_amount as number) + pre;
    invoice.post_payment_credit_notes_amount =
      (invoice.post_payment_credit_notes_amount as number) + post;
  });
  if (invoice.status === 'open' && (invoice.amount_remaining as number) === 0) {
    closeOpenPayment(world, invoice, at);
    markPaid(world, invoice, { at, outOfBand: true });
  } else {
    syncIntentAmount(world, invoice);
  }
  return creditNote;
}

/** Voids a credit note: what it took off the invoice and put on the balance is given back. */
export function voidCreditNote(world: World, creditNote: StripeRecord): StripeRecord {
  if (creditNote.status === 'void') throw invalidState('This credit note has already been voided.');
  if ((creditNote.refunds as unknown[]).length > 0)
    throw invalidState("A credit note with a refund can't be voided.");
  const invoice = world.get('invoice', creditNote.invoice as string);
  const pre = creditNote.pre_payment_amount as number;
  if (pre > 0 && invoice.status !== 'open') {
    throw invalidState(
      `This credit note can't be voided: its invoice is ${invoice.status as string}, no longer open.`,
    );
  }
  const at = world.timeFor(invoice.customer as string);
  if (typeof creditNote.customer_balance_transaction === 'string') {
    const transaction = world.find(creditNote.customer_balance_transaction);
    changeBalance(world, invoice.customer as string, {
      amount: -((transaction?.amount as number | undefined) ?? 0),
      currency: invoice.currency as string,
      type: 'credit_note',
      creditNote: creditNote.id,
      invoice: invoice.id,
      at,
    });
  }
  creditNote.status = 'void';
  creditNote.voided_at = at;
  world.emit('credit_note.voided', creditNote);
  changeInvoice(world, invoice, () => {
    invoice.pre_payment_credit_notes_amount =
      (invoice.pre_payment_credit_notes_amount as number) - pre;
    invoice.post_payment_credit_notes_amount =
      (invoice.post_payment_credit_notes_amount as number) -
      (creditNote.post_payment_amount as number);
  });
  syncIntentAmount(world, invoice);
  return creditNote;
}
