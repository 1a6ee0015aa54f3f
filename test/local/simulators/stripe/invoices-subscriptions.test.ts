/**
 * Subscription invoices through the official SDK, as the subscriptions module bills them through
 * the invoicing contract: `parent.subscription_details`, subscription item lines described as
 * Stripe does, the subscription's discount over every line, trial lines at 0, listing by
 * subscription, and manual invoices for a subscription's pending items.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
let monthly: Stripe.Price;
let seats: Stripe.Price;
let quarterly: Stripe.Price;

beforeAll(async () => {
  const pro = await t.stripe.products.create({ name: 'Pro' });
  const seatsProduct = await t.stripe.products.create({ name: 'Seats' });
  monthly = await t.stripe.prices.create({
    product: pro.id,
    unit_amount: 2_000,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
  seats = await t.stripe.prices.create({
    product: seatsProduct.id,
    unit_amount: 500,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
  quarterly = await t.stripe.prices.create({
    product: pro.id,
    unit_amount: 5_400,
    currency: 'usd',
    recurring: { interval: 'month', interval_count: 3 },
  });
});

describe('subscription invoices', () => {
  it('bill each item, with the subscription’s discount over every line', async () => {
    // Prepare
    const customer = await t.stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const quarter = await t.stripe.coupons.create({ percent_off: 25, duration: 'forever' });

    // Act
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 2 }, { price: seats.id }],
      discounts: [{ coupon: quarter.id }],
    });
    const invoice = await t.stripe.invoices.retrieve(subscription.latest_invoice as string);
    const listed = await t.stripe.invoices.list({ subscription: subscription.id });

    // Assess
    const discount = invoice.discounts[0] as string;
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_create',
      status: 'paid',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id },
      },
      subtotal: 4_500,
      total: 3_375,
      amount_paid: 3_375,
      total_discount_amounts: [{ amount: 1_125, discount }],
    });
    const [pro, seatLine] = invoice.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];
    expect(pro).toMatchObject({
      description: '2 × Pro (at $20.00 / month)',
      amount: 4_000,
      discount_amounts: [{ amount: 1_000, discount }],
      parent: {
        type: 'subscription_item_details',
        subscription_item_details: { subscription: subscription.id, proration: false },
      },
    });
    expect(seatLine.description).toBe('1 × Seats (at $5.00 / month)');
    expect(listed.data.map((i) => i.id)).toEqual([invoice.id]);
    expect(shapeMismatches('invoice', wire(invoice))).toEqual([]);
    expect(
      shapeMismatches('line_item', wire(pro), { conditional: ['pricing.price_details'] }),
    ).toEqual([]);
  });

  it('bill a trial at 0, paid at once, and describe intervals of several months', async () => {
    // Prepare
    const customer = await t.stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });

    // Act
    const trial = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
    });
    const invoice = await t.stripe.invoices.retrieve(trial.latest_invoice as string);
    const quarter = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: quarterly.id }],
    });
    const quarterInvoice = await t.stripe.invoices.retrieve(quarter.latest_invoice as string);

    // Assess
    expect(invoice).toMatchObject({ status: 'paid', total: 0, amount_paid: 0 });
    expect(invoice.lines.data[0]).toMatchObject({ description: 'Trial period for Pro', amount: 0 });
    expect(quarterInvoice.lines.data[0]?.description).toBe('1 × Pro (at $54.00 every 3 months)');
  });

  it('take a subscription’s pending items into a manual invoice, which cannot be deleted', async () => {
    // Prepare
    const customer = await t.stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const forSubscription = await t.stripe.invoiceItems.create({
      customer: customer.id,
      subscription: subscription.id,
      amount: 700,
      currency: 'usd',
    });
    const oneOff = await t.stripe.invoiceItems.create({
      customer: customer.id,
      amount: 300,
      currency: 'usd',
    });

    // Act
    const invoice = await t.stripe.invoices.create({
      customer: customer.id,
      subscription: subscription.id,
      pending_invoice_items_behavior: 'include',
    });
    const remove = await rejectionOf(t.stripe.invoices.del(invoice.id));
    const stillPending = await t.stripe.invoiceItems.retrieve(oneOff.id);

    // Assess
    expect(forSubscription.parent).toEqual({
      type: 'subscription_details',
      subscription_details: { subscription: subscription.id },
    });
    expect(invoice).toMatchObject({
      billing_reason: 'manual',
      parent: { subscription_details: { subscription: subscription.id } },
      total: 700,
    });
    expect(invoice.lines.data[0]?.parent?.invoice_item_details).toMatchObject({
      invoice_item: forSubscription.id,
      subscription: subscription.id,
    });
    expect(stillPending.invoice).toBeNull();
    expect(remove.statusCode).toBe(400);
  });
});
