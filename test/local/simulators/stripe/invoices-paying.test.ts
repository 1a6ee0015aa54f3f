/**
 * Paying invoices through the official SDK: a decline answered with 402 and retried later, the
 * recovery with another card, no payment method, paid out of band, an ACH debit settling in the
 * background, and an invoice with nothing due.
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

/** Polls `check` until it gives a value (every 10 ms, for at most 5 s). */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out waiting for the state to change');
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

describe('paying', () => {
  it('answers a decline with a 402, retries later, and recovers with another card', async () => {
    // Prepare
    const failing = await customer({ payment_method: 'pm_card_chargeCustomerFail' });
    const invoice = await draft(failing.id, { auto_advance: true });
    await stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    let declined!: Stripe.errors.StripeError;
    const failureEvents = await eventsOf(async () => {
      declined = await rejection(stripe.invoices.pay(invoice.id));
    });
    const open = await stripe.invoices.retrieve(invoice.id);
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: failing.id });
    const recovered = await stripe.invoices.pay(invoice.id, { payment_method: card.id });

    // Assess
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect([declined.statusCode, declined.code, declined.decline_code, declined.message]).toEqual([
      402,
      'card_declined',
      'generic_decline',
      'Your card was declined.',
    ]);
    expect(failureEvents).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
    ]);
    expect(open).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempted: true,
      amount_paid: 0,
    });
    expect(open.next_payment_attempt).toBe(
      (open.status_transitions.finalized_at as number) + 3 * DAY,
    );
    expect(recovered).toMatchObject({
      status: 'paid',
      attempt_count: 1,
      next_payment_attempt: null,
      amount_paid: 3_000,
    });
  });

  it('refuses an invoice without a payment method, and marks one paid out of band', async () => {
    // Prepare
    const noCard = await stripe.customers.create();
    const invoice = await draft(noCard.id);

    // Act
    const missing = await rejection(stripe.invoices.pay(invoice.id));
    const untouched = await stripe.invoices.retrieve(invoice.id);
    const unknown = await rejection(
      stripe.invoices.pay(invoice.id, { payment_method: 'pm_missing' }),
    );
    const events = await eventsOf(() =>
      stripe.invoices.pay(invoice.id, { paid_out_of_band: true }),
    );
    const paid = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });

    // Assess
    expect([missing.statusCode, missing.message]).toEqual([
      400,
      expect.stringContaining('no attached payment source or default payment method'),
    ]);
    expect([unknown.statusCode, unknown.param]).toEqual([404, 'payment_method']);
    expect(untouched).toMatchObject({ status: 'draft', attempt_count: 0 });
    expect(events).toEqual([
      'payment_intent.created',
      'invoice.finalized',
      'payment_intent.canceled',
      'invoice.paid',
    ]);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 3_000, number: expect.any(String) });
    expect(paid.payments?.data[0]).toMatchObject({ status: 'canceled' });
  });

  it('settles an ACH debit in the background', async () => {
    // Prepare
    const bank = await customer({ payment_method: 'pm_usBankAccount_success' });
    const invoice = await draft(bank.id);

    // Act
    const processing = await stripe.invoices.pay(invoice.id);
    const settled = await until(async () => {
      const current = await stripe.invoices.retrieve(invoice.id);
      return current.status === 'paid' ? current : undefined;
    });

    // Assess
    expect(processing).toMatchObject({ status: 'open', amount_paid: 0 });
    expect(settled).toMatchObject({ status: 'paid', amount_paid: 3_000 });
  });

  it('refuses an unusable payment method before finalizing a draft: no change, no event', async () => {
    // Prepare
    const jenny = await customer();
    const other = await customer();
    const otherCard = other.invoice_settings.default_payment_method as string;
    const invoice = await draft(jenny.id);
    const before = await stripe.invoices.retrieve(invoice.id);

    // Act
    const count = sim.world.allEvents().length;
    const refused = await rejection(stripe.invoices.pay(invoice.id, { payment_method: otherCard }));
    const events = sim.world.allEvents().slice(count);
    const after = await stripe.invoices.retrieve(invoice.id);

    // Assess
    expect([refused.statusCode, refused.param]).toEqual([400, 'payment_method']);
    expect(refused.message).toContain('belongs to a different Customer');
    expect(events).toEqual([]);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'draft', number: null, attempt_count: 0 });
  });

  it('finalizes an invoice with nothing due straight to paid', async () => {
    // Prepare
    const free = await stripe.customers.create();
    const invoice = await stripe.invoices.create({ customer: free.id });

    // Act
    let paid!: Stripe.Invoice;
    const events = await eventsOf(async () => {
      paid = await stripe.invoices.finalizeInvoice(invoice.id);
    });

    // Assess
    expect(events).toEqual(['invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
    expect(paid).toMatchObject({ status: 'paid', amount_due: 0, amount_paid: 0 });
  });
});
