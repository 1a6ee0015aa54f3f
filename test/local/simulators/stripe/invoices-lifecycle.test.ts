/**
 * Closing invoices through the official SDK: voiding (its PaymentIntent canceled), marking
 * uncollectible, deleting drafts, sending `send_invoice` invoices, and the customer’s balance
 * applied at finalization and given back when voided.
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

const DAY = 86_400;

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

/** The types of the events `act` emits, in order. */
async function eventsOf(act: () => Promise<unknown>): Promise<string[]> {
  const before = sim.world.allEvents().length;
  await act();
  return sim.world
    .allEvents()
    .slice(before)
    .map((e) => e.type as string);
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

describe('closing an invoice', () => {
  it('voids an open invoice, cancelling its PaymentIntent', async () => {
    // Prepare
    const jenny = await customer();
    const invoice = await draft(jenny.id);
    const draftVoid = await rejection(stripe.invoices.voidInvoice(invoice.id));
    await stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    let voided!: Stripe.Invoice;
    const events = await eventsOf(async () => {
      voided = await stripe.invoices.voidInvoice(invoice.id, { expand: ['payments'] });
    });
    const pay = await rejection(stripe.invoices.pay(invoice.id));

    // Assess
    expect(draftVoid.statusCode).toBe(400);
    expect(events).toEqual(['payment_intent.canceled', 'invoice.voided']);
    expect(voided.status).toBe('void');
    expect(voided.status_transitions.voided_at).toEqual(expect.any(Number));
    const payment = voided.payments?.data[0];
    expect(payment?.status).toBe('canceled');
    const intent = await stripe.paymentIntents.retrieve(payment?.payment.payment_intent as string);
    expect([intent.status, intent.cancellation_reason]).toEqual(['canceled', 'void_invoice']);
    expect(pay.statusCode).toBe(400);
  });

  it('marks an invoice uncollectible, which can still be paid', async () => {
    // Prepare
    const jenny = await customer();
    const invoice = await draft(jenny.id);
    await stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    const events = await eventsOf(() => stripe.invoices.markUncollectible(invoice.id));
    const uncollectible = await stripe.invoices.retrieve(invoice.id);
    const paid = await stripe.invoices.pay(invoice.id);

    // Assess
    expect(events).toEqual(['invoice.marked_uncollectible']);
    expect(uncollectible.status).toBe('uncollectible');
    expect(uncollectible.status_transitions.marked_uncollectible_at).toEqual(expect.any(Number));
    expect(paid.status).toBe('paid');
  });

  it('deletes a draft, and only a draft', async () => {
    // Prepare
    const jenny = await customer();
    const invoice = await draft(jenny.id);
    const item = invoice.id && (await stripe.invoiceItems.list({ invoice: invoice.id })).data[0];
    const open = await draft(jenny.id);
    await stripe.invoices.finalizeInvoice(open.id);

    // Act
    const events = await eventsOf(() => stripe.invoices.del(invoice.id));
    const gone = await rejection(stripe.invoices.retrieve(invoice.id));
    const notDraft = await rejection(stripe.invoices.del(open.id));

    // Assess
    expect(events).toEqual(['invoiceitem.deleted', 'invoice.deleted']);
    expect([gone.statusCode, gone.message]).toEqual([404, `No such invoice: '${invoice.id}'`]);
    expect(
      await rejection(stripe.invoiceItems.retrieve((item as Stripe.InvoiceItem).id)),
    ).toMatchObject({ statusCode: 404 });
    expect([notDraft.statusCode, notDraft.message]).toEqual([
      400,
      'You can only delete draft invoices.',
    ]);
  });
});

describe('send_invoice invoices', () => {
  it('are due after days_until_due and sent to the customer', async () => {
    // Prepare
    const jenny = await customer();
    const invoice = await draft(jenny.id, {
      collection_method: 'send_invoice',
      days_until_due: 14,
    });

    // Act
    const events = await eventsOf(() => stripe.invoices.sendInvoice(invoice.id));
    const sent = await stripe.invoices.retrieve(invoice.id);
    const automatic = await draft(jenny.id);
    const refused = await rejection(stripe.invoices.sendInvoice(automatic.id));
    const noDueDate = await rejection(
      stripe.invoices.create({ customer: jenny.id, days_until_due: 3 }),
    );

    // Assess
    expect(invoice.due_date).toBe(invoice.created + 14 * DAY);
    expect(events).toEqual(['payment_intent.created', 'invoice.finalized', 'invoice.sent']);
    expect(sent).toMatchObject({
      status: 'open',
      collection_method: 'send_invoice',
      due_date: invoice.created + 14 * DAY,
      next_payment_attempt: null,
    });
    expect([refused.statusCode, refused.message]).toEqual([
      400,
      "You can only manually send an invoice if its collection method is 'send_invoice'.",
    ]);
    expect([noDueDate.statusCode, noDueDate.param]).toEqual([400, 'days_until_due']);
  });
});

describe('the customer’s balance', () => {
  it('is applied at finalization and given back when the invoice is voided', async () => {
    // Prepare
    const credited = await customer({ balance: -1_000 });
    const invoice = await draft(credited.id);

    // Act
    const before = await stripe.invoices.retrieve(invoice.id);
    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);
    const afterFinalize = await stripe.customers.retrieve(credited.id);
    await stripe.invoices.voidInvoice(invoice.id);
    const afterVoid = await stripe.customers.retrieve(credited.id);

    // Assess
    expect(before).toMatchObject({
      starting_balance: -1_000,
      amount_due: 2_000,
      ending_balance: null,
    });
    expect(finalized).toMatchObject({
      total: 3_000,
      starting_balance: -1_000,
      ending_balance: 0,
      amount_due: 2_000,
    });
    expect((afterFinalize as Stripe.Customer).balance).toBe(0);
    expect((afterVoid as Stripe.Customer).balance).toBe(-1_000);
  });
});
