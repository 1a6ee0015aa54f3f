/**
 * The invoice item API through the official SDK: create (price_data, amount), update, list
 * (pending, by customer), delete, their events and shapes, and Stripe’s parameter errors.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { cardPayer, rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
let jenny: Stripe.Customer;
let product: Stripe.Product;

beforeAll(async () => {
  jenny = await cardPayer(t.stripe, { email: 'jenny@example.com' });
  product = await t.stripe.products.create({ name: 'Widget' });
});

describe('invoice items', () => {
  it('creates, updates, lists and deletes pending items, with their events', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const before = t.sim.world.allEvents().length;

    // Act
    const item = await t.stripe.invoiceItems.create({
      customer: customer.id,
      price_data: { currency: 'usd', product: product.id, unit_amount: 1_250 },
      quantity: 2,
      period: { start: 1_790_000_000, end: 1_792_592_000 },
      metadata: { source: 'test' },
    });
    const updated = await t.stripe.invoiceItems.update(item.id, {
      quantity: 4,
      description: 'Four widgets',
    });
    const other = await t.stripe.invoiceItems.create({
      customer: customer.id,
      amount: -300,
      currency: 'usd',
    });
    const pending = await t.stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const deleted = await t.stripe.invoiceItems.del(other.id);
    const remaining = await t.stripe.invoiceItems.list({ customer: customer.id });
    const types = t.sim.world
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
      shapeMismatches('invoiceitem', wire(updated), { conditional: ['pricing.price_details'] }),
    ).toEqual([]);
  });

  it('checks parameters with Stripe’s errors', async () => {
    // Prepare
    const recurring = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 900,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const other = await t.stripe.customers.create();
    const foreign = await t.stripe.invoices.create({ customer: other.id });

    // Act
    const noCustomer = await rejectionOf(
      t.stripe.invoiceItems.create({
        amount: 100,
        currency: 'usd',
      } as Stripe.InvoiceItemCreateParams),
    );
    const noAmount = await rejectionOf(
      t.stripe.invoiceItems.create({ customer: jenny.id, currency: 'usd' }),
    );
    const noCurrency = await rejectionOf(
      t.stripe.invoiceItems.create({ customer: jenny.id, amount: 100 }),
    );
    const both = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        pricing: { price: recurring.id },
      }),
    );
    const recurringPrice = await rejectionOf(
      t.stripe.invoiceItems.create({ customer: jenny.id, pricing: { price: recurring.id } }),
    );
    const noPrice = await rejectionOf(
      t.stripe.invoiceItems.create({ customer: jenny.id, pricing: { price: 'price_missing' } }),
    );
    const wrongInvoice = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        invoice: foreign.id,
      }),
    );
    const unknown = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: jenny.id,
        amount: 100,
        currency: 'usd',
        price: 'price_x',
      } as Stripe.InvoiceItemCreateParams),
    );
    const missing = await rejectionOf(t.stripe.invoiceItems.retrieve('ii_missing'));

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
