/**
 * ACH Direct Debit through the official SDK: US bank account payment methods at Stripe's test
 * bank, debits that stay processing and then succeed or fail by the test account number, and
 * refunds of debits that stay pending until they settle.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  eventsAbout,
  eventTypesAbout,
  pollUntil,
  rejectionOf,
  useSimulator,
  wire,
} from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });

async function settled(id: string): Promise<Stripe.PaymentIntent> {
  return pollUntil(async () => {
    const intent = await t.stripe.paymentIntents.retrieve(id);
    return intent.status === 'processing' ? undefined : intent;
  });
}

function bankAccount(accountNumber = '000123456789', name: string | null = 'Jenny Rosen') {
  return t.stripe.paymentMethods.create({
    type: 'us_bank_account',
    us_bank_account: {
      account_number: accountNumber,
      routing_number: '110000000',
      account_holder_type: 'company',
    },
    ...(name ? { billing_details: { name } } : {}),
  });
}

describe('US bank account payment methods', () => {
  it('creates a bank account at the test bank, with the fixture shape but us_bank_account', async () => {
    // Act
    const pm = await bankAccount();

    // Assess
    expect(pm.type).toBe('us_bank_account');
    expect(pm.us_bank_account).toMatchObject({
      account_holder_type: 'company',
      account_type: 'checking',
      bank_name: 'STRIPE TEST BANK',
      last4: '6789',
      routing_number: '110000000',
    });
    expect(pm.billing_details.name).toBe('Jenny Rosen');
    expect(
      shapeMismatches('payment_method', wire(pm), { conditional: ['card', 'us_bank_account'] }),
    ).toEqual([]);
    expect(pm).not.toHaveProperty('card');
  });

  it('requires the account holder name and valid numbers', async () => {
    // Act
    const noName = await rejectionOf(bankAccount('000123456789', null));
    const badRouting = await rejectionOf(
      t.stripe.paymentMethods.create({
        type: 'us_bank_account',
        us_bank_account: { account_number: '000123456789', routing_number: '110000001' },
        billing_details: { name: 'J' },
      }),
    );
    const badAccount = await rejectionOf(bankAccount('12'));

    // Assess
    expect([noName.code, noName.param]).toEqual(['parameter_missing', 'billing_details[name]']);
    expect([badRouting.code, badRouting.param]).toEqual([
      'routing_number_invalid',
      'us_bank_account[routing_number]',
    ]);
    expect(badAccount.code).toBe('account_number_invalid');
  });
});

describe('ACH Direct Debit payments', () => {
  async function achPayment(accountNumber: string) {
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: { account_number: accountNumber, routing_number: '110000000' },
      billing_details: { name: 'Jenny Rosen' },
    });
    await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    return t.stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      allowed_payment_method_types: ['us_bank_account'],
      confirm: true,
      mandate_data: {
        customer_acceptance: {
          type: 'online',
          online: { ip_address: '127.0.0.1', user_agent: 'vitest' },
        },
      },
    });
  }

  it('processes, then succeeds after settlement', async () => {
    // Act
    const processing = await achPayment('000123456789');
    const pending = await t.stripe.charges.retrieve(processing.latest_charge as string);
    const intent = await settled(processing.id);
    const charge = await t.stripe.charges.retrieve(intent.latest_charge as string);

    // Assess
    expect([processing.status, pending.status, pending.paid]).toEqual([
      'processing',
      'pending',
      false,
    ]);
    expect([intent.status, intent.amount_received, charge.status, charge.paid]).toEqual([
      'succeeded',
      10_000,
      'succeeded',
      true,
    ]);
    expect(charge.payment_method_details?.us_bank_account).toMatchObject({
      bank_name: 'STRIPE TEST BANK',
      last4: '6789',
      routing_number: '110000000',
    });
    expect(
      shapeMismatches('charge', wire(charge), {
        conditional: ['payment_method_details.card', 'payment_method_details.us_bank_account'],
      }),
    ).toEqual([]);
    expect(eventTypesAbout(t.sim, intent.id, charge.id)).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    const settledEvent = t.sim.world
      .allEvents()
      .find(
        (e) =>
          e.type === 'payment_intent.succeeded' &&
          (e.data as { object: { id: string } }).object.id === intent.id,
      );
    expect(settledEvent?.request).toEqual({ id: null, idempotency_key: null });
  });

  it.each([
    ['000111111116', 'no_account'],
    ['000111111113', 'account_closed'],
    ['000222222227', 'insufficient_funds'],
    ['000333333335', 'debit_not_authorized'],
  ])('fails after settlement for account %s (%s)', async (accountNumber, code) => {
    // Act
    const processing = await achPayment(accountNumber);
    const intent = await settled(processing.id);
    const charge = await t.stripe.charges.retrieve(intent.latest_charge as string);

    // Assess
    expect([intent.status, intent.payment_method, intent.last_payment_error?.code]).toEqual([
      'requires_payment_method',
      null,
      code,
    ]);
    expect([charge.status, charge.paid, charge.failure_code]).toEqual(['failed', false, code]);
    expect(eventTypesAbout(t.sim, intent.id, charge.id)).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
  });

  it('refuses a bank account for a non-USD intent', async () => {
    // Act
    const error = await rejectionOf(
      t.stripe.paymentIntents.create({
        amount: 5_000,
        currency: 'eur',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method: 'pm_usBankAccount_success',
      }),
    );

    // Assess
    expect([error.statusCode, error.param]).toEqual([400, 'allowed_payment_method_types']);
  });
});

describe('ACH refunds', () => {
  it('stays pending, then succeeds (refund.updated, charge.refund.updated)', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const pm = await t.stripe.paymentMethods.attach('pm_usBankAccount_success', {
      customer: customer.id,
    });
    const processing = await t.stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      allowed_payment_method_types: ['us_bank_account'],
      confirm: true,
    });
    const early = await rejectionOf(t.stripe.refunds.create({ payment_intent: processing.id }));
    await pollUntil(async () =>
      (await t.stripe.paymentIntents.retrieve(processing.id)).status === 'succeeded'
        ? true
        : undefined,
    );

    // Act
    const refund = await t.stripe.refunds.create({ payment_intent: processing.id, amount: 4_000 });
    const settled = await pollUntil(async () => {
      const current = await t.stripe.refunds.retrieve(refund.id);
      return current.status === 'succeeded' ? current : undefined;
    });

    // Assess
    expect(early.statusCode).toBe(400);
    expect([refund.status, refund.destination_details?.type]).toEqual([
      'pending',
      'us_bank_transfer',
    ]);
    expect(settled.status).toBe('succeeded');
    expect(
      shapeMismatches('refund', wire(settled), {
        conditional: ['destination_details.card', 'destination_details.us_bank_transfer'],
      }),
    ).toEqual([]);
    expect(eventsAbout(t.sim, refund.id).map((e) => e.type)).toEqual([
      'refund.created',
      'refund.updated',
      'charge.refund.updated',
    ]);
    expect(eventsAbout(t.sim, refund.id)[1]?.previous).toMatchObject({ status: 'pending' });
    expect((await t.stripe.charges.retrieve(refund.charge as string)).amount_refunded).toBe(4_000);
  });
});
