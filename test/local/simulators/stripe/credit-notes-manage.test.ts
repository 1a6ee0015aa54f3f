/**
 * Managing credit notes through the official SDK: numbering, updating memo and metadata,
 * voiding (what was credited given back to the invoice), listing by invoice and customer; the
 * lines are kept in the simulator's world.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  eventTypesDuring,
  oneTimePrice,
  rejectionOf,
  seatsAndFeeInvoice,
  useSimulator,
} from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });
let price: Stripe.Price;

beforeAll(async () => {
  price = await oneTimePrice(t.stripe, 'Seat', 3_000);
});

describe('managing credit notes', () => {
  it('updates, voids, lists and numbers them', async () => {
    // Prepare
    const open = await seatsAndFeeInvoice(t.stripe, price.id);
    const first = await t.stripe.creditNotes.create({ invoice: open.id, amount: 1_000 });
    const second = await t.stripe.creditNotes.create({ invoice: open.id, amount: 500 });

    // Act
    const updated = await t.stripe.creditNotes.update(first.id, {
      memo: 'Discount agreed',
      metadata: { ticket: '12' },
    });
    const voidEvents = await eventTypesDuring(t.sim, () =>
      t.stripe.creditNotes.voidCreditNote(first.id),
    );
    const voided = await t.stripe.creditNotes.retrieve(first.id);
    const twice = await rejectionOf(t.stripe.creditNotes.voidCreditNote(first.id));
    const after = await t.stripe.invoices.retrieve(open.id);
    const byInvoice = await t.stripe.creditNotes.list({ invoice: open.id });
    const byCustomer = await t.stripe.creditNotes.list({
      customer: open.customer as string,
      limit: 1,
    });
    const missing = await rejectionOf(t.stripe.creditNotes.retrieve('cn_missing'));

    // Assess
    expect(second.number).toBe(`${open.number}-CN-02`);
    expect(updated).toMatchObject({ memo: 'Discount agreed', metadata: { ticket: '12' } });
    expect(voidEvents).toEqual(['credit_note.voided', 'invoice.updated']);
    expect(voided).toMatchObject({ status: 'void', voided_at: expect.any(Number) });
    expect(twice.statusCode).toBe(400);
    expect(after).toMatchObject({ pre_payment_credit_notes_amount: 500, amount_due: 9_500 });
    expect(byInvoice.data.map((n) => n.id)).toEqual([second.id, first.id]);
    expect([byCustomer.data.length, byCustomer.has_more]).toEqual([1, true]);
    expect([missing.statusCode, missing.message]).toEqual([
      404,
      "No such credit note: 'cn_missing'",
    ]);
  });

  it('keeps a credit note’s lines in the world’s own state', async () => {
    // Prepare
    const open = await seatsAndFeeInvoice(t.stripe, price.id);

    // Act
    const note = await t.stripe.creditNotes.create({ invoice: open.id, amount: 700 });
    const kept = t.sim.world.state('credit-notes.lines', () => new Map<string, { id: string }[]>());

    // Assess
    expect(kept.get(note.id)?.map((line) => line.id)).toEqual(note.lines.data.map((l) => l.id));
  });
});
