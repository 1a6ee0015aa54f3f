/**
 * The PaymentIntent API around payments through the official SDK: parameter validation,
 * automatic payment methods and `return_url`, updates, cancellation, listing PaymentIntents and
 * charges with their filters and pagination.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });

const card = { allowed_payment_method_types: ['card'] };

/** The error creating a $5.00 PaymentIntent, changed by `params`, fails with. */
const refusal = (params: Record<string, unknown>) =>
  rejectionOf(
    t.stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      ...params,
    } as Stripe.PaymentIntentCreateParams),
  );

describe('creating PaymentIntents', () => {
  it('refuses amounts under the minimum, bad currencies, unknown customers and parameters', async () => {
    // Act
    const small = await refusal({ amount: 49, ...card });
    const smallGbp = await refusal({ amount: 29, currency: 'gbp', ...card });
    const currency = await refusal({ currency: 'dollars', ...card });
    const customer = await refusal({ customer: 'cus_missing', ...card });
    const method = await refusal({ payment_method: 'pm_missing', ...card });
    const unknown = await refusal({ colour: 'red' });
    const missing = await rejectionOf(
      t.stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    const type = await refusal({ allowed_payment_method_types: ['sepa_debit'] });
    const offSession = await refusal({ off_session: true, ...card });

    // Assess
    expect([small.statusCode, small.code, small.param, small.message]).toEqual([
      400,
      'amount_too_small',
      'amount',
      'Amount must be at least $0.50 usd',
    ]);
    expect([smallGbp.code, smallGbp.message]).toEqual([
      'amount_too_small',
      'Amount must be at least £0.30 gbp',
    ]);
    expect(currency.param).toBe('currency');
    expect([customer.statusCode, customer.code, customer.param, customer.message]).toEqual([
      404,
      'resource_missing',
      'customer',
      "No such customer: 'cus_missing'",
    ]);
    expect([method.statusCode, method.param]).toEqual([404, 'payment_method']);
    expect([unknown.code, unknown.param]).toEqual(['parameter_unknown', 'colour']);
    expect([missing.code, missing.param]).toEqual(['parameter_missing', 'amount']);
    expect(type.param).toBe('allowed_payment_method_types');
    expect(offSession.param).toBe('off_session');
    expect(t.sim.world.all('payment_intent')).toEqual([]);
  });

  it('defaults to the Dashboard’s automatic payment methods, which need a return_url to confirm', async () => {
    // Act
    const intent = await t.stripe.paymentIntents.create({ amount: 2_500, currency: 'usd' });
    const noReturnUrl = await rejectionOf(
      t.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }),
    );
    const confirmed = await t.stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://example.com/done',
    });
    const noRedirects = await t.stripe.paymentIntents.create({
      amount: 2_500,
      currency: 'usd',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      payment_method: 'pm_card_visa',
      confirm: true,
    });

    // Assess
    expect(intent.automatic_payment_methods).toEqual({ enabled: true });
    expect(noRedirects.automatic_payment_methods).toEqual({
      enabled: true,
      allow_redirects: 'never',
    });
    expect(intent.payment_method_types).toEqual(['card', 'us_bank_account']);
    expect([intent.status, intent.client_secret]).toEqual([
      'requires_payment_method',
      expect.stringMatching(new RegExp(`^${intent.id}_secret_`)),
    ]);
    expect(shapeMismatches('payment_intent', JSON.parse(JSON.stringify(intent)))).toEqual([]);
    expect([noReturnUrl.statusCode, noReturnUrl.message]).toEqual([
      400,
      expect.stringContaining('A `return_url` must be specified'),
    ]);
    expect(confirmed.status).toBe('succeeded');
    expect(noRedirects.status).toBe('succeeded');
  });

  it('takes allowed_payment_method_types (the pinned version has no payment_method_types)', async () => {
    // Act
    const eur = await t.stripe.paymentIntents.create({
      amount: 900,
      currency: 'eur',
      allowed_payment_method_types: ['card', 'us_bank_account'],
    });
    const old = await rejectionOf(
      t.stripe.paymentIntents.create({
        amount: 900,
        currency: 'usd',
        payment_method_types: ['card'],
      } as Stripe.PaymentIntentCreateParams),
    );

    // Assess
    expect([eur.payment_method_types, eur.automatic_payment_methods]).toEqual([['card'], null]);
    expect([old.code, old.param]).toEqual(['parameter_unknown', 'payment_method_types']);
  });

  it('refuses a payment method of a type the intent does not take, or of another customer', async () => {
    // Prepare
    const owner = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: owner.id });

    // Act
    const wrongType = await rejectionOf(
      t.stripe.paymentIntents.create({
        amount: 900,
        currency: 'usd',
        payment_method: 'pm_usBankAccount_success',
        ...card,
      }),
    );
    const noCustomer = await rejectionOf(
      t.stripe.paymentIntents.create({
        amount: 900,
        currency: 'usd',
        payment_method: pm.id,
        ...card,
      }),
    );

    // Assess
    expect([wrongType.statusCode, wrongType.code, wrongType.param]).toEqual([
      400,
      'payment_intent_incompatible_payment_method',
      'payment_method',
    ]);
    expect([noCustomer.statusCode, noCustomer.param]).toEqual([400, 'payment_method']);
  });
});

describe('updating and cancelling PaymentIntents', () => {
  it('updates an open intent, and only metadata and description once it succeeded', async () => {
    // Prepare
    const intent = await t.stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      ...card,
      metadata: { a: '1' },
    });

    // Act
    const updated = await t.stripe.paymentIntents.update(intent.id, {
      amount: 1_200,
      description: 'More',
      metadata: { b: '2' },
    });
    await t.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const amountAfter = await rejectionOf(
      t.stripe.paymentIntents.update(intent.id, { amount: 1_300 }),
    );
    const metadataAfter = await t.stripe.paymentIntents.update(intent.id, {
      metadata: { a: '' },
      description: 'Paid',
    });

    // Assess
    expect([updated.amount, updated.description, updated.metadata]).toEqual([
      1_200,
      'More',
      { a: '1', b: '2' },
    ]);
    expect([amountAfter.statusCode, amountAfter.code]).toEqual([
      400,
      'payment_intent_unexpected_state',
    ]);
    expect([metadataAfter.metadata, metadataAfter.description, metadataAfter.amount]).toEqual([
      { b: '2' },
      'Paid',
      1_200,
    ]);
    expect(
      t.sim.world
        .allEvents()
        .filter((e) => (e.data as { object: { id: string } }).object.id === intent.id)
        .map((e) => e.type),
    ).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
  });

  it('cancels an unpaid intent (payment_intent.canceled) but not a succeeded one', async () => {
    // Prepare
    const open = await t.stripe.paymentIntents.create({ amount: 1_000, currency: 'usd', ...card });
    const paid = await t.stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      ...card,
      payment_method: 'pm_card_visa',
      confirm: true,
    });

    // Act
    const canceled = await t.stripe.paymentIntents.cancel(open.id, {
      cancellation_reason: 'requested_by_customer',
    });
    const confirmCanceled = await rejectionOf(
      t.stripe.paymentIntents.confirm(open.id, { payment_method: 'pm_card_visa' }),
    );
    const cancelPaid = await rejectionOf(t.stripe.paymentIntents.cancel(paid.id));
    const badReason = await rejectionOf(
      t.stripe.paymentIntents.cancel(paid.id, { cancellation_reason: 'bored' as 'duplicate' }),
    );

    // Assess
    expect([canceled.status, canceled.cancellation_reason, typeof canceled.canceled_at]).toEqual([
      'canceled',
      'requested_by_customer',
      'number',
    ]);
    const last = t.sim.world.allEvents().at(-1);
    expect([last?.type, (last?.data as { object?: unknown } | undefined)?.object]).toEqual([
      'payment_intent.canceled',
      expect.objectContaining({ id: open.id, status: 'canceled' }),
    ]);
    expect([confirmCanceled.code, cancelPaid.code]).toEqual([
      'payment_intent_unexpected_state',
      'payment_intent_unexpected_state',
    ]);
    expect(badReason.param).toBe('cancellation_reason');
  });
});
