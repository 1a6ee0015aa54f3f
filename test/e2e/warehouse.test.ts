/**
 * Every Stripe scenario through the whole local hub into the warehouse: Stripe's webhooks →
 * ingress → ledger → SQS → the warehouse connector → the Redshift Data API simulator on the test
 * PostgreSQL. Afterwards every event the story emitted is in `events` exactly once, and each
 * customer, subscription, invoice (with all its lines), credit note and payment it touched is in
 * the models as Stripe holds it now; duplicated and reordered deliveries end the same.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from '../../local/simulators/redshift-data/postgres.ts';
import { SCENARIOS } from '../../local/simulators/stripe/scenarios/index.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import type { StripeRecord } from '../../local/simulators/stripe/world.ts';
import {
  createWarehouseClient,
  type ResultRow,
  type WarehouseClient,
} from '../../shared/connectors/warehouse/client.ts';
import { parseWarehouseConfig } from '../../shared/connectors/warehouse/config.ts';
import { httpStatusOf } from '../../shared/errors.ts';
import { describeDeliveryChaos, playScenario, startScenarioHub } from '../support/e2e.ts';
import type { TestHub } from '../support/hub.ts';

const schema = `e2e_wh_${randomBytes(4).toString('hex')}`;
let hub: TestHub;
let sim: StripeSimulator;
let stripe: Stripe;
let warehouse: WarehouseClient;

beforeAll(async () => {
  ({ hub, sim, stripe } = await startScenarioHub({
    warehouse: { simulator: { port: 0, postgres: { url: TEST_POSTGRES_URL }, schema } },
    connectors: ['warehouse'],
  }));
  if (hub.vendors.redshift === undefined) {
    throw new Error('the hub did not start its Redshift Data API simulator');
  }
  warehouse = createWarehouseClient(parseWarehouseConfig(hub.env));
}, 90_000);

afterAll(async () => {
  await warehouse?.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await hub?.stop();
});

type StripeObjectLike = { id: string; object: string; deleted?: boolean } & Record<string, unknown>;
const objectOf = (event: StripeRecord) => (event.data as { object: StripeObjectLike }).object;

/** Plays a scenario; answers its events once the warehouse delivery of each is settled. */
async function play(name: string): Promise<StripeRecord[]> {
  return (await playScenario({ hub, sim, connector: 'warehouse', name, settleMs: 120_000 })).events;
}

const query = (sql: string, parameters: Record<string, string> = {}) =>
  warehouse.query(sql.replaceAll('{schema}', schema), parameters);

/** The stored row of a model table, or undefined. */
async function rowOf(table: string, id: string): Promise<ResultRow | undefined> {
  const [row] = await query(`SELECT * FROM {schema}.${table} WHERE id = :id`, { id });
  return row;
}

/** What Stripe holds now: the object, or `{ deleted: true }` once it is gone (404). */
async function current(read: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return (await read()) as Record<string, unknown>;
  } catch (error) {
    if (httpStatusOf(error) === 404) return { deleted: true };
    throw error;
  }
}

/** The columns that matter per object type, read from Stripe's object by the same name. */
const COMPARED: Record<
  string,
  { table: string; columns: string[]; read: (id: string) => Promise<unknown> }
> = {
  customer: {
    table: 'customers',
    columns: ['email', 'name', 'balance', 'delinquent'],
    read: (id) => stripe.customers.retrieve(id),
  },
  subscription: {
    table: 'subscriptions',
    columns: ['status', 'currency', 'collection_method', 'cancel_at_period_end'],
    read: (id) => stripe.subscriptions.retrieve(id),
  },
  invoice: {
    table: 'invoices',
    columns: [
      'status',
      'currency',
      'amount_due',
      'amount_paid',
      'amount_remaining',
      'subtotal',
      'total',
    ],
    read: (id) => stripe.invoices.retrieve(id),
  },
  credit_note: {
    table: 'credit_notes',
    columns: ['status', 'currency', 'amount', 'subtotal', 'total'],
    read: (id) => stripe.creditNotes.retrieve(id),
  },
  payment_intent: {
    table: 'payments',
    columns: ['status', 'currency', 'amount', 'amount_received'],
    read: (id) => stripe.paymentIntents.retrieve(id),
  },
};

async function assertChildren(type: string, id: string, now: Record<string, unknown>) {
  if (type === 'invoice') {
    const lines = await stripe.invoices
      .listLineItems(id, { limit: 100 })
      .autoPagingToArray({ limit: 1_000 });
    const stored = await query(
      'SELECT amount, currency FROM {schema}.invoice_lines WHERE invoice_id = :id ORDER BY line_number',
      { id },
    );
    expect(stored, `lines of ${id}`).toEqual(
      lines.map((l) => ({ amount: l.amount, currency: l.currency })),
    );
  }
  if (type === 'subscription') {
    const items = (now.items as { data: Stripe.SubscriptionItem[] }).data;
    const stored = await query(
      'SELECT id, quantity, unit_amount, price_id FROM {schema}.subscription_items WHERE subscription_id = :id ORDER BY id',
      { id },
    );
    const expected = items
      .map((i) => ({
        id: i.id,
        quantity: i.quantity ?? null,
        unit_amount: i.price.unit_amount,
        price_id: i.price.id,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(stored, `items of ${id}`).toEqual(expected);
  }
}

/** Each object the story touched is stored as Stripe holds it now (or soft-deleted when gone). */
async function assertModelsHoldStripe(events: readonly StripeRecord[]): Promise<void> {
  const touched = new Map<string, string>();
  for (const event of events) {
    const object = objectOf(event);
    if (object.object in COMPARED && typeof object.id === 'string')
      touched.set(object.id, object.object);
  }
  expect(touched.size).toBeGreaterThan(0);
  for (const [id, type] of touched) {
    const compared = COMPARED[type];
    if (compared === undefined) continue;
    const now = await current(() => compared.read(id));
    const stored = await rowOf(compared.table, id);
    expect(stored, `${type} ${id} in ${compared.table}`).toBeDefined();
    expect(stored?.deleted, `${type} ${id}.deleted`).toBe(now.deleted === true);
    if (now.deleted === true) continue;
    for (const column of compared.columns) {
      expect(stored?.[column], `${type} ${id}.${column}`).toEqual(now[column] ?? null);
    }
    await assertChildren(type, id, now);
  }
}

/** Every event the story emitted is in `events` once, and its delivery succeeded. */
async function assertEveryEventOnce(events: readonly StripeRecord[]): Promise<void> {
  const ids = events.map((e) => e.id);
  const stored = await query(
    `SELECT id, COUNT(*) AS copies FROM {schema}.events WHERE id IN (${ids.map((id) => `'${id}'`).join(', ')}) GROUP BY id`,
  );
  expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(stored.filter((r) => r.copies !== 1)).toEqual([]);
  for (const event of events) {
    const traced = await hub.ledger.getEvent(event.id);
    const delivery = traced?.deliveries.find((d) => d.connector === 'warehouse');
    expect(delivery?.status, `${event.type} ${event.id}`).toBe('SUCCEEDED');
  }
}

describe('each scenario into the warehouse', () => {
  it.each(SCENARIOS.map((s) => [s.name]))('%s', async (name) => {
    // Act
    const events = await play(name);

    // Assess
    await assertEveryEventOnce(events);
    await assertModelsHoldStripe(events);
  });
});

describeDeliveryChaos({
  sim: () => sim,
  play,
  assess: async (events) => {
    await assertEveryEventOnce(events);
    await assertModelsHoldStripe(events);
  },
});
