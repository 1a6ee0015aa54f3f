/**
 * Managing credit notes through the official SDK: numbering, updating memo and metadata,
 * voiding (what was credited given back to the invoice), listing by invoice and customer.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';

let sim: StripeSimulator;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  const product = await stripe.products.create({ name: 'Seat' });
  price = await stripe.prices.create({ product: product.id, unit_amount: 3_000, currency: 'usd' });
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

async function eventsOf(act: () => Promise<unknown>): Promise<string[]> {
  const before = sim.world.allEvents().length;
  await act();
  return sim.world
    .allEvents()
    .slice(before)
    .map((e) => e.type as string);
}

/** A finalized invoice of 2 seats ($60) and a $40 fee, paid when asked. */
async function invoice(options: { pay?: boolean } = {}): Promise<Stripe.Invoice> {
  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const draft = await stripe.invoices.create({ customer: customer.id });
  await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    pricing: { price: price.id },
    quantity: 2,
  });
  await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    amount: 4_000,
    currency: 'usd',
    description: 'Fee',
  });
  const open = await stripe.invoices.finalizeInvoice(draft.id);
  return options.pay ? stripe.invoices.pay(open.id) : open;
}

describe('managing credit notes', () => {
  it('updates, voids, lists and numbers them', async () => {
    // Prepare
    const open = await invoice();
    const first = await stripe.creditNotes.create({ invoice: open.id, amount: 1_000 });
    const second = await stripe.creditNotes.create({ invoice: open.id, amount: 500 });

    // Act
    const updated = await stripe.creditNotes.update(first.id, {
      memo: 'Discount agreed',
      metadata: { ticket: '12' },
    });
    const voidEvents = await eventsOf(() => stripe.creditNotes.voidCreditNote(first.id));
    const voided = await stripe.creditNotes.retrieve(first.id);
    const twice = await rejection(stripe.creditNotes.voidCreditNote(first.id));
    const after = await stripe.invoices.retrieve(open.id);
    const byInvoice = await stripe.creditNotes.list({ invoice: open.id });
    const byCustomer = await stripe.creditNotes.list({
      customer: open.customer as string,
      limit: 1,
    });
    const missing = await rejection(stripe.creditNotes.retrieve('cn_missing'));

    // Assess
    expect(second.number).toBe(`${open.number}-CN-02`);
    expect(updated).toMatchObject({ memo: 'Discount agreed', metadata: { ticket: '12' } });
    expect(voidEvents).toEqual(['credit_note.voided', 'invoice.updated']);
    expect(voided).toMatchObject({ status: 'void', voided_at: expect.any(Number) });
    expect(twice.statusCode).toBe(400);
    expect(after).toMatchObject({ pre_payment_credit_notes_amount: 500, amount_due: 9_500 });
    expect(byInvoice.data.map((n) => n.id)).toEqual([second.id, first.id]);
    expect([byCustomer.data.length, byCustomer.has_more]).toEqual([1, true]);
    expect([missing.statusCode, missing.message]).toEqual([
      404,
      "No such credit note: 'cn_missing'",
    ]);
  });
});
