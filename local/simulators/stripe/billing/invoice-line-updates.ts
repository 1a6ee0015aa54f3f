/**
 * Changing a draft invoice's lines: `POST /v1/invoices/:id/lines/:line_id`, `update_lines`,
 * `add_lines` and `remove_lines`. What lives on the invoice item (amount, quantity, price,
 * period, description, discounts, metadata) is changed on the item too; `tax_amounts` live on
 * the line only. Every line is checked before any is changed, so a request is all or nothing.
 */
import { invalidParam } from '../errors.ts';
import { mergeMetadata } from '../form.ts';
import type { StripeRecord, World } from '../world.ts';
import { invoiceDiscounts } from './discounts.ts';
import { createItem, deleteItem, unassignItem, updateItem } from './invoice-items.ts';
import {
  assertDraft,
  check,
  checkAdds,
  checkAllDiscounts,
  type LineUpdate,
} from './invoice-line-checks.ts';
import { addItemLine, itemIdOfLine, lineOf } from './invoice-lines.ts';
import { lineTaxes } from './invoice-taxes.ts';
import { changeInvoice } from './invoice-totals.ts';

/** Applies a checked update to a line (and its invoice item), without recomputing the invoice. */
function apply(world: World, invoice: StripeRecord, line: StripeRecord, update: LineUpdate): void {
  const at = world.timeFor(invoice.customer as string);
  const itemId = itemIdOfLine(line);
  const item = itemId === null ? undefined : world.find(itemId);
  if (item !== undefined) {
    updateItem(
      world,
      item,
      {
        amount: update.amount,
        price: update.price === undefined ? undefined : world.get('price', update.price),
        quantity: update.quantity,
        description: update.description,
        discountable: update.discountable,
        ...(update.discounts === null ? { discounts: [] } : { discountSpecs: update.discounts }),
        metadata:
          update.metadata === undefined
            ? undefined
            : mergeMetadata(item.metadata as Record<string, string>, update.metadata),
        period: update.period,
      },
      { syncInvoice: false },
    );
  } else {
    if (update.description !== undefined) line.description = update.description;
    if (update.discountable !== undefined) line.discountable = update.discountable;
    if (update.metadata !== undefined)
      line.metadata = mergeMetadata(line.metadata as Record<string, string>, update.metadata);
    if (update.discounts !== undefined)
      line.discounts = invoiceDiscounts(world, invoice, update.discounts, at);
  }
  if (update.taxAmounts !== undefined)
    line.taxes = update.taxAmounts === null ? [] : lineTaxes(world, update.taxAmounts, at);
}

/** `POST /v1/invoices/:id/lines/:line_id`: updates one line; invoice.updated. */
export function updateLine(
  world: World,
  invoice: StripeRecord,
  lineId: string,
  update: LineUpdate,
): StripeRecord {
  assertDraft(invoice);
  const line = lineOf(world, invoice, lineId, 'line_item_id');
  check(world, invoice, line, update, 'line');
  changeInvoice(world, invoice, () => apply(world, invoice, line, update));
  return world.find(line.id) ?? line;
}

/** `update_lines`: updates several lines at once; one invoice.updated. */
export function updateLines(
  world: World,
  invoice: StripeRecord,
  updates: LineUpdate[],
  invoiceMetadata?: Record<string, string | null> | 'clear',
): void {
  assertDraft(invoice);
  const lines = updates.map((update, i) => {
    const line = lineOf(world, invoice, update.id ?? '', `lines[${i}][id]`);
    check(world, invoice, line, update, `lines[${i}]`);
    return line;
  });
  checkAllDiscounts(world, invoice, updates);
  changeInvoice(world, invoice, () => {
    updates.forEach((update, i) => {
      apply(world, invoice, lines[i] as StripeRecord, update);
    });
    if (invoiceMetadata !== undefined)
      invoice.metadata = mergeMetadata(invoice.metadata as Record<string, string>, invoiceMetadata);
  });
}

/** `add_lines`: pending invoice items put on the invoice, or new items created on it. */
export function addLines(
  world: World,
  invoice: StripeRecord,
  adds: LineUpdate[],
  invoiceMetadata?: Record<string, string | null> | 'clear',
): void {
  assertDraft(invoice);
  checkAdds(world, invoice, adds);
  changeInvoice(world, invoice, () => {
    const at = world.timeFor(invoice.customer as string);
    for (const add of adds) {
      let line: StripeRecord;
      if (add.invoiceItem !== undefined) {
        const item = world.get('invoiceitem', add.invoiceItem);
        line = addItemLine(world, invoice, item);
        apply(world, invoice, line, { ...add, invoiceItem: undefined });
        continue;
      }
      const item = createItem(
        world,
        {
          customer: invoice.customer as string,
          currency: invoice.currency as string,
          invoice: invoice.id,
          ...(add.amount === undefined ? {} : { amount: add.amount }),
          ...(add.price === undefined ? {} : { price: add.price }),
          ...(add.quantity === undefined ? {} : { quantity: add.quantity }),
          description: add.description ?? null,
          period: add.period ?? { start: at, end: at },
          metadata: add.metadata === undefined ? {} : mergeMetadata({}, add.metadata),
          ...(add.discounts ? { discountSpecs: add.discounts } : {}),
          ...(add.discountable === undefined ? {} : { discountable: add.discountable }),
        },
        { syncInvoice: false },
      );
      line = world.all('line_item').find((l) => itemIdOfLine(l) === item.id) as StripeRecord;
      if (add.taxAmounts) line.taxes = lineTaxes(world, add.taxAmounts, at);
    }
    if (invoiceMetadata !== undefined)
      invoice.metadata = mergeMetadata(invoice.metadata as Record<string, string>, invoiceMetadata);
  });
}

/** `remove_lines`: each invoice item's line deleted with it, or the item left pending. */
export function removeLines(
  world: World,
  invoice: StripeRecord,
  removals: { id: string; behavior: 'delete' | 'unassign' }[],
  invoiceMetadata?: Record<string, string | null> | 'clear',
): void {
  assertDraft(invoice);
  const items = removals.map((removal, i) => {
    const line = lineOf(world, invoice, removal.id, `lines[${i}][id]`);
    const itemId = itemIdOfLine(line);
    if (itemId === null) {
      throw invalidParam(
        `lines[${i}][id]`,
        "A subscription's line can't be removed from its invoice; change the subscription instead.",
      );
    }
    return world.get('invoiceitem', itemId);
  });
  changeInvoice(world, invoice, () => {
    removals.forEach((removal, i) => {
      const item = items[i] as StripeRecord;
      if (removal.behavior === 'delete') deleteItem(world, item, { syncInvoice: false });
      else unassignItem(world, item);
    });
    if (invoiceMetadata !== undefined)
      invoice.metadata = mergeMetadata(invoice.metadata as Record<string, string>, invoiceMetadata);
  });
}
