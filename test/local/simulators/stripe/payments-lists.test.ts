/**
 * Listing and retrieving through the official SDK: a customer's payment methods, PaymentIntents
 * and charges with their filters and pagination, updating a charge, and 404s for unknown ids.
 */
import { describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

const card = { allowed_payment_method_types: ['card'] };

describe('listing payment methods', () => {
  it('lists a customer’s payment methods by type, newest first, with pagination', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const visa = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const mastercard = await t.stripe.paymentMethods.attach('pm_card_mastercard', {
      customer: customer.id,
    });
    const bank = await t.stripe.paymentMethods.attach('pm_usBankAccount_success', {
      customer: customer.id,
    });

    // Act
    const all = await t.stripe.customers.listPaymentMethods(customer.id);
    const cards = await t.stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    const page = await t.stripe.customers.listPaymentMethods(customer.id, { limit: 2 });
    const next = await t.stripe.customers.listPaymentMethods(customer.id, {
      limit: 2,
      starting_after: page.data[1]?.id as string,
    });
    const one = await t.stripe.customers.retrievePaymentMethod(customer.id, visa.id);
    const missing = await rejectionOf(t.stripe.customers.listPaymentMethods('cus_missing'));

    // Assess
    expect(all.data.map((p) => p.id)).toEqual([bank.id, mastercard.id, visa.id]);
    expect(cards.data.map((p) => p.id)).toEqual([mastercard.id, visa.id]);
    expect([page.has_more, next.has_more, next.data.map((p) => p.id)]).toEqual([
      true,
      false,
      [visa.id],
    ]);
    expect(one.id).toBe(visa.id);
    expect(bank.us_bank_account?.last4).toBe('6789');
    expect(missing.statusCode).toBe(404);
  });
});

describe('listing PaymentIntents and charges', () => {
  it('filters by customer, payment_intent and created, newest first, with pagination', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const pay = (amount: number) =>
      t.stripe.paymentIntents.create({
        amount,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm.id,
        confirm: true,
        ...card,
      });
    const [first, second, third] = [await pay(1_000), await pay(2_000), await pay(3_000)];

    // Act
    const intents = await t.stripe.paymentIntents.list({ customer: customer.id });
    const page = await t.stripe.paymentIntents.list({ customer: customer.id, limit: 2 });
    const rest = await t.stripe.paymentIntents.list({
      customer: customer.id,
      limit: 2,
      starting_after: page.data[1]?.id as string,
    });
    const future = await t.stripe.paymentIntents.list({
      customer: customer.id,
      created: { gt: first.created + 3_600 },
    });
    const charges = await t.stripe.charges.list({ customer: customer.id });
    const ofSecond = await t.stripe.charges.list({ payment_intent: second.id });
    const auto = await t.stripe.paymentIntents
      .list({ customer: customer.id })
      .autoPagingToArray({ limit: 10 });

    // Assess
    expect(intents.data.map((i) => i.id)).toEqual([third.id, second.id, first.id]);
    expect([page.has_more, rest.has_more, rest.data.map((i) => i.id)]).toEqual([
      true,
      false,
      [first.id],
    ]);
    expect(future.data).toEqual([]);
    expect(charges.data.map((c) => c.amount)).toEqual([3_000, 2_000, 1_000]);
    expect(ofSecond.data.map((c) => c.id)).toEqual([second.latest_charge]);
    expect(auto).toHaveLength(3);
  });

  it('updates a charge’s metadata and description (charge.updated)', async () => {
    // Prepare
    const intent = await t.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      ...card,
    });

    // Act
    const charge = await t.stripe.charges.update(intent.latest_charge as string, {
      metadata: { note: 'vip' },
      description: 'Desk',
    });
    const missing = await rejectionOf(t.stripe.charges.retrieve('ch_missing'));

    // Assess
    expect([charge.metadata, charge.description]).toEqual([{ note: 'vip' }, 'Desk']);
    const last = t.sim.world.allEvents().at(-1);
    expect([
      last?.type,
      Object.keys(
        (last?.data as { previous_attributes?: object } | undefined)?.previous_attributes ?? {},
      ).sort(),
    ]).toEqual(['charge.updated', ['description', 'metadata']]);
    expect([missing.statusCode, missing.message]).toEqual([404, "No such charge: 'ch_missing'"]);
  });
});

describe('retrieving', () => {
  it('answers 404 naming the intent for an unknown id', async () => {
    // Act
    const error = await rejectionOf(t.stripe.paymentIntents.retrieve('pi_missing'));

    // Assess
    expect([error.statusCode, error.code, error.message]).toEqual([
      404,
      'resource_missing',
      "No such payment_intent: 'pi_missing'",
    ]);
  });
});
