/** One-off invoice stories: a discount on one line, a voided invoice, a refund with a credit note. */
import { customer, latestInvoice, price, subscriber } from './kit.ts';
import type { Scenario } from './types.ts';

export const lineDiscount: Scenario = {
  name: 'line-discount',
  title: 'A discount on one invoice line only: onboarding at 25% off, licences at full price',
  async run(context) {
    const { stripe } = context;
    const buyer = await customer(context, {
      name: 'Dee Discount',
      email: 'dee@example.com',
      paymentMethod: 'pm_card_visa',
    });
    const coupon = await stripe.coupons.create({
      percent_off: 25,
      duration: 'once',
      name: 'Onboarding 25%',
    });
    const invoice = await stripe.invoices.create({ customer: buyer.id, auto_advance: false });
    const onboarding = await price(context, { product: 'Onboarding', amount: 50_000 });
    const licences = await price(context, { product: 'Licences', amount: 1_000 });
    await stripe.invoiceItems.create({
      customer: buyer.id,
      invoice: invoice.id,
      pricing: { price: onboarding.id },
      discounts: [{ coupon: coupon.id }],
    });
    await stripe.invoiceItems.create({
      customer: buyer.id,
      invoice: invoice.id,
      pricing: { price: licences.id },
      quantity: 12,
    });
    await stripe.invoices.finalizeInvoice(invoice.id);
    const paid = await stripe.invoices.pay(invoice.id);
    context.log(
      `invoice ${paid.id}: ${paid.status}, total ${paid.total} after a ${coupon.percent_off}% line discount`,
    );
    return { customer: buyer.id, invoice: invoice.id, coupon: coupon.id };
  },
};

export const voidedInvoice: Scenario = {
  name: 'voided-invoice',
  title: 'A voided invoice: sent for payment, then voided before it was paid',
  async run(context) {
    const { stripe } = context;
    const buyer = await customer(context, { name: 'Vic Void', email: 'vic@example.com' });
    const invoice = await stripe.invoices.create({
      customer: buyer.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    await stripe.invoiceItems.create({
      customer: buyer.id,
      invoice: invoice.id,
      amount: 12_500,
      currency: 'usd',
      description: 'Consulting',
    });
    await stripe.invoices.finalizeInvoice(invoice.id);
    const voided = await stripe.invoices.voidInvoice(invoice.id);
    context.log(`invoice ${voided.id}: ${voided.status}`);
    return { customer: buyer.id, invoice: invoice.id };
  },
};

export const refundWithCreditNote: Scenario = {
  name: 'refund-credit-note',
  title: 'A refund with a credit note: part of a paid invoice credited and refunded to the card',
  async run(context) {
    const { stripe } = context;
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Rae Refund',
      email: 'rae@example.com',
      product: 'Seats',
      amount: 1_500,
      quantity: 10,
    });
    const invoice = await latestInvoice(context, subscription.id);
    const [line] = invoice.lines.data;
    if (line === undefined) throw new Error(`Invoice ${invoice.id} has no line.`);
    const note = await stripe.creditNotes.create({
      invoice: invoice.id,
      reason: 'order_change',
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, quantity: 2 }],
      refund_amount: 3_000,
    });
    context.log(`credit note ${note.number}: ${note.total} refunded`);
    return {
      customer: buyer.id,
      subscription: subscription.id,
      invoice: invoice.id,
      credit_note: note.id,
    };
  },
};
