/**
 * The Salesforce connector through jsforce against the Salesforce simulator, reading Stripe
 * through the Stripe SDK against the Stripe simulator: records land under their Account with
 * one collection call per record kind, and each kind of failure fails only what it concerns.
 */
import { describe, expect, it } from 'vitest';
import { parseFieldMap } from '../../../../shared/connectors/salesforce/field-map.ts';
import { PermanentError, RetryableError } from '../../../../shared/errors.ts';
import type { StripeEvent } from '../../../../shared/events/types.ts';
import {
  entriesOf,
  eventsSince,
  salesforceConnector,
  useSalesforceSimulator,
} from '../../../support/salesforce.ts';
import { cardCustomer, monthlyPrice, useSimulator } from '../../../support/simulator.ts';

const s = useSimulator();
const sf = useSalesforceSimulator();

/** A customer with a paid monthly subscription, and the events that told of it. */
async function subscriber(name = 'Ada Lovelace') {
  const from = s.sim.world.allEvents().length;
  const customer = await cardCustomer(s.stripe, { name, email: 'ada@example.com' });
  const price = await monthlyPrice(s.stripe, 4_900);
  const subscription = await s.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity: 2 }],
  });
  const invoiceId = String(subscription.latest_invoice);
  return { customer, subscription, invoiceId, events: eventsSince(s.sim, from) };
}

const record = (type: string, field: string, value: string) =>
  sf.sim.org.record(type, field, value);
const collectionCalls = () => sf.sim.org.calls.byKind.collections;

describe('createSalesforceConnector', () => {
  it('writes a customer’s Account, subscription, invoice and payment, one call per kind', async () => {
    // Prepare
    const { customer, subscription, invoiceId, events } = await subscriber();
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    const callsBefore = collectionCalls();

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events));

    // Assess
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(collectionCalls() - callsBefore).toBe(4);
    const account = record('Account', 'Stripe_Customer_Id__c', customer.id);
    expect(account).toMatchObject({ Name: 'Ada Lovelace', Stripe_Email__c: 'ada@example.com' });
    expect(
      record('Stripe_Subscription__c', 'Stripe_Subscription_Id__c', subscription.id),
    ).toMatchObject({
      Account__c: account?.Id,
      Status__c: 'active',
      Quantity__c: 2,
      MRR__c: 9_800,
    });
    const invoice = record('Stripe_Invoice__c', 'Stripe_Invoice_Id__c', invoiceId);
    expect(invoice).toMatchObject({ Account__c: account?.Id, Status__c: 'paid', Total__c: 9_800 });
    const paid = events.find((e) => e.type === 'invoice.paid');
    expect(outcomes.get(paid?.id ?? '')).toEqual({
      ok: true,
      targetIds: { Stripe_Invoice__c: invoice?.Id },
    });
  });

  it('fails only the events of a record Salesforce refuses, with Salesforce’s reason', async () => {
    // Prepare
    const { customer, events } = await subscriber('Grace Hopper');
    const fieldMap = parseFieldMap(
      { invoice: { fields: { number: 'Invoice_Number_Not_In_Org__c' } } },
      'test',
    );
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim, fieldMap });

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events));

    // Assess
    const byType = (type: string) => outcomes.get(events.find((e) => e.type === type)?.id ?? '');
    const refused = byType('invoice.paid');
    expect(refused?.ok).toBe(false);
    const error = refused && !refused.ok ? refused.error : undefined;
    expect(error).toBeInstanceOf(PermanentError);
    expect(String((error as Error).message)).toMatch(/INVALID_FIELD.*Invoice_Number_Not_In_Org__c/);
    expect(byType('customer.created')?.ok).toBe(true);
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toBeDefined();
  });

  it('leaves a locked row for later and writes the rest of the batch', async () => {
    // Prepare
    const { customer, subscription, events } = await subscriber('Katherine Johnson');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    sf.sim.faults.inject({
      kind: 'UNABLE_TO_LOCK_ROW',
      path: 'Stripe_Subscription__c',
      records: [0],
    });

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events));

    // Assess
    const subscriptionEvents = events.filter((e) => e.type.startsWith('customer.subscription.'));
    for (const event of subscriptionEvents) {
      const outcome = outcomes.get(event.id);
      expect(outcome && !outcome.ok && outcome.error).toBeInstanceOf(RetryableError);
    }
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toBeDefined();
    // The invoice still lands: its subscription is read from Stripe and written for it.
    const invoice = events.find((e) => e.type === 'invoice.paid');
    expect(outcomes.get(invoice?.id ?? '')?.ok).toBe(true);
    expect(
      record('Stripe_Subscription__c', 'Stripe_Subscription_Id__c', subscription.id),
    ).toMatchObject({ Plan_Names__c: 'Plan 4900' });
  });

  it('renews an expired session once and carries on', async () => {
    // Prepare
    const { customer, events } = await subscriber('Dorothy Vaughan');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    await logic.applyBatch(entriesOf(events.slice(0, 1)));
    const tokensBefore = sf.sim.org.calls.byKind.token;
    sf.sim.expireSessions();

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events));

    // Assess
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(sf.sim.org.calls.byKind.token - tokensBefore).toBe(1);
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toBeDefined();
  });

  it('does not renew a refused session forever: the batch waits as retryable', async () => {
    // Prepare
    const { events } = await subscriber('Mary Jackson');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    sf.sim.faults.inject({ kind: 'INVALID_SESSION_ID', times: 3 });

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events.slice(0, 1)));

    // Assess
    const [outcome] = [...outcomes.values()];
    expect(outcome && !outcome.ok && outcome.error).toBeInstanceOf(RetryableError);
    sf.sim.faults.clear();
  });

  it('waits an hour when the org’s daily API limit is spent', async () => {
    // Prepare
    const { events } = await subscriber('Annie Easley');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    const { used, max } = sf.sim.apiUsage();
    sf.sim.setDailyLimit(used, used);

    // Act
    const outcomes = await logic
      .applyBatch(entriesOf(events.slice(0, 1)))
      .finally(() => sf.sim.setDailyLimit(max, used));

    // Assess
    const [outcome] = [...outcomes.values()];
    const error = outcome && !outcome.ok ? outcome.error : undefined;
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(60 * 60 * 1000);
    expect((error as Error).message).toMatch(/API limit/);
  });

  it('writes the customer from Stripe first when a subscription arrives before its Account', async () => {
    // Prepare
    const { customer, subscription, events } = await subscriber('Hedy Lamarr');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    const onlySubscription = events.filter((e) => e.type === 'customer.subscription.created');

    // Act
    const outcomes = await logic.applyBatch(entriesOf(onlySubscription));

    // Assess
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    const account = record('Account', 'Stripe_Customer_Id__c', customer.id);
    expect(account).toMatchObject({ Name: 'Hedy Lamarr' });
    expect(
      record('Stripe_Subscription__c', 'Stripe_Subscription_Id__c', subscription.id),
    ).toMatchObject({
      Account__c: account?.Id,
    });
  });

  it('reads the object from Stripe when asked to, instead of trusting an older snapshot', async () => {
    // Prepare
    const { customer, events } = await subscriber('Radia Perlman');
    const created = events.find((e) => e.type === 'customer.created') as StripeEvent;
    await s.stripe.customers.update(customer.id, { name: 'Radia J. Perlman' });
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });

    // Act
    await logic.applyBatch(entriesOf([created], true));

    // Assess
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toMatchObject({
      Name: 'Radia J. Perlman',
    });
  });

  it('marks a deleted customer’s Account instead of deleting it', async () => {
    // Prepare
    const { customer, events } = await subscriber('Frances Allen');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    await logic.applyBatch(entriesOf(events));
    const from = s.sim.world.allEvents().length;
    await s.stripe.customers.del(customer.id);

    // Act
    await logic.applyBatch(entriesOf(eventsSince(s.sim, from)));

    // Assess
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toMatchObject({
      Name: 'Frances Allen',
      Stripe_Deleted__c: true,
    });
  });

  it('reflects a refund with a credit note on the invoice and the payment', async () => {
    // Prepare
    const { invoiceId, events } = await subscriber('Barbara Liskov');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    await logic.applyBatch(entriesOf(events));
    const from = s.sim.world.allEvents().length;
    await s.stripe.creditNotes.create({
      invoice: invoiceId,
      lines: [
        { type: 'custom_line_item', description: 'Goodwill', quantity: 1, unit_amount: 1_000 },
      ],
      refund_amount: 1_000,
    });

    // Act
    await logic.applyBatch(entriesOf(eventsSince(s.sim, from)));

    // Assess
    expect(record('Stripe_Invoice__c', 'Stripe_Invoice_Id__c', invoiceId)).toMatchObject({
      Credited__c: 1_000,
    });
    const invoice = await s.stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
    const paymentIntent = invoice.payments?.data[0]?.payment.payment_intent;
    expect(
      record('Stripe_Payment__c', 'Stripe_Payment_Id__c', String(paymentIntent)),
    ).toMatchObject({
      Amount_Refunded__c: 1_000,
    });
  });

  it('retries when Salesforce answers 500 UNKNOWN_EXCEPTION', async () => {
    // Prepare
    const { events } = await subscriber('Joan Clarke');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    sf.sim.faults.inject({ kind: 'UNKNOWN_EXCEPTION', callKind: 'collections' });

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events.slice(0, 1)));

    // Assess
    const [outcome] = [...outcomes.values()];
    expect(outcome && !outcome.ok && outcome.error).toBeInstanceOf(RetryableError);
  });

  it('writes more than 200 records of a kind in calls of 200', async () => {
    // Prepare
    const from = s.sim.world.allEvents().length;
    for (let i = 0; i < 205; i++) await s.stripe.customers.create({ name: `Bulk ${i}` });
    const events = eventsSince(s.sim, from);
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    const callsBefore = collectionCalls();

    // Act
    const outcomes = await logic.applyBatch(entriesOf(events));

    // Assess
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(collectionCalls() - callsBefore).toBe(2);
    expect(
      sf.sim.org.records('Account').filter((a) => String(a.Name).startsWith('Bulk ')),
    ).toHaveLength(205);
  });

  it('keeps the Account’s later payment when an earlier failure arrives late', async () => {
    // Prepare
    const { customer, events } = await subscriber('Sophie Wilson');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    await logic.applyBatch(entriesOf(events));
    const paid = events.find((e) => e.type === 'payment_intent.succeeded') as StripeEvent;
    const pi = paid.data.object as unknown as { id: string; amount: number };
    const lateFailure = {
      ...paid,
      id: 'evt_late_failure',
      type: 'payment_intent.payment_failed',
      created: paid.created - 3_600,
      data: {
        object: {
          ...paid.data.object,
          id: 'pi_earlier_attempt',
          status: 'requires_payment_method',
          created: paid.created - 3_600,
          last_payment_error: { code: 'card_declined', message: 'Your card was declined.' },
        },
      },
    } as StripeEvent;

    // Act
    await logic.applyBatch(entriesOf([lateFailure]));

    // Assess
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toMatchObject({
      Stripe_Last_Payment_Status__c: 'succeeded',
      Stripe_Last_Payment_Amount__c: pi.amount,
    });
  });

  it('does not create a record from facts alone: a deleted draft Salesforce never had', async () => {
    // Prepare
    const customer = await cardCustomer(s.stripe, { name: 'Draft Only' });
    const draft = await s.stripe.invoices.create({ customer: customer.id, auto_advance: false });
    const from = s.sim.world.allEvents().length;
    await s.stripe.invoices.del(draft.id);
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });

    // Act
    const outcomes = await logic.applyBatch(entriesOf(eventsSince(s.sim, from)));

    // Assess
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(record('Stripe_Invoice__c', 'Stripe_Invoice_Id__c', draft.id)).toBeUndefined();
  });

  it('names only the event’s own records in trace when parents had to be written for it', async () => {
    // Prepare
    const first = await subscriber('Ida Rhodes');
    const second = await subscriber('Erna Hoover');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    const created = [first, second].map(
      (x) => x.events.find((e) => e.type === 'customer.subscription.created') as StripeEvent,
    );

    // Act
    const outcomes = await logic.applyBatch(entriesOf(created));

    // Assess
    for (const [index, event] of created.entries()) {
      const subscription = [first, second][index]?.subscription.id ?? '';
      const stored = record('Stripe_Subscription__c', 'Stripe_Subscription_Id__c', subscription);
      expect(outcomes.get(event.id)).toEqual({
        ok: true,
        targetIds: { Stripe_Subscription__c: stored?.Id },
      });
    }
  });

  it('keeps a refund on the Account when the payment it refunds, of the same second, arrives after it', async () => {
    // Prepare
    const { customer, invoiceId, events } = await subscriber('Adele Goldberg');
    const { logic } = salesforceConnector({ org: sf.sim, stripe: s.sim });
    // The refund reaches Salesforce before the payment it refunds does.
    await logic.applyBatch(entriesOf(events.filter((e) => e.type !== 'payment_intent.succeeded')));
    const from = s.sim.world.allEvents().length;
    await s.stripe.creditNotes.create({
      invoice: invoiceId,
      lines: [{ type: 'custom_line_item', description: 'Goodwill', quantity: 1, unit_amount: 500 }],
      refund_amount: 500,
    });
    const refundEvents = eventsSince(s.sim, from);
    await logic.applyBatch(entriesOf(refundEvents));
    const paid = events.find((e) => e.type === 'payment_intent.succeeded') as StripeEvent;
    const sameSecond = Math.max(...refundEvents.map((e) => e.created));

    // Act
    await logic.applyBatch(entriesOf([{ ...paid, created: sameSecond }]));

    // Assess
    expect(record('Account', 'Stripe_Customer_Id__c', customer.id)).toMatchObject({
      Stripe_Last_Payment_Status__c: 'partially_refunded',
    });
  });
});
