/**
 * Invoice lines through the official SDK: the embedded first ten lines and paginating the rest,
 * updating one line (and its invoice item), add_lines and remove_lines, and line changes refused
 * once the invoice is finalized.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cardPayer,
  draftWithLines,
  rejectionOf,
  useSimulator,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });
let jenny: Stripe.Customer;
let product: Stripe.Product;

beforeAll(async () => {
  jenny = await cardPayer(t.stripe, { email: 'jenny@example.com' });
  product = await t.stripe.products.create({ name: 'Widget' });
});

describe('invoice lines', () => {
  it('embeds the first ten lines and pages through all of them in order', async () => {
    // Prepare
    const invoice = await draftWithLines(
      t.stripe,
      jenny.id,
      Array.from({ length: 12 }, (_, i) => 100 * (i + 1)),
    );

    // Act
    const first = await t.stripe.invoices.listLineItems(invoice.id, { limit: 5 });
    const second = await t.stripe.invoices.listLineItems(invoice.id, {
      limit: 5,
      starting_after: first.data[4]?.id as string,
    });
    const back = await t.stripe.invoices.listLineItems(invoice.id, {
      limit: 5,
      ending_before: second.data[0]?.id as string,
    });
    const all = await t.stripe.invoices
      .listLineItems(invoice.id, { limit: 5 })
      .autoPagingToArray({ limit: 100 });
    const missing = await rejectionOf(
      t.stripe.invoices.listLineItems(invoice.id, { starting_after: 'il_missing' }),
    );

    // Assess
    expect(invoice.lines.data).toHaveLength(10);
    expect(invoice.lines.has_more).toBe(true);
    expect(invoice.lines.url).toBe(`/v1/invoices/${invoice.id}/lines`);
    expect(invoice.subtotal).toBe(7_800);
    expect(all.map((l) => l.description)).toEqual(
      Array.from({ length: 12 }, (_, i) => `Item ${i + 1}`),
    );
    expect([first.has_more, second.has_more]).toEqual([true, true]);
    expect(back.data.map((l) => l.id)).toEqual(first.data.map((l) => l.id));
    expect(all.slice(0, 10).map((l) => l.id)).toEqual(invoice.lines.data.map((l) => l.id));
    expect(missing.statusCode).toBe(404);
  });

  it('updates one line, and its invoice item with it', async () => {
    // Prepare
    const price = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 700,
      currency: 'usd',
    });
    const invoice = await t.stripe.invoices.create({ customer: jenny.id });
    const item = await t.stripe.invoiceItems.create({
      customer: jenny.id,
      invoice: invoice.id,
      pricing: { price: price.id },
    });
    const line = (await t.stripe.invoices.listLineItems(invoice.id))
      .data[0] as Stripe.InvoiceLineItem;

    // Act
    const updated = await t.stripe.invoices.updateLineItem(invoice.id, line.id, {
      quantity: 3,
      description: 'Three widgets',
      metadata: { sku: 'W3' },
    });
    const after = await t.stripe.invoiceItems.retrieve(item.id);
    const total = (await t.stripe.invoices.retrieve(invoice.id)).total;
    const missing = await rejectionOf(
      t.stripe.invoices.updateLineItem(invoice.id, 'il_missing', { description: 'x' }),
    );

    // Assess
    expect(updated).toMatchObject({
      id: line.id,
      quantity: 3,
      amount: 2_100,
      description: 'Three widgets',
      metadata: { sku: 'W3' },
    });
    expect(after).toMatchObject({
      quantity: 3,
      amount: 2_100,
      description: 'Three widgets',
      metadata: { sku: 'W3' },
    });
    expect(total).toBe(2_100);
    expect([missing.statusCode, missing.param]).toEqual([404, 'line_item_id']);
  });

  it('adds and removes lines', async () => {
    // Prepare
    const invoice = await draftWithLines(t.stripe, jenny.id, [1_000, 2_000]);
    const pending = await t.stripe.invoiceItems.create({
      customer: jenny.id,
      amount: 500,
      currency: 'usd',
    });
    const [first, second] = invoice.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];

    // Act
    const added = await t.stripe.invoices.addLines(invoice.id, {
      lines: [{ invoice_item: pending.id }, { amount: 250, description: 'Extra' }],
    });
    const removed = await t.stripe.invoices.removeLines(invoice.id, {
      lines: [
        { id: first.id, behavior: 'delete' },
        { id: second.id, behavior: 'unassign' },
      ],
    });
    const unassigned = await t.stripe.invoiceItems.retrieve(
      second.parent?.invoice_item_details?.invoice_item as string,
    );
    const deleted = await rejectionOf(
      t.stripe.invoiceItems.retrieve(first.parent?.invoice_item_details?.invoice_item as string),
    );

    // Assess
    expect(added.lines.data.map((l) => l.amount)).toEqual([1_000, 2_000, 500, 250]);
    expect(added.total).toBe(3_750);
    expect(removed.lines.data.map((l) => l.amount)).toEqual([500, 250]);
    expect(removed.total).toBe(750);
    expect(unassigned.invoice).toBeNull();
    expect(deleted.statusCode).toBe(404);
  });

  it('refuses line changes once the invoice is finalized', async () => {
    // Prepare
    const invoice = await draftWithLines(t.stripe, jenny.id, [1_000]);
    const line = invoice.lines.data[0] as Stripe.InvoiceLineItem;
    await t.stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    const lines = await rejectionOf(
      t.stripe.invoices.updateLines(invoice.id, { lines: [{ id: line.id, description: 'x' }] }),
    );
    const one = await rejectionOf(
      t.stripe.invoices.updateLineItem(invoice.id, line.id, { description: 'x' }),
    );
    const item = await rejectionOf(
      t.stripe.invoiceItems.update(line.parent?.invoice_item_details?.invoice_item as string, {
        amount: 1,
      }),
    );
    const addItem = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: jenny.id,
        invoice: invoice.id,
        amount: 5,
        currency: 'usd',
      }),
    );

    // Assess
    expect([lines.statusCode, one.statusCode, item.statusCode, addItem.statusCode]).toEqual([
      400, 400, 400, 400,
    ]);
  });
});
