/**
 * Credit notes through the official SDK: on an open invoice (lowering what is due, and paying it
 * when nothing is left), on a paid invoice (refunded, or credited to the customer’s balance), the
 * checks on amounts, events and shapes.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  eventTypesDuring,
  lastEvent,
  oneTimePrice,
  rejectionOf,
  seatsAndFeeInvoice,
  useSimulator,
  wire,
  withEventTypes,
} from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
let price: Stripe.Price;

beforeAll(async () => {
  price = await oneTimePrice(t.stripe, 'Seat', 3_000);
});

describe('a credit note on an open invoice', () => {
  it('lowers what is due, and what the PaymentIntent asks for', async () => {
    // Prepare
    const open = await seatsAndFeeInvoice(t.stripe, price.id);
    const seats = open.lines.data[0] as Stripe.InvoiceLineItem;

    // Act
    const { value: note, events } = await withEventTypes(t.sim, () =>
      t.stripe.creditNotes.create({
        invoice: open.id,
        lines: [{ type: 'invoice_line_item', invoice_line_item: seats.id, quantity: 1 }],
        reason: 'order_change',
        memo: 'One seat less',
      }),
    );
    const updated = lastEvent(t.sim);
    const after = await t.stripe.invoices.retrieve(open.id, { expand: ['payments'] });
    const intent = await t.stripe.paymentIntents.retrieve(
      after.payments?.data[0]?.payment.payment_intent as string,
    );
    const paid = await t.stripe.invoices.pay(open.id);

    // Assess
    expect(events).toEqual(['credit_note.created', 'invoice.updated']);
    expect(note).toMatchObject({
      number: `${open.number}-CN-01`,
      status: 'issued',
      type: 'pre_payment',
      amount: 3_000,
      subtotal: 3_000,
      total: 3_000,
      pre_payment_amount: 3_000,
      post_payment_amount: 0,
      reason: 'order_change',
      memo: 'One seat less',
      customer: open.customer,
      refunds: [],
    });
    expect(note.lines.data[0]).toMatchObject({
      type: 'invoice_line_item',
      invoice_line_item: seats.id,
      quantity: 1,
      amount: 3_000,
    });
    expect(after).toMatchObject({
      amount_due: 7_000,
      amount_remaining: 7_000,
      pre_payment_credit_notes_amount: 3_000,
      total: 10_000,
    });
    expect(updated.data.previous_attributes).toMatchObject({
      amount_due: 10_000,
      pre_payment_credit_notes_amount: 0,
    });
    expect(intent.amount).toBe(7_000);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 7_000 });
    expect(shapeMismatches('credit_note', wire(note))).toEqual([]);
    expect(shapeMismatches('credit_note_line_item', wire(note.lines.data[0]))).toEqual([]);
  });

  it('pays the invoice when it credits everything that is due', async () => {
    // Prepare
    const open = await seatsAndFeeInvoice(t.stripe, price.id);

    // Act
    const events = await eventTypesDuring(t.sim, () =>
      t.stripe.creditNotes.create({ invoice: open.id, amount: 10_000 }),
    );
    const after = await t.stripe.invoices.retrieve(open.id);

    // Assess
    expect(events).toEqual([
      'credit_note.created',
      'invoice.updated',
      'payment_intent.canceled',
      'invoice.paid',
    ]);
    expect(after).toMatchObject({
      status: 'paid',
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
    });
  });
});

describe('a credit note on a paid invoice', () => {
  it('refunds the payment', async () => {
    // Prepare
    const paid = await seatsAndFeeInvoice(t.stripe, price.id, { pay: true });
    const fee = paid.lines.data[1] as Stripe.InvoiceLineItem;

    // Act
    const note = await t.stripe.creditNotes.create({
      invoice: paid.id,
      lines: [
        { type: 'invoice_line_item', invoice_line_item: fee.id, amount: 1_500 },
        { type: 'custom_line_item', description: 'Goodwill', unit_amount: 500, quantity: 1 },
      ],
      refund_amount: 2_000,
      reason: 'product_unsatisfactory',
    });
    const refund = await t.stripe.refunds.retrieve(note.refunds[0]?.refund as string);
    const after = await t.stripe.invoices.retrieve(paid.id);
    const lines = await t.stripe.creditNotes.listLineItems(note.id);

    // Assess
    expect(note).toMatchObject({
      type: 'post_payment',
      amount: 2_000,
      post_payment_amount: 2_000,
      pre_payment_amount: 0,
      number: `${paid.number}-CN-01`,
    });
    expect(note.refunds).toEqual([
      { amount_refunded: 2_000, payment_record_refund: null, refund: refund.id, type: 'refund' },
    ]);
    expect(refund).toMatchObject({
      amount: 2_000,
      status: 'succeeded',
      reason: 'requested_by_customer',
    });
    expect(after).toMatchObject({
      status: 'paid',
      amount_paid: 10_000,
      post_payment_credit_notes_amount: 2_000,
    });
    expect(lines.data.map((l) => [l.type, l.amount, l.unit_amount])).toEqual([
      ['invoice_line_item', 1_500, null],
      ['custom_line_item', 500, 500],
    ]);
    // A custom line credits no invoice line: Stripe leaves `invoice_line_item` out.
    expect(
      shapeMismatches('credit_note_line_item', wire(lines.data[1]), {
        conditional: ['invoice_line_item'],
      }),
    ).toEqual([]);
  });

  it('credits the customer’s balance', async () => {
    // Prepare
    const paid = await seatsAndFeeInvoice(t.stripe, price.id, { pay: true });

    // Act
    const events = await eventTypesDuring(t.sim, () =>
      t.stripe.creditNotes.create({ invoice: paid.id, amount: 2_500, credit_amount: 2_500 }),
    );
    const note = (await t.stripe.creditNotes.list({ invoice: paid.id }))
      .data[0] as Stripe.CreditNote;
    const customer = (await t.stripe.customers.retrieve(
      paid.customer as string,
    )) as Stripe.Customer;

    // Assess
    expect(events).toEqual(['customer.updated', 'credit_note.created', 'invoice.updated']);
    expect(customer.balance).toBe(-2_500);
    expect(note.customer_balance_transaction).toMatch(/^cbtxn_/);
    expect(t.sim.world.find(note.customer_balance_transaction as string)).toMatchObject({
      amount: -2_500,
      ending_balance: -2_500,
      type: 'credit_note',
      credit_note: note.id,
    });
  });

  it('refuses sums that do not add up, too much credit, and unfinalized invoices', async () => {
    // Prepare
    const paid = await seatsAndFeeInvoice(t.stripe, price.id, { pay: true });
    const customer = await t.stripe.customers.create();
    const draft = await t.stripe.invoices.create({ customer: customer.id });

    // Act
    const noSplit = await rejectionOf(
      t.stripe.creditNotes.create({ invoice: paid.id, amount: 1_000 }),
    );
    const wrongSum = await rejectionOf(
      t.stripe.creditNotes.create({
        invoice: paid.id,
        amount: 1_000,
        refund_amount: 400,
        credit_amount: 500,
      }),
    );
    const tooMuch = await rejectionOf(
      t.stripe.creditNotes.create({ invoice: paid.id, amount: 20_000, out_of_band_amount: 20_000 }),
    );
    const onDraft = await rejectionOf(
      t.stripe.creditNotes.create({ invoice: draft.id, amount: 100 }),
    );
    const noInvoice = await rejectionOf(
      t.stripe.creditNotes.create({ invoice: 'in_missing', amount: 100 }),
    );
    const badLine = await rejectionOf(
      t.stripe.creditNotes.create({
        invoice: paid.id,
        lines: [{ type: 'invoice_line_item', invoice_line_item: 'il_missing', amount: 5 }],
        out_of_band_amount: 5,
      }),
    );
    const badReason = await rejectionOf(
      t.stripe.creditNotes.create({
        invoice: paid.id,
        amount: 100,
        reason: 'bored' as 'duplicate',
      }),
    );

    // Assess
    expect([noSplit.statusCode, noSplit.param]).toEqual([400, 'out_of_band_amount']);
    expect(wrongSum.message).toContain('must equal');
    expect([tooMuch.statusCode, tooMuch.param]).toEqual([400, 'amount']);
    expect(onDraft.statusCode).toBe(400);
    expect([noInvoice.statusCode, noInvoice.param]).toEqual([404, 'invoice']);
    expect([badLine.statusCode, badLine.param]).toEqual([404, 'lines[0][invoice_line_item]']);
    expect(badReason.param).toBe('reason');
    expect((await t.stripe.creditNotes.list({ invoice: paid.id })).data).toEqual([]);
  });
});
