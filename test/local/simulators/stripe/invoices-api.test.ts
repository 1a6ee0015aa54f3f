/**
 * The invoice API’s checks and lists through the official SDK: Stripe’s parameter errors,
 * updates after finalization (invoice.updated with previous_attributes), pending invoice items
 * pulled in only when asked, and listing by customer, status, collection method and created.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  cardCustomer,
  draftInvoice,
  lastEvent,
  rejectionOf,
  useSimulator,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

describe('creating, updating and listing invoices', () => {
  it('checks parameters with Stripe’s errors', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const open = await draftInvoice(t.stripe, jenny.id);
    await t.stripe.invoices.finalizeInvoice(open.id);

    // Act
    const noCustomer = await rejectionOf(t.stripe.invoices.create({}));
    const unknownCustomer = await rejectionOf(
      t.stripe.invoices.create({ customer: 'cus_missing' }),
    );
    const unknownParam = await rejectionOf(
      t.stripe.invoices.create({ customer: jenny.id, colour: 'red' } as Stripe.InvoiceCreateParams),
    );
    const badCoupon = await rejectionOf(
      t.stripe.invoices.create({ customer: jenny.id, discounts: [{ coupon: 'nope' }] }),
    );
    const missing = await rejectionOf(t.stripe.invoices.retrieve('in_missing'));
    const finalizedDiscounts = await rejectionOf(
      t.stripe.invoices.update(open.id, { collection_method: 'send_invoice' }),
    );
    const described = await t.stripe.invoices.update(open.id, {
      description: 'Thanks!',
      metadata: { po: '7' },
    });
    const updated = lastEvent(t.sim);

    // Assess
    expect([noCustomer.statusCode, noCustomer.code, noCustomer.param]).toEqual([
      400,
      'parameter_missing',
      'customer',
    ]);
    expect([unknownCustomer.statusCode, unknownCustomer.param, unknownCustomer.message]).toEqual([
      404,
      'customer',
      "No such customer: 'cus_missing'",
    ]);
    expect([unknownParam.code, unknownParam.param]).toEqual(['parameter_unknown', 'colour']);
    expect([badCoupon.statusCode, badCoupon.param]).toEqual([404, 'discounts[0][coupon]']);
    expect([missing.statusCode, missing.message]).toEqual([404, "No such invoice: 'in_missing'"]);
    expect(finalizedDiscounts.statusCode).toBe(400);
    expect(described).toMatchObject({ description: 'Thanks!', metadata: { po: '7' } });
    expect(updated.type).toBe('invoice.updated');
    expect(updated.data.previous_attributes).toEqual({ description: null, metadata: {} });
  });

  it('pulls pending invoice items in only when asked to', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const pending = await t.stripe.invoiceItems.create({
      customer: jenny.id,
      amount: 1_200,
      currency: 'usd',
    });

    // Act
    const excluded = await t.stripe.invoices.create({ customer: jenny.id });
    const included = await t.stripe.invoices.create({
      customer: jenny.id,
      pending_invoice_items_behavior: 'include',
    });
    const item = await t.stripe.invoiceItems.retrieve(pending.id);

    // Assess
    expect(excluded.lines.data).toEqual([]);
    expect(included.lines.data.map((l) => l.parent?.invoice_item_details?.invoice_item)).toEqual([
      pending.id,
    ]);
    expect(included.amount_due).toBe(1_200);
    expect(item.invoice).toBe(included.id);
  });

  it('lists invoices by customer, status and collection method, page by page', async () => {
    // Prepare
    const lister = await cardCustomer(t.stripe);
    const a = await draftInvoice(t.stripe, lister.id);
    const b = await draftInvoice(t.stripe, lister.id);
    const c = await draftInvoice(t.stripe, lister.id, {
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    await t.stripe.invoices.finalizeInvoice(b.id);

    // Act
    const all = await t.stripe.invoices.list({ customer: lister.id });
    const drafts = await t.stripe.invoices.list({ customer: lister.id, status: 'draft' });
    const sendInvoice = await t.stripe.invoices.list({
      customer: lister.id,
      collection_method: 'send_invoice',
    });
    const firstPage = await t.stripe.invoices.list({ customer: lister.id, limit: 2 });
    const secondPage = await t.stripe.invoices.list({
      customer: lister.id,
      limit: 2,
      starting_after: firstPage.data[1]?.id as string,
    });
    const recent = await t.stripe.invoices.list({
      customer: lister.id,
      created: { gte: a.created },
    });

    // Assess
    expect(all.data.map((i) => i.id)).toEqual([c.id, b.id, a.id]);
    expect(drafts.data.map((i) => i.id)).toEqual([c.id, a.id]);
    expect(sendInvoice.data.map((i) => i.id)).toEqual([c.id]);
    expect([firstPage.data.length, firstPage.has_more]).toEqual([2, true]);
    expect([secondPage.data.map((i) => i.id), secondPage.has_more]).toEqual([[a.id], false]);
    expect(recent.data).toHaveLength(3);
  });
});
