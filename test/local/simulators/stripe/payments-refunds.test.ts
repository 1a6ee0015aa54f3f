/**
 * Refunds through the official SDK: full and partial refunds of card payments, over-refunds,
 * ACH refunds that stay pending until they settle, metadata updates, cancellation, listing, and
 * `refundPayment()`, the contract credit notes call.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { refundPayment } from '../../../../local/simulators/stripe/billing/refunds.ts';
import { eventsAbout, rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });

async function paid(amount = 2_000): Promise<Stripe.PaymentIntent> {
  return t.stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    allowed_payment_method_types: ['card'],
    payment_method: 'pm_card_visa',
    confirm: true,
  });
}

describe('card refunds', () => {
  it('refunds a whole payment at once: refund.created, then charge.refunded', async () => {
    // Prepare
    const intent = await paid();

    // Act
    const refund = await t.stripe.refunds.create({
      payment_intent: intent.id,
      reason: 'requested_by_customer',
      metadata: { ticket: '9' },
    });
    const charge = await t.stripe.charges.retrieve(intent.latest_charge as string);

    // Assess
    expect(refund).toMatchObject({
      object: 'refund',
      status: 'succeeded',
      amount: 2_000,
      charge: charge.id,
      payment_intent: intent.id,
      reason: 'requested_by_customer',
      metadata: { ticket: '9' },
    });
    expect([
      charge.amount_refunded,
      charge.refunded,
      charge.refunds?.data.map((r) => r.id),
    ]).toEqual([2_000, true, [refund.id]]);
    expect(shapeMismatches('refund', wire(refund))).toEqual([]);
    expect(shapeMismatches('charge', wire(charge))).toEqual([]);
    expect(eventsAbout(t.sim, refund.id, charge.id)).toEqual([
      { type: 'charge.succeeded' },
      { type: 'refund.created' },
      { type: 'charge.refunded', previous: { amount_refunded: 0, refunded: false } },
    ]);
  });

  it('refunds in parts by charge, refuses more than is left, then refuses a refunded charge', async () => {
    // Prepare
    const intent = await paid();
    const charge = intent.latest_charge as string;

    // Act
    const first = await t.stripe.refunds.create({ charge, amount: 500 });
    const second = await t.stripe.refunds.create({ charge, amount: 700 });
    const over = await rejectionOf(t.stripe.refunds.create({ charge, amount: 900 }));
    const rest = await t.stripe.refunds.create({ payment_intent: intent.id });
    const done = await rejectionOf(t.stripe.refunds.create({ charge }));
    const after = await t.stripe.charges.retrieve(charge);

    // Assess
    expect([first.amount, second.amount, rest.amount]).toEqual([500, 700, 800]);
    expect([over.statusCode, over.param, over.message]).toEqual([
      400,
      'amount',
      'Refund amount ($9.00) is greater than unrefunded amount on charge ($8.00)',
    ]);
    expect([done.statusCode, done.code]).toEqual([400, 'charge_already_refunded']);
    expect([after.amount_refunded, after.refunded]).toEqual([2_000, true]);
    const refunded = eventsAbout(t.sim, charge).filter((e) => e.type === 'charge.refunded');
    expect(refunded.map((e) => e.previous)).toEqual([
      { amount_refunded: 0 },
      { amount_refunded: 500 },
      { amount_refunded: 1_200, refunded: false },
    ]);
  });

  it('refuses payments without a successful charge, and unknown or missing targets', async () => {
    // Prepare
    const open = await t.stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });
    const declined = await rejectionOf(
      paid().then(() =>
        t.stripe.paymentIntents.create({
          amount: 1_000,
          currency: 'usd',
          allowed_payment_method_types: ['card'],
          payment_method: 'pm_card_visa_chargeDeclined',
          confirm: true,
        }),
      ),
    );

    // Act
    const unpaid = await rejectionOf(t.stripe.refunds.create({ payment_intent: open.id }));
    const failedCharge = await rejectionOf(
      t.stripe.refunds.create({ charge: declined.charge as string }),
    );
    const unknown = await rejectionOf(t.stripe.refunds.create({ payment_intent: 'pi_missing' }));
    const neither = await rejectionOf(t.stripe.refunds.create({}));
    const zero = await rejectionOf(t.stripe.refunds.create({ payment_intent: open.id, amount: 0 }));

    // Assess
    expect([unpaid.statusCode, unpaid.message]).toEqual([
      400,
      `This PaymentIntent (${open.id}) does not have a successful charge to refund.`,
    ]);
    expect(failedCharge.statusCode).toBe(400);
    expect([unknown.statusCode, unknown.code, unknown.param]).toEqual([
      404,
      'resource_missing',
      'payment_intent',
    ]);
    expect(neither.statusCode).toBe(400);
    expect(zero.param).toBe('amount');
  });
});

describe('managing refunds', () => {
  it('updates metadata, refuses to cancel a refund that needs no action, and lists by charge and intent', async () => {
    // Prepare
    const [a, b] = [await paid(3_000), await paid(4_000)];
    const r1 = await t.stripe.refunds.create({ payment_intent: a.id, amount: 1_000 });
    const r2 = await t.stripe.refunds.create({ payment_intent: a.id, amount: 1_000 });
    const r3 = await t.stripe.refunds.create({ payment_intent: b.id });

    // Act
    const updated = await t.stripe.refunds.update(r1.id, { metadata: { reason: 'late' } });
    const cancel = await rejectionOf(t.stripe.refunds.cancel(r2.id));
    const ofA = await t.stripe.refunds.list({ payment_intent: a.id });
    const ofB = await t.stripe.refunds.list({ charge: b.latest_charge as string });
    const page = await t.stripe.refunds.list({ payment_intent: a.id, limit: 1 });
    const nested = (await t.stripe.rawRequest(
      'GET',
      `/v1/charges/${a.latest_charge as string}/refunds`,
    )) as unknown as Stripe.ApiList<Stripe.Refund>;
    const one = (await t.stripe.rawRequest(
      'GET',
      `/v1/charges/${a.latest_charge as string}/refunds/${r1.id}`,
    )) as unknown as Stripe.Refund;
    const missing = await rejectionOf(t.stripe.refunds.retrieve('re_missing'));

    // Assess
    expect(updated.metadata).toEqual({ reason: 'late' });
    expect(eventsAbout(t.sim, r1.id).map((e) => e.type)).toEqual([
      'refund.created',
      'refund.updated',
      'charge.refund.updated',
    ]);
    expect([cancel.statusCode, (await t.stripe.refunds.retrieve(r2.id)).status]).toEqual([
      400,
      'succeeded',
    ]);
    expect(ofA.data.map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect(ofB.data.map((r) => r.id)).toEqual([r3.id]);
    expect([page.has_more, page.data.map((r) => r.id)]).toEqual([true, [r2.id]]);
    expect(nested.data.map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect(one.id).toBe(r1.id);
    expect([missing.statusCode, missing.message]).toEqual([404, "No such refund: 're_missing'"]);
  });

  it('refundPayment() refunds part of a payment for credit notes', async () => {
    // Prepare
    const intent = await paid(5_000);

    // Act
    const refund = refundPayment(t.sim.world, {
      paymentIntent: intent.id,
      amount: 1_250,
      reason: 'duplicate',
      metadata: { credit_note: 'cn_1' },
    });

    // Assess
    expect(refund).toMatchObject({
      amount: 1_250,
      status: 'succeeded',
      reason: 'duplicate',
      metadata: { credit_note: 'cn_1' },
      payment_intent: intent.id,
    });
    expect((await t.stripe.charges.retrieve(intent.latest_charge as string)).amount_refunded).toBe(
      1_250,
    );
    expect(() => refundPayment(t.sim.world, { paymentIntent: intent.id, amount: 4_000 })).toThrow(
      /greater than unrefunded amount/,
    );
  });
});
