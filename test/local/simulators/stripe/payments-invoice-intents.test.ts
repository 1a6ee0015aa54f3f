/**
 * PaymentIntent rules through the official SDK: the intent an invoice opened cannot be canceled
 * or re-priced through the PaymentIntent API (the invoice owns it); a refused confirmation
 * changes nothing it was sent with; and an ACH debit fails only for Stripe's test account
 * numbers, not for a real account that ends in the same four digits.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { pollUntil, rejectionOf, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 20 });

/** An open invoice of $30 for a customer without a payment method, and its PaymentIntent id. */
async function openInvoice(): Promise<{ invoice: Stripe.Invoice; intent: string }> {
  const customer = await t.stripe.customers.create();
  const draft = await t.stripe.invoices.create({ customer: customer.id });
  await t.stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    amount: 3_000,
    currency: 'usd',
  });
  const invoice = await t.stripe.invoices.finalizeInvoice(draft.id, { expand: ['payments'] });
  const intent = invoice.payments?.data[0]?.payment.payment_intent;
  expect(typeof intent).toBe('string');
  return { invoice, intent: intent as string };
}

describe('an invoice’s PaymentIntent', () => {
  it('cannot be canceled or re-priced through the PaymentIntent API', async () => {
    // Prepare
    const { invoice, intent } = await openInvoice();

    // Act
    const cancel = await rejectionOf(t.stripe.paymentIntents.cancel(intent));
    const reprice = await rejectionOf(t.stripe.paymentIntents.update(intent, { amount: 100 }));
    const untouched = await t.stripe.paymentIntents.retrieve(intent);
    const paid = await t.stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });

    // Assess
    expect([cancel.statusCode, cancel.type]).toEqual([400, 'StripeInvalidRequestError']);
    expect(cancel.message).toContain(
      'You cannot cancel this PaymentIntent because it was created by an invoice',
    );
    expect([reprice.statusCode, reprice.param]).toEqual([400, 'amount']);
    expect(untouched).toMatchObject({ status: 'requires_payment_method', amount: 3_000 });
    expect(paid.status).toBe('paid');
  });
});

describe('confirming a PaymentIntent', () => {
  it('changes nothing it was sent with when the confirmation is refused', async () => {
    // Prepare
    const owner = await t.stripe.customers.create({ payment_method: 'pm_card_visa' });
    const theirs = (await t.stripe.paymentMethods.list({ customer: owner.id })).data[0]?.id;
    const intent = await t.stripe.paymentIntents.create({
      amount: 2_000,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });

    // Act
    const refused = await rejectionOf(
      t.stripe.paymentIntents.confirm(intent.id, {
        payment_method: theirs as string,
        allowed_payment_method_types: ['card', 'us_bank_account'],
        receipt_email: 'jenny@example.com',
      }),
    );
    const after = await t.stripe.paymentIntents.retrieve(intent.id);

    // Assess
    expect([refused.statusCode, refused.param]).toEqual([400, 'payment_method']);
    expect(after).toEqual(intent);
  });
});

describe('ACH debits', () => {
  it('succeed for a real account number that merely ends like a failing test account', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const account = await t.stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: { account_number: '987654321116', routing_number: '110000000' },
      billing_details: { name: 'Jenny Rosen' },
    });
    await t.stripe.paymentMethods.attach(account.id, { customer: customer.id });

    // Act
    const processing = await t.stripe.paymentIntents.create({
      amount: 5_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: account.id,
      allowed_payment_method_types: ['us_bank_account'],
      confirm: true,
    });
    const settled = await pollUntil(async () => {
      const intent = await t.stripe.paymentIntents.retrieve(processing.id);
      return intent.status === 'processing' ? undefined : intent;
    });

    // Assess
    expect(account.us_bank_account?.last4).toBe('1116');
    expect(processing.status).toBe('processing');
    expect([settled.status, settled.last_payment_error]).toEqual(['succeeded', null]);
  });
});
