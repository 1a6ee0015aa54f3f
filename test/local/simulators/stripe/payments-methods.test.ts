/**
 * Payment methods through the official SDK: cards from Stripe's test tokens, US bank accounts,
 * attaching (and the cards that decline on attach), detaching, updating and listing.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { eventsAbout, rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });

describe('card payment methods', () => {
  it('creates a card from a tok_ token with the test card details and the fixture shape', async () => {
    // Act
    const pm = await t.stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_mastercard' },
      billing_details: { email: 'jenny@example.com', address: { postal_code: '94102' } },
      metadata: { order: '42' },
    });

    // Assess
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card).toMatchObject({ brand: 'mastercard', last4: '4444', funding: 'credit' });
    expect(pm.customer).toBeNull();
    expect(pm.billing_details.email).toBe('jenny@example.com');
    expect(pm.billing_details.address?.postal_code).toBe('94102');
    expect(pm.metadata).toEqual({ order: '42' });
    expect(shapeMismatches('payment_method', wire(pm))).toEqual([]);
    expect(await t.stripe.paymentMethods.retrieve(pm.id)).toEqual(pm);
    expect(eventsAbout(t.sim, pm.id)).toEqual([]);
  });

  it('refuses raw card numbers, unknown tokens, unknown parameters and a missing type', async () => {
    // Act
    const raw = await rejectionOf(
      t.stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
      }),
    );
    const unknownToken = await rejectionOf(
      t.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }),
    );
    const unknownParam = await rejectionOf(
      t.stripe.paymentMethods.create({
        type: 'card',
        card: { token: 'tok_visa' },
        colour: 'red',
      } as Stripe.PaymentMethodCreateParams),
    );
    const missing = await rejectionOf(
      t.stripe.paymentMethods.create({ card: { token: 'tok_visa' } }),
    );

    // Assess
    expect([raw.statusCode, raw.code, raw.param]).toEqual([
      400,
      'unsafe_card_data',
      'card[number]',
    ]);
    expect([unknownToken.statusCode, unknownToken.code, unknownToken.param]).toEqual([
      404,
      'resource_missing',
      'card[token]',
    ]);
    expect([unknownParam.code, unknownParam.param]).toEqual(['parameter_unknown', 'colour']);
    expect([missing.code, missing.param]).toEqual(['parameter_missing', 'type']);
  });

  it('attaches test tokens as new payment methods and emits payment_method.attached', async () => {
    // Prepare
    const customer = await t.stripe.customers.create({ email: 'cards@example.com' });

    // Act
    const visa = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const amex = await t.stripe.paymentMethods.attach('pm_card_amex', { customer: customer.id });
    const failing = await t.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    const again = await t.stripe.paymentMethods.attach(visa.id, { customer: customer.id });

    // Assess
    expect(visa.id).not.toBe('pm_card_visa');
    expect(visa.card).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(amex.card).toMatchObject({
      brand: 'amex',
      last4: '0005',
      display_brand: 'american_express',
    });
    expect(failing.card?.last4).toBe('0341');
    expect([visa.customer, amex.customer, failing.customer, again.customer]).toEqual(
      Array(4).fill(customer.id),
    );
    expect(eventsAbout(t.sim, visa.id)).toEqual([{ type: 'payment_method.attached' }]);
  });

  it('declines cards that always decline when they are attached (402 card_error)', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();

    // Act
    const generic = await rejectionOf(
      t.stripe.paymentMethods.attach('pm_card_visa_chargeDeclined', { customer: customer.id }),
    );
    const expired = await rejectionOf(
      t.stripe.paymentMethods.attach('pm_card_chargeDeclinedExpiredCard', {
        customer: customer.id,
      }),
    );

    // Assess
    expect(generic).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect([generic.statusCode, generic.code, generic.decline_code]).toEqual([
      402,
      'card_declined',
      'generic_decline',
    ]);
    expect([expired.code, expired.decline_code, expired.message]).toEqual([
      'expired_card',
      'expired_card',
      'Your card has expired.',
    ]);
    expect((await t.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
  });

  it('refuses to attach to a missing customer or a payment method attached elsewhere', async () => {
    // Prepare
    const [first, second] = [await t.stripe.customers.create(), await t.stripe.customers.create()];
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: first.id });

    // Act
    const noCustomer = await rejectionOf(
      t.stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }),
    );
    const noMethod = await rejectionOf(
      t.stripe.paymentMethods.attach('pm_missing', { customer: first.id }),
    );
    const elsewhere = await rejectionOf(
      t.stripe.paymentMethods.attach(pm.id, { customer: second.id }),
    );

    // Assess
    expect([noCustomer.statusCode, noCustomer.code, noCustomer.param]).toEqual([
      404,
      'resource_missing',
      'customer',
    ]);
    expect([noMethod.statusCode, noMethod.message]).toEqual([
      404,
      "No such PaymentMethod: 'pm_missing'",
    ]);
    expect(elsewhere.statusCode).toBe(400);
  });

  it('detaches (payment_method.detached, clearing the default) and refuses to reattach', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await t.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });

    // Act
    const detached = await t.stripe.paymentMethods.detach(pm.id);
    const twice = await rejectionOf(t.stripe.paymentMethods.detach(pm.id));
    const reattach = await rejectionOf(
      t.stripe.paymentMethods.attach(pm.id, { customer: customer.id }),
    );

    // Assess
    expect(detached.customer).toBeNull();
    expect(eventsAbout(t.sim, pm.id)).toEqual([
      { type: 'payment_method.attached' },
      { type: 'payment_method.detached', previous: { customer: customer.id } },
    ]);
    expect(
      ((await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings
        .default_payment_method,
    ).toBeNull();
    expect([twice.statusCode, reattach.statusCode]).toEqual([400, 400]);
  });

  it('updates billing details, metadata and expiry of an attached card (payment_method.updated)', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const loose = await t.stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_visa' },
    });

    // Act
    const updated = await t.stripe.paymentMethods.update(pm.id, {
      billing_details: { name: 'Jenny Rosen' },
      metadata: { tier: 'gold' },
      card: { exp_month: 4, exp_year: 2031 },
    });
    const notSaved = await rejectionOf(
      t.stripe.paymentMethods.update(loose.id, { metadata: { a: 'b' } }),
    );

    // Assess
    expect(updated.billing_details.name).toBe('Jenny Rosen');
    expect(updated.metadata).toEqual({ tier: 'gold' });
    expect([updated.card?.exp_month, updated.card?.exp_year]).toEqual([4, 2031]);
    expect(eventsAbout(t.sim, pm.id).map((e) => e.type)).toEqual([
      'payment_method.attached',
      'payment_method.updated',
    ]);
    expect(Object.keys(eventsAbout(t.sim, pm.id)[1]?.previous ?? {}).sort()).toEqual([
      'billing_details',
      'card',
      'metadata',
    ]);
    expect(notSaved.message).toBe(
      'You must save this PaymentMethod to a customer before you can update it.',
    );
  });
});
