/**
 * A credit note's lines: crediting (part of) an invoice line, its discounts and taxes in
 * proportion, or a custom amount. Lines never change once issued; they are kept per credit note.
 */
import type Stripe from 'stripe';
import { invalidParam, missingParam } from '../errors.ts';
import { creditNoteLineItemShape } from '../shapes/credit-notes.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { lineOf } from './invoice-lines.ts';
import { type LineTax, sum } from './invoice-totals.ts';

/** What a credit note request asks of one line: part of an invoice line, or a custom amount. */
export interface CreditLineInput {
  type: 'invoice_line_item' | 'custom_line_item';
  invoiceLineItem?: string;
  quantity?: number;
  amount?: number;
  unitAmount?: number;
  description?: string;
  metadata?: Record<string, string>;
}

/** Every credit note's lines, by credit note id (this world's `credit-notes.lines` state). */
function allLines(world: World): Map<string, StripeRecord[]> {
  return world.state('credit-notes.lines', () => new Map<string, StripeRecord[]>());
}

/** Keeps a new credit note's lines. */
export function storeCreditNoteLines(
  world: World,
  creditNoteId: string,
  lines: StripeRecord[],
): void {
  allLines(world).set(creditNoteId, lines);
}

/** All lines of a credit note, in order. */
export function creditNoteLines(world: World, creditNoteId: string): StripeRecord[] {
  return allLines(world).get(creditNoteId) ?? [];
}

/** An invoice's credit notes, void ones included (callers filter by status as they need). */
export function creditNotesOf(world: World, invoiceId: string): StripeRecord[] {
  return world.all('credit_note').filter((cn) => cn.invoice === invoiceId);
}

/** How much of an invoice line issued credit notes already credit. */
function credited(world: World, invoiceId: string, lineId: string): number {
  return sum(
    creditNotesOf(world, invoiceId)
      .filter((cn) => cn.status !== 'void')
      .flatMap((cn) => creditNoteLines(world, cn.id))
      .filter((line) => line.invoice_line_item === lineId)
      .map((line) => line.amount as number),
  );
}

/** Builds the note's lines from the request (checking them; nothing is stored). */
export function buildLines(
  world: World,
  invoice: StripeRecord,
  input: { lines?: CreditLineInput[]; amount?: number },
): StripeRecord[] {
  const lines = input.lines ?? [];
  if (lines.length === 0) {
    if (input.amount === undefined)
      throw invalidParam('lines', 'You must pass either `lines` or `amount`.');
    return [
      plain(
        creditNoteLineItemShape({
          id: newId('cnli', 24),
          amount: input.amount,
          type: 'custom_line_item',
          unit_amount: input.amount,
          quantity: 1,
        }),
      ),
    ];
  }
  return lines.map((line, i) => {
    const param = `lines[${i}]`;
    if (line.type === 'custom_line_item') {
      if (line.unitAmount === undefined) throw missingParam(`${param}[unit_amount]`);
      if (line.description === undefined) throw missingParam(`${param}[description]`);
      const quantity = line.quantity ?? 1;
      return plain(
        creditNoteLineItemShape({
          id: newId('cnli', 24),
          amount: line.unitAmount * quantity,
          type: 'custom_line_item',
          unit_amount: line.unitAmount,
          quantity,
          description: line.description,
          metadata: line.metadata ?? {},
        }),
      );
    }
    if (line.invoiceLineItem === undefined) throw missingParam(`${param}[invoice_line_item]`);
    const invoiceLine = lineOf(world, invoice, line.invoiceLineItem, `${param}[invoice_line_item]`);
    const lineAmount = invoiceLine.amount as number;
    const left = lineAmount - credited(world, invoice.id, invoiceLine.id);
    const quantity = line.quantity;
    const lineQuantity = (invoiceLine.quantity as number | null) ?? 1;
    if (quantity !== undefined && quantity > lineQuantity) {
      throw invalidParam(
        `${param}[quantity]`,
        `The quantity (${quantity}) can't exceed the invoice line's (${lineQuantity}).`,
      );
    }
    const gross =
      line.amount ??
      (quantity === undefined ? left : Math.round((lineAmount * quantity) / (lineQuantity || 1)));
    if (gross <= 0 || gross > left) {
      throw invalidParam(
        `${param}[${line.amount === undefined ? 'quantity' : 'amount'}]`,
        `The amount credited (${gross}) must be more than 0 and at most what is left to credit on the invoice line (${left}).`,
      );
    }
    const ratio = lineAmount === 0 ? 0 : gross / lineAmount;
    const discounts = (invoiceLine.discount_amounts as { amount: number; discount: string }[]).map(
      (d) => ({
        amount: Math.round(d.amount * ratio),
        discount: d.discount,
      }),
    );
    const taxes = ((invoiceLine.taxes as LineTax[] | null) ?? []).map((t) => ({
      ...t,
      amount: Math.round(t.amount * ratio),
      taxable_amount: t.taxable_amount === null ? null : Math.round(t.taxable_amount * ratio),
    }));
    return plain(
      creditNoteLineItemShape({
        id: newId('cnli', 24),
        amount: gross,
        type: 'invoice_line_item',
        invoice_line_item: invoiceLine.id,
        quantity: quantity ?? (gross === lineAmount ? lineQuantity : null),
        description: line.description ?? (invoiceLine.description as string | null),
        discount_amount: sum(discounts.map((d) => d.amount)),
        discount_amounts: discounts,
        taxes: taxes as Stripe.CreditNoteLineItem.Tax[],
        metadata: line.metadata ?? {},
      }),
    );
  });
}

/** A shape as stored JSON (Stripe.Decimal values become strings). */
function plain(object: object): StripeRecord {
  return JSON.parse(JSON.stringify(object)) as StripeRecord;
}

/** Per-discount totals over the lines. */
export function aggregateDiscounts(lines: StripeRecord[]): Stripe.CreditNote.DiscountAmount[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    for (const d of line.discount_amounts as { amount: number; discount: string }[]) {
      totals.set(d.discount, (totals.get(d.discount) ?? 0) + d.amount);
    }
  }
  return [...totals].map(([discount, amount]) => ({ amount, discount }));
}
