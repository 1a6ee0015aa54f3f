/**
 * An invoice's arithmetic, as Stripe does it: each line's own discounts first, then the invoice's
 * discounts over every discountable line (an `amount_off` split in proportion to what is left of
 * each); taxes as given per line (third-party amounts), exclusive ones added to the total; the
 * customer's balance applied to what is due; pre-payment credit notes taken off it.
 */

import type { StripeRecord, World } from '../world.ts';
import { changedSince } from './diff.ts';
import { discountAmount } from './discounts.ts';
import { embedLines, linesOf } from './invoice-lines.ts';

/** A Stripe finalizes a draft with `auto_advance` about an hour after creating it. */
export const AUTO_FINALIZE_SECONDS = 60 * 60;

interface DiscountShare {
  amount: number;
  discount: string;
}

/** A tax on an invoice line (and, summed, on the invoice), as Stripe renders `taxes[]`. */
export interface LineTax {
  amount: number;
  tax_behavior: 'exclusive' | 'inclusive';
  tax_rate_details: { tax_rate: string } | null;
  taxability_reason: string;
  taxable_amount: number | null;
  type: 'tax_rate_details';
}

/** The total of some amounts (lines, discounts, taxes, credit notes), 0 for none. */
export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** `total` split over `weights` in proportion, the rounding left over going to the largest parts. */
export function apportion(total: number, weights: number[]): number[] {
  const whole = sum(weights);
  if (whole <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / whole);
  const parts = exact.map(Math.floor);
  let left = total - sum(parts);
  const order = exact
    .map((e, i) => ({ i, rest: e - Math.floor(e) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

/** Recomputes each draft line's `discount_amounts` from the line's and the invoice's discounts. */
function discountLines(world: World, invoice: StripeRecord, lines: StripeRecord[]): void {
  const currency = invoice.currency as string;
  const left = new Map<string, number>();
  const shares = new Map<string, DiscountShare[]>();
  for (const line of lines) {
    const list: DiscountShare[] = [];
    let rest = line.discountable === true ? Math.max(0, line.amount as number) : 0;
    if (line.discountable === true) {
      for (const discount of line.discounts as string[]) {
        const amount = discountAmount(world, discount, rest, currency);
        list.push({ amount, discount });
        rest -= amount;
      }
    }
    shares.set(line.id, list);
    left.set(line.id, rest);
  }
  for (const discount of invoice.discounts as string[]) {
    const eligible = lines.filter(
      (line) => line.discountable === true && (left.get(line.id) ?? 0) > 0,
    );
    const weights = eligible.map((line) => left.get(line.id) ?? 0);
    const parts = apportion(discountAmount(world, discount, sum(weights), currency), weights);
    eligible.forEach((line, i) => {
      const amount = parts[i] ?? 0;
      shares.get(line.id)?.push({ amount, discount });
      left.set(line.id, (left.get(line.id) ?? 0) - amount);
    });
  }
  for (const line of lines) line.discount_amounts = shares.get(line.id) ?? [];
}

/** Per-discount totals over all lines, in the order the discounts first appear. */
function totalDiscounts(lines: StripeRecord[]): DiscountShare[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    for (const share of line.discount_amounts as DiscountShare[]) {
      totals.set(share.discount, (totals.get(share.discount) ?? 0) + share.amount);
    }
  }
  return [...totals].map(([discount, amount]) => ({ amount, discount }));
}

/** Taxes summed per tax rate, behaviour and taxability reason. */
export function totalTaxes(taxes: LineTax[]): LineTax[] {
  const totals = new Map<string, LineTax>();
  for (const tax of taxes) {
    const key = `${tax.tax_rate_details?.tax_rate}|${tax.tax_behavior}|${tax.taxability_reason}`;
    const seen = totals.get(key);
    if (seen === undefined) {
      totals.set(key, structuredClone(tax));
    } else {
      seen.amount += tax.amount;
      seen.taxable_amount = (seen.taxable_amount ?? 0) + (tax.taxable_amount ?? 0);
    }
  }
  return [...totals.values()];
}

/** What the customer's balance does to a total: the amount due and the balance left after. */
export function applyBalance(
  total: number,
  startingBalance: number,
): { due: number; ending: number } {
  const owed = total + startingBalance;
  return { due: Math.max(0, owed), ending: Math.min(0, owed) };
}

/** Recomputes the invoice's totals and embedded lines from its lines (discounts only on drafts). */
export function recompute(world: World, invoice: StripeRecord): void {
  const lines = linesOf(world, invoice.id);
  const draft = invoice.status === 'draft';
  if (draft) discountLines(world, invoice, lines);
  const subtotal = sum(lines.map((line) => line.amount as number));
  const discounts = totalDiscounts(lines);
  const discount = sum(discounts.map((d) => d.amount));
  const taxes = lines.flatMap((line) => (line.taxes as LineTax[] | null) ?? []);
  const exclusive = sum(taxes.filter((t) => t.tax_behavior === 'exclusive').map((t) => t.amount));
  const inclusive = sum(taxes.filter((t) => t.tax_behavior === 'inclusive').map((t) => t.amount));
  const total = subtotal - discount + exclusive;
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal - inclusive;
  invoice.total = total;
  invoice.total_excluding_tax = total - exclusive - inclusive;
  invoice.total_discount_amounts = discounts;
  invoice.total_taxes = totalTaxes(taxes);
  if (draft) {
    const customer = world.find(invoice.customer as string);
    invoice.starting_balance = (customer?.balance as number | undefined) ?? 0;
    invoice.amount_due = applyBalance(total, invoice.starting_balance as number).due;
    invoice.automatically_finalizes_at =
      invoice.auto_advance === true ? (invoice.created as number) + AUTO_FINALIZE_SECONDS : null;
  } else {
    const due = applyBalance(total, invoice.starting_balance as number).due;
    invoice.amount_due = Math.max(0, due - (invoice.pre_payment_credit_notes_amount as number));
  }
  invoice.amount_remaining = Math.max(
    0,
    (invoice.amount_due as number) - (invoice.amount_paid as number),
  );
  embedLines(world, invoice);
}

/**
 * Runs `mutate`, recomputes the invoice and, when anything changed, emits invoice.updated with
 * the previous values of the changed fields. Returns them.
 */
export function changeInvoice(
  world: World,
  invoice: StripeRecord,
  mutate?: () => void,
): Record<string, unknown> {
  const before = structuredClone(invoice);
  mutate?.();
  recompute(world, invoice);
  const previous = changedSince(before, invoice);
  if (Object.keys(previous).length > 0) world.emit('invoice.updated', invoice, previous);
  return previous;
}
