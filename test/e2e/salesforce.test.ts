/**
 * Every Stripe scenario through the whole local hub into the Salesforce simulator: Stripe's
 * webhooks → ingress → ledger → SQS → the Salesforce connector (jsforce) → the org. Afterwards
 * each customer, subscription, invoice and payment the story touched is in Salesforce as Stripe
 * holds it now, the ledger names the records it wrote, and duplicated and reordered deliveries
 * change nothing.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceSimulator } from '../../local/simulators/salesforce/server.ts';
import { SCENARIOS } from '../../local/simulators/stripe/scenarios/index.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import type { StripeRecord } from '../../local/simulators/stripe/world.ts';
import {
  DEFAULT_FIELD_MAP,
  toSalesforceRecord,
} from '../../shared/connectors/salesforce/field-map.ts';
import { type MappableObject, writesFor } from '../../shared/connectors/salesforce/mapping.ts';
import { ProductNames } from '../../shared/connectors/salesforce/stripe-reads.ts';
import { describeDeliveryChaos, playScenario, startScenarioHub } from '../support/e2e.ts';
import type { TestHub } from '../support/hub.ts';

let hub: TestHub;
let sim: StripeSimulator;
let org: SalesforceSimulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ hub, sim, stripe } = await startScenarioHub({
    salesforce: { simulator: { port: 0 } },
    connectors: ['salesforce'],
  }));
  if (hub.vendors.salesforce === undefined) {
    throw new Error('the hub did not start its Salesforce simulator');
  }
  org = hub.vendors.salesforce;
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

const objectOf = (event: StripeRecord) => (event.data as { object: MappableObject }).object;

/** Plays a scenario; answers the ids it created and its Salesforce events, once all settled. */
const playStory = (name: string) =>
  playScenario({ hub, sim, connector: 'salesforce', name, settleMs: 90_000 });

const sfRecord = (kind: keyof typeof DEFAULT_FIELD_MAP, stripeId: string | undefined) => {
  const { object, externalIdField } = DEFAULT_FIELD_MAP[kind];
  return org.org.record(object, externalIdField, stripeId ?? '');
};

/** Every subscription and invoice sits under its Account, and a paid invoice's payment under it. */
async function assertLinks(events: readonly StripeRecord[]): Promise<void> {
  for (const event of events) {
    const object = objectOf(event) as MappableObject & Record<string, unknown>;
    if (object.object === 'subscription' || object.object === 'invoice') {
      const stored = sfRecord(object.object, object.id);
      if (stored === undefined || object.customer === null) continue;
      const account = sfRecord('account', String(object.customer));
      expect(stored.Account__c, `${object.id} under its Account`).toBe(account?.Id);
    }
    if (object.object === 'invoice_payment') {
      const payment = (object.payment as { payment_intent?: string }).payment_intent;
      const invoice = sfRecord('invoice', String(object.invoice));
      expect(sfRecord('payment', payment)?.Invoice__c, `${payment} under its invoice`).toBe(
        invoice?.Id,
      );
    }
  }
}

/** What a person checking Salesforce after the story would look for, by scenario. */
const EXPECTED: Record<string, (result: Record<string, string>) => void> = {
  'card-signup': (r) => {
    expect(sfRecord('account', r.customer)).toMatchObject({
      Stripe_Last_Payment_Status__c: 'succeeded',
    });
    expect(sfRecord('subscription', r.subscription)).toMatchObject({
      Status__c: 'active',
      Plan_Names__c: 'Starter',
      MRR__c: 2_900,
      Currency__c: 'usd',
    });
    expect(sfRecord('invoice', r.invoice)).toMatchObject({ Status__c: 'paid', Total__c: 2_900 });
  },
  'refund-credit-note': (r) => {
    expect(sfRecord('invoice', r.invoice)).toMatchObject({ Status__c: 'paid', Credited__c: 3_000 });
    expect(sfRecord('account', r.customer)).toMatchObject({
      Stripe_Last_Payment_Status__c: 'partially_refunded',
    });
  },
  'voided-invoice': (r) => {
    expect(sfRecord('invoice', r.invoice)).toMatchObject({ Status__c: 'void' });
  },
  'cancel-at-period-end': (r) => {
    expect(sfRecord('subscription', r.subscription)).toMatchObject({ Status__c: 'canceled' });
  },
  'dunning-recovery': (r) => {
    expect(sfRecord('invoice', r.recovered_invoice)).toMatchObject({ Status__c: 'paid' });
    expect(sfRecord('account', r.customer)).toMatchObject({
      Stripe_Last_Payment_Status__c: 'succeeded',
    });
  },
};

/** What Stripe holds now for an object the story touched, as the connector would map it. */
const READ: Record<string, (id: string) => Promise<unknown>> = {
  customer: (id) => stripe.customers.retrieve(id),
  subscription: (id) => stripe.subscriptions.retrieve(id),
  invoice: (id) => stripe.invoices.retrieve(id),
  payment_intent: (id) => stripe.paymentIntents.retrieve(id),
};

const productNames = new ProductNames();

/** Salesforce's stored value in the shape the connector sends (dates as ISO text). */
function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

async function assertSalesforceHoldsStripe(events: readonly StripeRecord[]): Promise<void> {
  const touched = new Map<string, string>();
  for (const event of events) {
    const object = objectOf(event);
    if (object.object in READ) touched.set(object.id, object.object);
  }
  expect(touched.size).toBeGreaterThan(0);
  for (const [id, type] of touched) {
    const read = (await READ[type]?.(id)) as MappableObject;
    const now = type === 'subscription' ? await productNames.expand(stripe, read) : read;
    const whole = writesFor({
      eventType: `${type}.updated`,
      object: now,
      options: { livemode: false },
    }).filter((w) => w.stripeId === id && w.complete);
    for (const write of whole) {
      const { object, externalIdField, record } = toSalesforceRecord(write, DEFAULT_FIELD_MAP);
      const stored = org.org.record(object, externalIdField, id);
      expect(stored, `${object} ${id} in Salesforce`).toBeDefined();
      for (const [field, value] of Object.entries(record)) {
        if (field === 'attributes' || (typeof value === 'object' && value !== null)) continue;
        expect(comparable(stored?.[field]), `${object} ${id}.${field}`).toEqual(value);
      }
    }
  }
}

async function assertTraced(events: readonly StripeRecord[]): Promise<void> {
  for (const event of events) {
    const traced = await hub.ledger.getEvent(event.id);
    const delivery = traced?.deliveries.find((d) => d.connector === 'salesforce');
    expect(delivery?.status, `${event.type} ${event.id}`).toMatch(/^(SUCCEEDED|SKIPPED_STALE)$/);
  }
  // The newest event of each object was applied, and says which records it wrote.
  const newest = new Map<string, StripeRecord>();
  for (const event of events) newest.set(objectOf(event).id, event);
  for (const event of newest.values()) {
    const traced = await hub.ledger.getEvent(event.id);
    const delivery = traced?.deliveries.find((d) => d.connector === 'salesforce');
    if (delivery?.status !== 'SUCCEEDED') continue;
    for (const sfId of Object.values(delivery.targetIds ?? {}))
      expect(sfId).toMatch(/^[a-zA-Z0-9]{18}$/);
  }
}

describe('each scenario into Salesforce', () => {
  it.each(SCENARIOS.map((s) => [s.name]))('%s', async (name) => {
    // Act
    const { result, events } = await playStory(name);

    // Assess
    await assertTraced(events);
    await assertSalesforceHoldsStripe(events);
    await assertLinks(events);
    EXPECTED[name]?.(result);
  });
});

describeDeliveryChaos({
  sim: () => sim,
  play: async (name) => (await playStory(name)).events,
  assess: async (events) => {
    await assertTraced(events);
    await assertSalesforceHoldsStripe(events);
    await assertLinks(events);
  },
});
