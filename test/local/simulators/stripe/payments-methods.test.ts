/**
 * Payment methods through the official SDK: cards from Stripe's test tokens, US bank accounts,
 * attaching (and the cards that decline on attach), detaching, updating and listing.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await sim?.stop();
});

const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function eventsFor(objectId: string): { type: string; previous?: Record<string, unknown> }[] {
  return sim.world
    .allEvents()
    .filter((e) => (e.data as { object: { id: string } }).object.id === objectId)
    .map((e) => ({
      type: e.type as string,
      ...((e.data as { previous_attributes?: Record<string, unknown> }).previous_attributes
        ? {
            previous: (e.data as { previous_attributes: Record<string, unknown> })
              .previous_attributes,
          }
        : {}),
    }));
}

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

describe('card payment methods', () => {
  it('creates a card from a tok_ token with the test card details and the fixture shape', async () => {
    // Act
    const pm = await stripe.paymentMethods.create({
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
    expect(await stripe.paymentMethods.retrieve(pm.id)).toEqual(pm);
    expect(eventsFor(pm.id)).toEqual([]);
  });

  it('refuses raw card numbers, unknown tokens, unknown parameters and a missing type', async () => {
    // Act
    const raw = await rejection(
      stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
      }),
    );
    const unknownToken = await rejection(
      stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }),
    );
    const unknownParam = await rejection(
      stripe.paymentMethods.create({
        type: 'card',
        card: { token: 'tok_visa' },
        colour: 'red',
      } as Stripe.PaymentMethodCreateParams),
    );
    const missing = await rejection(stripe.paymentMethods.create({ card: { token: 'tok_visa' } }));

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
    const customer = await stripe.customers.create({ email: 'cards@example.com' });

    // Act
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const amex = await stripe.paymentMethods.attach('pm_card_amex', { customer: customer.id });
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    const again = await stripe.paymentMethods.attach(visa.id, { customer: customer.id });

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
    expect(eventsFor(visa.id)).toEqual([{ type: 'payment_method.attached' }]);
  });

  it('declines cards that always decline when they are attached (402 card_error)', async () => {
    // Prepare
    const customer = await stripe.customers.create();

    // Act
    const generic = await rejection(
      stripe.paymentMethods.attach('pm_card_visa_chargeDeclined', { customer: customer.id }),
    );
    const expired = await rejection(
      stripe.paymentMethods.attach('pm_card_chargeDeclinedExpiredCard', { customer: customer.id }),
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
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
  });

  it('refuses to attach to a missing customer or a payment method attached elsewhere', async () => {
    // Prepare
    const [first, second] = [await stripe.customers.create(), await stripe.customers.create()];
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: first.id });

    // Act
    const noCustomer = await rejection(
      stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }),
    );
    const noMethod = await rejection(
      stripe.paymentMethods.attach('pm_missing', { customer: first.id }),
    );
    const elsewhere = await rejection(stripe.paymentMethods.attach(pm.id, { customer: second.id }));

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
    const customer = await stripe.customers.create();
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });

    // Act
    const detached = await stripe.paymentMethods.detach(pm.id);
    const twice = await rejection(stripe.paymentMethods.detach(pm.id));
    const reattach = await rejection(
      stripe.paymentMethods.attach(pm.id, { customer: customer.id }),
    );

    // Assess
    expect(detached.customer).toBeNull();
    expect(eventsFor(pm.id)).toEqual([
      { type: 'payment_method.attached' },
      { type: 'payment_method.detached', previous: { customer: customer.id } },
    ]);
    expect(
      ((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings
        .default_payment_method,
    ).toBeNull();
    expect([twice.statusCode, reattach.statusCode]).toEqual([400, 400]);
  });

  it('updates billing details, metadata and expiry of an attached card (payment_method.updated)', async () => {
    // Prepare
    const customer = await stripe.customers.create();
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const loose = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });

    // Act
    const updated = await stripe.paymentMethods.update(pm.id, {
      billing_details: { name: 'Jenny Rosen' },
      metadata: { tier: 'gold' },
      card: { exp_month: 4, exp_year: 2031 },
    });
    const notSaved = await rejection(
      stripe.paymentMethods.update(loose.id, { metadata: { a: 'b' } }),
    );

    // Assess
    expect(updated.billing_details.name).toBe('Jenny Rosen');
    expect(updated.metadata).toEqual({ tier: 'gold' });
    expect([updated.card?.exp_month, updated.card?.exp_year]).toEqual([4, 2031]);
    expect(eventsFor(pm.id).map((e) => e.type)).toEqual([
      'payment_method.attached',
      'payment_method.updated',
    ]);
    expect(Object.keys(eventsFor(pm.id)[1]?.previous ?? {}).sort()).toEqual([
      'billing_details',
      'card',
      'metadata',
    ]);
    expect(notSaved.message).toBe(
      'You must save this PaymentMethod to a customer before you can update it.',
    );
  });
});
