/**
 * The invoice item API through the official SDK: create (price_data, amount), update, list
 * (pending, by customer), delete, their events and shapes, and Stripe’s parameter errors.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

let sim: StripeSimulator;
let stripe: Stripe;
let jenny: Stripe.Customer;
let product: Stripe.Product;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  jenny = await stripe.customers.create({
    email: 'jenny@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  product = await stripe.products.create({ name: 'Widget' });
});

afterAll(async () => {
  await sim?.stop();
});

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

describe('invoice items', () => {
  it('creates, updates, lists and deletes pending items, with their events', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    const before = sim.world.allEvents().length;

    // Act
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      price_data: { currency: 'usd', product: product.id, unit_amount: 1_250 },
      quantity: 2,
      period: { start: 1_790_000_000, end: 1_792_592_000 },
      metadata: { source: 'test' },
    });
    const updated = await stripe.invoiceItems.update(item.id, {
      quantity: 4,
      description: 'Four widgets',
    });
    const other = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: -300,
      currency: 'usd',
    });
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const deleted = await stripe.invoiceItems.del(other.id);
    const remaining = await stripe.invoiceItems.list({ customer: customer.id });
    const types = sim.world
      .allEvents()
      .slice(before)
      .map((e) => e.type);

    // Assess
    expect(item).toMatchObject({
      amount: 2_500,
      quantity: 2,
      description: 'Widget',
      invoice: null,
      discountable: true,
      period: { start: 1_790_000_000, end: 1_792_592_000 },
    });
    expect(item.pricing?.price_details?.product).toBe(product.id);
    expect(updated).toMatchObject({ amount: 5_000, quantity: 4, description: 'Four widgets' });
    expect(other).toMatchObject({ discountable: false, net_amount: -300, pricing: null });
    expect(pending.data.map((i) => i.id)).toEqual([other.id, item.id]);
    expect(deleted).toEqual({ id: other.id, object: 'invoiceitem', deleted: true });
    expect(remaining.data.map((i) => i.id)).toEqual([item.id]);
    // The first item fixes the customer's currency; Stripe has no invoiceitem.updated event.
    expect(types).toEqual([
      'customer.updated',
      'invoiceitem.created',
      'invoiceitem.created',
      'invoiceitem.deleted',
    ]);
    expect(
      shapeMismatches('invoiceitem', json(updated), { conditional: ['pricing.price_details'] }),
    ).toEqual([]);
  });

  it('checks parameters with Stripe’s errors', async () => {
    // Prepare
    const recurring = await stripe.prices.create({
      product: product.id,
      unit_amount: 900,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const other = await stripe.customers.create();
    const foreign = await stripe.invoices.create({ customer: other.id });

    // Act
    const noCustomer = await rejection(
      stripe.invoiceItems.create({
        amount: 100,
        currency: 'usd',
      } as Stripe.InvoiceItemCreateParams),
    );
    const noAmount = await rejection(
      stripe.invoiceItems.create({ customer: jenny.id, currency: 'usd' }),
    );
    const noCurrency = await rejection(
      stripe.invoiceItems.create({ customer: jenny.id, amount: 100 }),
    );
    const both = await rejection(
      stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        pricing: { price: recurring.id },
      }),
    );
    const recurringPrice = await rejection(
      stripe.invoiceItems.create({ customer: jenny.id, pricing: { price: recurring.id } }),
    );
    const noPrice = await rejection(
      stripe.invoiceItems.create({ customer: jenny.id, pricing: { price: 'price_missing' } }),
    );
    const wrongInvoice = await rejection(
      stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        invoice: foreign.id,
      }),
    );
    const unknown = await rejection(
      stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        price: 'price_x',
      } as Stripe.InvoiceItemCreateParams),
    );
    const missing = await rejection(stripe.invoiceItems.retrieve('ii_missing'));

    // Assess
    expect([noCustomer.code, noCustomer.param]).toEqual(['parameter_missing', 'customer']);
    expect([noAmount.code, noAmount.param]).toEqual(['parameter_missing', 'amount']);
    expect([noCurrency.code, noCurrency.param]).toEqual(['parameter_missing', 'currency']);
    expect(both.param).toBe('amount');
    expect([recurringPrice.param, recurringPrice.message]).toEqual([
      'pricing[price]',
      expect.stringContaining('type=one_time'),
    ]);
    expect([noPrice.statusCode, noPrice.param]).toEqual([404, 'pricing[price]']);
    expect([wrongInvoice.statusCode, wrongInvoice.param]).toEqual([400, 'invoice']);
    expect([unknown.code, unknown.param]).toEqual(['parameter_unknown', 'price']);
    expect([missing.statusCode, missing.message]).toEqual([
      404,
      "No such invoiceitem: 'ii_missing'",
    ]);
  });
});
