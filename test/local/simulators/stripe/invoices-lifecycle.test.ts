/**
 * Closing invoices through the official SDK: voiding (its PaymentIntent canceled), marking
 * uncollectible, deleting drafts, sending `send_invoice` invoices, and the customer’s balance
 * applied at finalization and given back when voided.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  cardCustomer,
  draftInvoice,
  eventTypesDuring,
  rejectionOf,
  useSimulator,
  withEventTypes,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

const DAY = 86_400;

describe('closing an invoice', () => {
  it('voids an open invoice, cancelling its PaymentIntent', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const invoice = await draftInvoice(t.stripe, jenny.id);
    const draftVoid = await rejectionOf(t.stripe.invoices.voidInvoice(invoice.id));
    await t.stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    const { value: voided, events } = await withEventTypes(t.sim, () =>
      t.stripe.invoices.voidInvoice(invoice.id, { expand: ['payments'] }),
    );
    const pay = await rejectionOf(t.stripe.invoices.pay(invoice.id));

    // Assess
    expect(draftVoid.statusCode).toBe(400);
    expect(events).toEqual(['payment_intent.canceled', 'invoice.voided']);
    expect(voided.status).toBe('void');
    expect(voided.status_transitions.voided_at).toEqual(expect.any(Number));
    const payment = voided.payments?.data[0];
    expect(payment?.status).toBe('canceled');
    const intent = await t.stripe.paymentIntents.retrieve(
      payment?.payment.payment_intent as string,
    );
    expect([intent.status, intent.cancellation_reason]).toEqual(['canceled', 'void_invoice']);
    expect(pay.statusCode).toBe(400);
  });

  it('marks an invoice uncollectible, which can still be paid', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const invoice = await draftInvoice(t.stripe, jenny.id);
    await t.stripe.invoices.finalizeInvoice(invoice.id);

    // Act
    const events = await eventTypesDuring(t.sim, () =>
      t.stripe.invoices.markUncollectible(invoice.id),
    );
    const uncollectible = await t.stripe.invoices.retrieve(invoice.id);
    const paid = await t.stripe.invoices.pay(invoice.id);

    // Assess
    expect(events).toEqual(['invoice.marked_uncollectible']);
    expect(uncollectible.status).toBe('uncollectible');
    expect(uncollectible.status_transitions.marked_uncollectible_at).toEqual(expect.any(Number));
    expect(paid.status).toBe('paid');
  });

  it('deletes a draft, and only a draft', async () => {
    // Prepare
    const jenny = await cardCustomer(t.stripe);
    const invoice = await draftInvoice(t.stripe, jenny.id);
    const item = invoice.id && (await t.stripe.invoiceItems.list({ invoice: invoice.id })).data[0];
    const open = await draftInvoice(t.stripe, jenny.id);
    await t.stripe.invoices.finalizeInvoice(open.id);

    // Act
    const events = await eventTypesDuring(t.sim, () => t.stripe.invoices.del(invoice.id));
    const gone = await rejectionOf(t.stripe.invoices.retrieve(invoice.id));
    const notDraft = await rejectionOf(t.stripe.invoices.del(open.id));

    // Assess
    expect(events).toEqual(['invoiceitem.deleted', 'invoice.deleted']);
    expect([gone.statusCode, gone.message]).toEqual([404, `No such invoice: '${invoice.id}'`]);
    expect(
      await rejectionOf(t.stripe.invoiceItems.retrieve((item as Stripe.InvoiceItem).id)),
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
    const jenny = await cardCustomer(t.stripe);
    const invoice = await draftInvoice(t.stripe, jenny.id, {
      collection_method: 'send_invoice',
      days_until_due: 14,
    });

    // Act
    const events = await eventTypesDuring(t.sim, () => t.stripe.invoices.sendInvoice(invoice.id));
    const sent = await t.stripe.invoices.retrieve(invoice.id);
    const automatic = await draftInvoice(t.stripe, jenny.id);
    const refused = await rejectionOf(t.stripe.invoices.sendInvoice(automatic.id));
    const noDueDate = await rejectionOf(
      t.stripe.invoices.create({ customer: jenny.id, days_until_due: 3 }),
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
    const credited = await cardCustomer(t.stripe, { balance: -1_000 });
    const invoice = await draftInvoice(t.stripe, credited.id);

    // Act
    const before = await t.stripe.invoices.retrieve(invoice.id);
    const finalized = await t.stripe.invoices.finalizeInvoice(invoice.id);
    const afterFinalize = await t.stripe.customers.retrieve(credited.id);
    await t.stripe.invoices.voidInvoice(invoice.id);
    const afterVoid = await t.stripe.customers.retrieve(credited.id);

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
