/**
 * A customer's currency through the official SDK: the first invoice item fixes it
 * (customer.updated), and Stripe then refuses invoice items and invoices in another currency
 * with a 400 naming the parameter, before anything is created.
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

describe('a customer’s currency', () => {
  it('is fixed by the first invoice item', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    const count = sim.world.allEvents().length;

    // Act
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'eur' });
    const billed = await stripe.customers.retrieve(customer.id);
    const events = sim.world.allEvents().slice(count);

    // Assess
    expect(customer.currency).toBeNull();
    expect(billed).toMatchObject({ currency: 'eur' });
    expect(events.map((e) => e.type)).toEqual(['customer.updated', 'invoiceitem.created']);
    expect(events[0]?.data).toMatchObject({ previous_attributes: { currency: null } });
  });

  it('refuses invoice items and invoices in another currency, creating nothing', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'usd' });
    const count = sim.world.allEvents().length;

    // Act
    const item = await rejection(
      stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'eur' }),
    );
    const invoice = await rejection(
      stripe.invoices.create({ customer: customer.id, currency: 'eur' }),
    );
    const same = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });

    // Assess
    for (const error of [item, invoice]) {
      expect([error.statusCode, error.param]).toEqual([400, 'currency']);
      expect(error.message).toContain('You cannot combine currencies on a single customer');
    }
    expect(
      sim.world
        .allEvents()
        .slice(count)
        .map((e) => e.type),
    ).toEqual(['invoice.created']);
    expect(same.currency).toBe('usd');
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(1);
  });
});
