/**
 * Paying invoices through the official SDK: a decline answered with 402 and retried later, the
 * recovery with another card, no payment method, paid out of band, an ACH debit settling in the
 * background, an invoice with nothing due, and its payments, shown only when expanded.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  cardCustomer,
  draftInvoice,
  eventTypesDuring,
  monthlyPrice,
  pollUntil,
  rejectionOf,
  useSimulator,
  withEventTypes,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

const DAY = 86_400;

describe('paying', () => {
  it('answers a decline with a 402, retries later, and recovers with another card', async () => {
    // Prepare
    const failing = await cardCustomer(t.stripe, { payment_method: 'pm_card_chargeCustomerFail' });
    const invoice = await draftInvoice(t.stripe, failing.id, { auto_advance: true });
    await t.stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    const { value: declined, events: failureEvents } = await withEventTypes(t.sim, () =>
      rejectionOf(t.stripe.invoices.pay(invoice.id)),
    );
    const open = await t.stripe.invoices.retrieve(invoice.id);
    const card = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: failing.id });
    const recovered = await t.stripe.invoices.pay(invoice.id, { payment_method: card.id });

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
    const noCard = await t.stripe.customers.create();
    const invoice = await draftInvoice(t.stripe, noCard.id);

    // Act
    const missing = await rejectionOf(t.stripe.invoices.pay(invoice.id));
    const untouched = await t.stripe.invoices.retrieve(invoice.id);
    const unknown = await rejectionOf(
      t.stripe.invoices.pay(invoice.id, { payment_method: 'pm_missing' }),
    );
    const events = await eventTypesDuring(t.sim, () =>
      t.stripe.invoices.pay(invoice.id, { paid_out_of_band: true }),
    );
    const paid = await t.stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });

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
    const bank = await cardCustomer(t.stripe, { payment_method: 'pm_usBankAccount_success' });
    const invoice = await draftInvoice(t.stripe, bank.id);

    // Act
    const processing = await t.stripe.invoices.pay(invoice.id);
    const settled = await pollUntil(async () => {
      const current = await t.stripe.invoices.retrieve(invoice.id);
      return current.status === 'paid' ? current : undefined;
    });

    // Assess
    expect(processing).toMatchObject({ status: 'open', amount_paid: 0 });
    expect(settled).toMatchObject({ status: 'paid', amount_paid: 3_000 });
  });

  it('refuses an unusable payment method before finalizing a draft: no change, no event', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const other = await cardCustomer(t.stripe);
    const otherCard = other.invoice_settings.default_payment_method as string;
    const invoice = await draftInvoice(t.stripe, jenny.id);
    const before = await t.stripe.invoices.retrieve(invoice.id);

    // Act
    const count = t.sim.world.allEvents().length;
    const refused = await rejectionOf(
      t.stripe.invoices.pay(invoice.id, { payment_method: otherCard }),
    );
    const events = t.sim.world.allEvents().slice(count);
    const after = await t.stripe.invoices.retrieve(invoice.id);

    // Assess
    expect([refused.statusCode, refused.param]).toEqual([400, 'payment_method']);
    expect(refused.message).toContain('belongs to a different Customer');
    expect(events).toEqual([]);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'draft', number: null, attempt_count: 0 });
  });

  it('finalizes an invoice with nothing due straight to paid', async () => {
    // Prepare
    const free = await t.stripe.customers.create();
    const invoice = await t.stripe.invoices.create({ customer: free.id });

    // Act
    const { value: paid, events } = await withEventTypes(t.sim, () =>
      t.stripe.invoices.finalizeInvoice(invoice.id),
    );

    // Assess
    expect(events).toEqual(['invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
    expect(paid).toMatchObject({ status: 'paid', amount_due: 0, amount_paid: 0 });
  });
});

describe('payments, shown only when expanded', () => {
  it('expands on a subscription’s invoice, on a list, and through to the PaymentIntent', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const price = await monthlyPrice(t.stripe);
    const subscription = await t.stripe.subscriptions.create({
      customer: jenny.id,
      items: [{ price: price.id }],
    });
    const invoiceId = subscription.latest_invoice as string;
    const [payment] = (await t.stripe.invoicePayments.list({ invoice: invoiceId })).data;
    const intentId = payment?.payment.payment_intent as string;

    // Act
    const withLatest = await t.stripe.subscriptions.retrieve(subscription.id, {
      expand: ['latest_invoice.payments'],
    });
    const listed = await t.stripe.invoices.list({ customer: jenny.id, expand: ['data.payments'] });
    const withIntent = await t.stripe.invoices.retrieve(invoiceId, {
      expand: ['payments.data.payment.payment_intent'],
    });
    const again = await t.stripe.invoices.retrieve(invoiceId, {
      expand: ['payments.data.payment.payment_intent', 'payments'],
    });
    const plain = await t.stripe.invoices.retrieve(invoiceId);

    // Assess
    expect(payment).toMatchObject({ status: 'paid', payment: { type: 'payment_intent' } });
    expect(intentId).toMatch(/^pi_/);
    const latest = withLatest.latest_invoice as Stripe.Invoice;
    expect(latest.payments).toMatchObject({
      object: 'list',
      url: `/v1/invoices/${invoiceId}/payments`,
      data: [{ id: payment?.id, payment: { payment_intent: intentId } }],
    });
    expect(listed.data.map((i) => i.payments?.data.map((p) => p.id))).toEqual([[payment?.id]]);
    const intent = withIntent.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ object: 'payment_intent', id: intentId, status: 'succeeded' });
    expect(again.payments?.data[0]?.payment.payment_intent).toMatchObject({ id: intentId });
    expect(await t.stripe.invoicePayments.retrieve(payment?.id as string)).toEqual(payment);
    expect(plain.payments).toBeUndefined();
  });
});
