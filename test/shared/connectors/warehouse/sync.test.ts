import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../../local/simulators/stripe/scenarios/index.ts';
import type { StripeEvent } from '../../../../shared/events/types.ts';
import { scenarioContext } from '../../../support/scenarios.ts';
import { useSimulator } from '../../../support/simulator.ts';
import { buildEvent, openapiObject } from '../../../support/stripe.ts';
import { counts, load, rows, stagedKeys, useWarehouse, warehouseConnector } from './support.ts';

const stripeSim = useSimulator();
const wh = useWarehouse();

/** Every row of every model table, to compare whole states. */
async function everything() {
  const out: Record<string, unknown> = {};
  for (const table of [
    'customers',
    'subscriptions',
    'subscription_items',
    'invoices',
    'invoice_lines',
    'payments',
    'invoice_payments',
    'refunds',
    'credit_notes',
  ]) {
    out[table] = await rows(wh, `SELECT * FROM {schema}.${table} ORDER BY id`);
  }
  return out;
}

function eventsOf(ids: readonly string[]): StripeEvent[] {
  return stripeSim.sim.world
    .allEvents()
    .filter((e) =>
      ids.includes((e.data as { object: { id: string } }).object.id),
    ) as unknown as StripeEvent[];
}

function customerEvent(id: string, name: string, created: number, type = 'customer.updated') {
  const customer = openapiObject('customer');
  Object.assign(customer, { id, name, email: `${id}@example.com` });
  return buildEvent({ type, object: customer, created });
}

describe('the warehouse loader against the Redshift Data API simulator', () => {
  it('lands a batch as raw events and finance models, and removes its staged files', async () => {
    // Prepare
    const story = await findScenario('refund-credit-note')?.run(scenarioContext(stripeSim.sim));
    if (!story) throw new Error('no scenario');
    const events = stripeSim.sim.world.allEvents() as unknown as StripeEvent[];
    const connector = warehouseConnector(wh, stripeSim.stripe);

    // Act
    const outcomes = await load(connector, events);

    // Assess
    expect((await counts(wh)).events).toBe(events.length);
    expect(outcomes.get(events.find((e) => e.type === 'invoice.paid')?.id ?? '')).toEqual({
      ok: true,
      targetIds: { table: 'invoices', key: story.invoice },
    });
    const [invoice] = await rows(
      wh,
      `SELECT status, total, amount_paid, currency, customer_id, subscription_id FROM {schema}.invoices WHERE id = '${story.invoice}'`,
    );
    expect(invoice).toEqual({
      status: 'paid',
      total: 15_000,
      amount_paid: 15_000,
      currency: 'usd',
      customer_id: story.customer,
      subscription_id: story.subscription,
    });
    const [subscription] = await rows(
      wh,
      `SELECT s.status, i.quantity, i.unit_amount FROM {schema}.subscriptions s JOIN {schema}.subscription_items i ON i.subscription_id = s.id WHERE s.id = '${story.subscription}'`,
    );
    expect(subscription).toEqual({ status: 'active', quantity: 10, unit_amount: 1_500 });
    expect(
      await rows(
        wh,
        `SELECT invoice_id, status FROM {schema}.payments WHERE customer_id = '${story.customer}'`,
      ),
    ).toEqual([{ invoice_id: story.invoice, status: 'succeeded' }]);
    expect(await rows(wh, `SELECT amount, status FROM {schema}.refunds`)).toEqual([
      { amount: 3_000, status: 'succeeded' },
    ]);
    expect(
      await rows(
        wh,
        `SELECT invoice_id, total FROM {schema}.credit_notes WHERE id = '${story.credit_note}'`,
      ),
    ).toEqual([{ invoice_id: story.invoice, total: 3_000 }]);
    expect(await stagedKeys(wh)).toEqual([]);
  });

  it('changes nothing when the same batch, or one of its events, is delivered again', async () => {
    // Prepare
    const events = stripeSim.sim.world.allEvents() as unknown as StripeEvent[];
    const connector = warehouseConnector(wh, stripeSim.stripe);
    await load(connector, events);
    const before = { counts: await counts(wh), rows: await everything() };
    const single = events.find((e) => e.type === 'invoice.finalized');
    if (!single) throw new Error('no invoice.finalized event');

    // Act
    await load(connector, events);
    await load(connector, [single]);

    // Assess
    expect(await counts(wh)).toEqual(before.counts);
    expect(await everything()).toEqual(before.rows);
  });

  it('keeps the newer state when an older event arrives after it', async () => {
    // Prepare
    const connector = warehouseConnector(wh, stripeSim.stripe);
    const newer = customerEvent('cus_order1', 'Newer Name', 1_800_000_200);
    const older = customerEvent('cus_order1', 'Older Name', 1_800_000_100);
    await load(connector, [newer]);

    // Act
    await load(connector, [older]);

    // Assess
    expect(
      await rows(wh, `SELECT name, event_id FROM {schema}.customers WHERE id = 'cus_order1'`),
    ).toEqual([{ name: 'Newer Name', event_id: newer.id }]);
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.events WHERE object_id = 'cus_order1'`),
    ).toEqual([{ n: 2 }]);
  });

  it('takes the newest of several events of one object in one batch, whatever their order', async () => {
    // Prepare
    const connector = warehouseConnector(wh, stripeSim.stripe);
    const first = customerEvent('cus_order2', 'First', 1_800_000_100);
    const second = customerEvent('cus_order2', 'Second', 1_800_000_101);

    // Act
    await load(connector, [second, first]);

    // Assess
    expect(await rows(wh, `SELECT name FROM {schema}.customers WHERE id = 'cus_order2'`)).toEqual([
      { name: 'Second' },
    ]);
  });

  it('re-reads from Stripe an object with two events of the same second, in the batch or stored', async () => {
    // Prepare
    const { stripe } = stripeSim;
    const customer = await stripe.customers.create({ name: 'Before' });
    await stripe.customers.update(customer.id, { name: 'Current' });
    const [created, updated] = eventsOf([customer.id]);
    if (!created || !updated) throw new Error('expected two customer events');
    const staleTwin = customerEvent(customer.id, 'Stale snapshot', updated.created);
    const connector = warehouseConnector(wh, stripe);

    // Act
    await load(connector, [updated, created]);
    const afterBatch = await rows(
      wh,
      `SELECT name FROM {schema}.customers WHERE id = '${customer.id}'`,
    );
    await stripe.customers.update(customer.id, { name: 'Latest' });
    await load(connector, [staleTwin]);

    // Assess
    expect(afterBatch).toEqual([{ name: 'Current' }]);
    expect(
      await rows(wh, `SELECT name, event_id FROM {schema}.customers WHERE id = '${customer.id}'`),
    ).toEqual([{ name: 'Latest', event_id: staleTwin.id }]);
  });

  it('keeps a deleted customer as a row marked deleted', async () => {
    // Prepare
    const { stripe } = stripeSim;
    const customer = await stripe.customers.create({
      name: 'Gone Soon',
      email: 'gone@example.com',
    });
    await stripe.customers.del(customer.id);
    const connector = warehouseConnector(wh, stripe);

    // Act
    await load(connector, eventsOf([customer.id]));

    // Assess
    const [row] = await rows(
      wh,
      `SELECT deleted, deleted_at, email FROM {schema}.customers WHERE id = '${customer.id}'`,
    );
    expect(row).toMatchObject({ deleted: true, email: 'gone@example.com' });
    expect(row?.deleted_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/));
  });
});
