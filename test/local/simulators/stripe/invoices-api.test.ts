/**
 * The invoice API’s checks and lists through the official SDK: Stripe’s parameter errors,
 * updates after finalization (invoice.updated with previous_attributes), pending invoice items
 * pulled in only when asked, and listing by customer, status, collection method and created.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await sim?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

function customer(params: Stripe.CustomerCreateParams = {}) {
  return stripe.customers.create({
    email: 'jenny@example.com',
    name: 'Jenny Rosen',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: params.payment_method ?? 'pm_card_visa' },
    ...params,
  });
}

/** A draft with one $30 item, `auto_advance` as given. */
async function draft(customerId: string, params: Partial<Stripe.InvoiceCreateParams> = {}) {
  const invoice = await stripe.invoices.create({ customer: customerId, ...params });
  await stripe.invoiceItems.create({
    customer: customerId,
    invoice: invoice.id,
    amount: 3_000,
    currency: 'usd',
    description: 'Support',
  });
  return invoice;
}

/** The last event recorded, as its type, object and previous attributes. */
function lastEvent(): {
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
} {
  return sim.world.allEvents().at(-1) as unknown as ReturnType<typeof lastEvent>;
}

describe('creating, updating and listing invoices', () => {
  it('checks parameters with Stripe’s errors', async () => {
    // Prepare
    const jenny = await customer();
    const open = await draft(jenny.id);
    await stripe.invoices.finalizeInvoice(open.id);

    // Act
    const noCustomer = await rejection(stripe.invoices.create({}));
    const unknownCustomer = await rejection(stripe.invoices.create({ customer: 'cus_missing' }));
    const unknownParam = await rejection(
      stripe.invoices.create({ customer: jenny.id, colour: 'red' } as Stripe.InvoiceCreateParams),
    );
    const badCoupon = await rejection(
      stripe.invoices.create({ customer: jenny.id, discounts: [{ coupon: 'nope' }] }),
    );
    const missing = await rejection(stripe.invoices.retrieve('in_missing'));
    const finalizedDiscounts = await rejection(
      stripe.invoices.update(open.id, { collection_method: 'send_invoice' }),
    );
    const described = await stripe.invoices.update(open.id, {
      description: 'Thanks!',
      metadata: { po: '7' },
    });
    const updated = lastEvent();

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
    const jenny = await customer();
    const pending = await stripe.invoiceItems.create({
      customer: jenny.id,
      amount: 1_200,
      currency: 'usd',
    });

    // Act
    const excluded = await stripe.invoices.create({ customer: jenny.id });
    const included = await stripe.invoices.create({
      customer: jenny.id,
      pending_invoice_items_behavior: 'include',
    });
    const item = await stripe.invoiceItems.retrieve(pending.id);

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
    const lister = await customer();
    const a = await draft(lister.id);
    const b = await draft(lister.id);
    const c = await draft(lister.id, { collection_method: 'send_invoice', days_until_due: 30 });
    await stripe.invoices.finalizeInvoice(b.id);

    // Act
    const all = await stripe.invoices.list({ customer: lister.id });
    const drafts = await stripe.invoices.list({ customer: lister.id, status: 'draft' });
    const sendInvoice = await stripe.invoices.list({
      customer: lister.id,
      collection_method: 'send_invoice',
    });
    const firstPage = await stripe.invoices.list({ customer: lister.id, limit: 2 });
    const secondPage = await stripe.invoices.list({
      customer: lister.id,
      limit: 2,
      starting_after: firstPage.data[1]?.id as string,
    });
    const recent = await stripe.invoices.list({ customer: lister.id, created: { gte: a.created } });

    // Assess
    expect(all.data.map((i) => i.id)).toEqual([c.id, b.id, a.id]);
    expect(drafts.data.map((i) => i.id)).toEqual([c.id, a.id]);
    expect(sendInvoice.data.map((i) => i.id)).toEqual([c.id]);
    expect([firstPage.data.length, firstPage.has_more]).toEqual([2, true]);
    expect([secondPage.data.map((i) => i.id), secondPage.has_more]).toEqual([[a.id], false]);
    expect(recent.data).toHaveLength(3);
  });
});
