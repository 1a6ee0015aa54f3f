/**
 * A one-off invoice through the official SDK: items with a line discount and an invoice discount,
 * finalizing (number, hosted URLs, a PaymentIntent), paying with the default card, the events of
 * each step in order, and the shapes of what is returned.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cardCustomer,
  eventTypesDuring,
  lastEvent,
  oneTimePrice,
  rejectionOf,
  useSimulator,
  wire,
  withEventTypes,
} from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
let price: Stripe.Price;

beforeAll(async () => {
  price = await oneTimePrice(t.stripe, 'Consulting', 5_000);
});

describe('a one-off invoice', () => {
  let invoice: Stripe.Invoice;
  let jenny: Stripe.Customer;

  it('bills items with a line discount and an invoice discount', async () => {
    // Prepare
    jenny = await cardCustomer(t.stripe);
    const tenPercent = await t.stripe.coupons.create({ percent_off: 10, duration: 'once' });
    const fiveOff = await t.stripe.coupons.create({
      amount_off: 500,
      currency: 'usd',
      duration: 'once',
    });

    // Act
    const events = await eventTypesDuring(t.sim, async () => {
      invoice = await t.stripe.invoices.create({
        customer: jenny.id,
        description: 'March work',
        metadata: { order: '42' },
      });
      await t.stripe.invoiceItems.create({
        customer: jenny.id,
        invoice: invoice.id,
        pricing: { price: price.id },
        quantity: 2,
        discounts: [{ coupon: tenPercent.id }],
      });
      await t.stripe.invoiceItems.create({
        customer: jenny.id,
        invoice: invoice.id,
        amount: 2_500,
        currency: 'usd',
        description: 'Setup fee',
      });
      invoice = await t.stripe.invoices.update(invoice.id, { discounts: [{ coupon: fiveOff.id }] });
    });

    // Assess
    expect(events).toEqual([
      'invoice.created',
      'customer.updated',
      'invoiceitem.created',
      'invoice.updated',
      'invoiceitem.created',
      'invoice.updated',
      'invoice.updated',
    ]);
    const [first, second] = invoice.lines.data;
    const lineDiscount = first?.discounts[0] as string;
    const invoiceDiscount = invoice.discounts[0] as string;
    expect(first).toMatchObject({
      amount: 10_000,
      quantity: 2,
      description: 'Consulting',
      pricing: { price_details: { price: price.id } },
    });
    expect(first?.discount_amounts).toEqual([
      { amount: 1_000, discount: lineDiscount },
      { amount: 391, discount: invoiceDiscount },
    ]);
    expect(second?.discount_amounts).toEqual([{ amount: 109, discount: invoiceDiscount }]);
    expect(invoice).toMatchObject({
      status: 'draft',
      subtotal: 12_500,
      total: 11_000,
      total_excluding_tax: 11_000,
      amount_due: 11_000,
      amount_remaining: 11_000,
      total_discount_amounts: [
        { amount: 1_000, discount: lineDiscount },
        { amount: 500, discount: invoiceDiscount },
      ],
      billing_reason: 'manual',
      auto_advance: false,
      number: null,
      customer_email: 'jenny@example.com',
      metadata: { order: '42' },
    });
    expect(shapeMismatches('invoice', wire(invoice))).toEqual([]);
    expect(
      shapeMismatches('line_item', wire(first), { conditional: ['pricing.price_details'] }),
    ).toEqual([]);
    const item = await t.stripe.invoiceItems.retrieve(
      first?.parent?.invoice_item_details?.invoice_item as string,
    );
    expect(item).toMatchObject({ invoice: invoice.id, amount: 10_000, discounts: [lineDiscount] });
    expect(
      shapeMismatches('invoiceitem', wire(item), { conditional: ['pricing.price_details'] }),
    ).toEqual([]);
    expect(shapeMismatches('discount', wire(t.sim.world.find(lineDiscount)))).toEqual([]);
  });

  it('finalizes it: number, hosted URLs, a PaymentIntent for what is due', async () => {
    // Act
    const { value: finalized, events } = await withEventTypes(t.sim, () =>
      t.stripe.invoices.finalizeInvoice(invoice.id, { expand: ['payments'] }),
    );
    const again = await rejectionOf(t.stripe.invoices.finalizeInvoice(invoice.id));

    // Assess
    expect(events).toEqual(['payment_intent.created', 'invoice.finalized']);
    expect(finalized).toMatchObject({
      status: 'open',
      number: `${jenny.invoice_prefix}-0001`,
      hosted_invoice_url: expect.stringMatching(/^https:\/\/invoice\.stripe\.com\/i\//),
      invoice_pdf: expect.stringMatching(/\/pdf\?s=ap$/),
      amount_due: 11_000,
      due_date: null,
      next_payment_attempt: null,
      ending_balance: 0,
    });
    expect(finalized.status_transitions.finalized_at).toBe(finalized.effective_at);
    const payment = finalized.payments?.data[0];
    expect(payment).toMatchObject({
      status: 'open',
      amount_requested: 11_000,
      invoice: invoice.id,
      payment: { type: 'payment_intent' },
    });
    const intent = await t.stripe.paymentIntents.retrieve(
      payment?.payment.payment_intent as string,
    );
    expect(intent).toMatchObject({
      amount: 11_000,
      customer: jenny.id,
      status: 'requires_payment_method',
    });
    expect([again.statusCode, again.message]).toEqual([
      400,
      "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
    ]);
    expect(
      shapeMismatches('invoice_payment', wire(payment), {
        conditional: ['payment.payment_intent'],
      }),
    ).toEqual([]);
  });

  it('is paid with the customer’s default card', async () => {
    // Act
    const { value: paid, events } = await withEventTypes(t.sim, () =>
      t.stripe.invoices.pay(invoice.id),
    );
    const twice = await rejectionOf(t.stripe.invoices.pay(invoice.id));
    const payments = await t.stripe.invoicePayments.list({ invoice: invoice.id });

    // Assess
    expect(events).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice_payment.paid',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(paid).toMatchObject({
      status: 'paid',
      amount_paid: 11_000,
      amount_remaining: 0,
      attempt_count: 1,
      attempted: true,
    });
    expect(paid.status_transitions.paid_at).toEqual(expect.any(Number));
    expect([twice.statusCode, twice.message]).toEqual([400, 'Invoice is already paid']);
    expect(payments.data).toHaveLength(1);
    expect(payments.data[0]).toMatchObject({ status: 'paid', amount_paid: 11_000 });
    expect(await t.stripe.invoicePayments.retrieve(payments.data[0]?.id as string)).toEqual(
      payments.data[0],
    );
    expect(shapeMismatches('invoice', lastEvent(t.sim).data.object)).toEqual([]);
  });
});
