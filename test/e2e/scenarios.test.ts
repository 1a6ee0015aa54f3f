/**
 * Every Stripe scenario, played against the simulator, runs green through the whole local hub:
 * each event Stripe would send is delivered signed, recorded in the ledger exactly once, fanned
 * out and applied per object in the order it happened — also when deliveries are duplicated and
 * reordered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../local/simulators/stripe/scenarios/index.ts';
import type { Scenario } from '../../local/simulators/stripe/scenarios/types.ts';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../local/simulators/stripe/server.ts';
import type { StripeRecord } from '../../local/simulators/stripe/world.ts';
import { eventually, recordingConsumer, startTestHub, type TestHub } from '../support/hub.ts';
import { scenarioContext } from '../support/scenarios.ts';

/** What the story must have produced for one of its objects, in this order (others may interleave). */
const EXPECTED: Record<string, Record<string, string[]>> = {
  'card-signup': {
    subscription: ['customer.subscription.created', 'customer.subscription.updated'],
    invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded'],
  },
  'ach-signup': {
    subscription: ['customer.subscription.created', 'customer.subscription.updated'],
    invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid'],
  },
  'upgrade-proration': {
    subscription: [
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.updated',
    ],
    proration_invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid'],
  },
  'line-discount': { invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid'] },
  'ramped-deal': {
    schedule: [
      'subscription_schedule.created',
      'subscription_schedule.updated',
      'subscription_schedule.updated',
      'subscription_schedule.updated',
      'subscription_schedule.released',
    ],
    subscription: ['customer.subscription.created', 'customer.subscription.updated'],
  },
  'eur-customer': { invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid'] },
  'refund-credit-note': { credit_note: ['credit_note.created'], invoice: ['invoice.paid'] },
  'dunning-recovery': {
    recovered_invoice: [
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
      'invoice.payment_failed',
      'invoice.paid',
    ],
    subscription: ['customer.subscription.updated', 'customer.subscription.updated'],
  },
  'voided-invoice': { invoice: ['invoice.created', 'invoice.finalized', 'invoice.voided'] },
  'cancel-at-period-end': {
    subscription: [
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ],
  },
  'clock-renewal': { renewal_invoice: ['invoice.created', 'invoice.finalized', 'invoice.paid'] },
};

let hub: TestHub;
let sim: StripeSimulator;
const { logic: warehouse, applied } = recordingConsumer();

beforeAll(async () => {
  hub = await startTestHub({ consumers: { warehouse } });
  sim = await startStripeSimulator({
    port: 0,
    webhookEndpoints: [{ url: hub.webhookUrl, secret: hub.secret }],
    retryScheduleMs: [100, 200, 400, 800, 1_600],
    achSettlementMs: 150,
  });
});

afterAll(async () => {
  await sim?.stop();
  await hub?.stop();
});

function objectIdOf(event: StripeRecord): string {
  return (event.data as { object: { id: string } }).object.id;
}

/**
 * Plays a scenario and waits until the hub has recorded every event it caused and the warehouse
 * (which takes every event type; the other connectors have no consumer here) settled each one.
 */
async function play(
  scenario: Scenario,
): Promise<{ result: Record<string, string>; events: StripeRecord[] }> {
  const from = sim.world.allEvents().length;
  const result = await scenario.run(scenarioContext(sim));
  await sim.webhooks.idle();
  const events = sim.world.allEvents().slice(from);
  await eventually(async () => {
    for (const event of events) {
      const traced = await hub.ledger.getEvent(event.id);
      const warehouse = traced?.deliveries.find((d) => d.connector === 'warehouse');
      if (warehouse === undefined || warehouse.status === 'PENDING') return false;
    }
    return true;
  }, 60_000);
  return { result, events };
}

async function assertRecordedOnceAndApplied(events: StripeRecord[]): Promise<void> {
  const ids = new Set(events.map((e) => e.id));
  for (const event of events) {
    const traced = await hub.ledger.getEvent(event.id);
    expect(traced?.event.type, `${event.id} in the ledger`).toBe(event.type);
    expect(traced?.deliveries.map((d) => d.status)).not.toContain('FAILED');
  }
  const mine = applied.filter((e) => ids.has(e.id));
  expect(new Set(mine.map((e) => e.id)).size, 'no event applied twice').toBe(mine.length);
  // Per object, never an event applied after a strictly newer one, and the newest one applied.
  const byObject = new Map<string, StripeRecord[]>();
  for (const event of events)
    byObject.set(objectIdOf(event), [...(byObject.get(objectIdOf(event)) ?? []), event]);
  for (const [objectId, history] of byObject) {
    const order = mine.filter((e) => e.data.object.id === objectId).map((e) => e.created);
    expect(order, `${objectId} applied in time order`).toEqual([...order].sort((a, b) => a - b));
    const newest = history.at(-1);
    const traced = newest ? await hub.ledger.getEvent(newest.id) : undefined;
    expect(
      traced?.deliveries.find((d) => d.connector === 'warehouse')?.status,
      `${objectId}'s newest event`,
    ).toBe('SUCCEEDED');
  }
}

async function assertStory(
  name: string,
  result: Record<string, string>,
  events: StripeRecord[],
): Promise<void> {
  for (const [label, expected] of Object.entries(EXPECTED[name] ?? {})) {
    const id = result[label];
    expect(id, `${name} created its ${label}`).toBeDefined();
    const ledgerIds = new Set<string>();
    const { events: lineage } = await hub.ledger.lineage(id ?? '');
    for (const traced of lineage)
      if (traced.event.objectId === id) ledgerIds.add(traced.event.eventId);
    // The object's events as Stripe emitted them, all of them in the ledger.
    const history = events.filter((e) => objectIdOf(e) === id);
    expect(
      history.every((e) => ledgerIds.has(e.id)),
      `${label}'s events all in the ledger`,
    ).toBe(true);
    const types = history.map((e) => e.type as string);
    let at = 0;
    for (const type of types) if (type === expected[at]) at++;
    expect(at, `${label}: ${expected.join(' → ')} within ${types.join(' → ')}`).toBe(
      expected.length,
    );
  }
}

describe('each scenario through the hub', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    // Act
    const { result, events } = await play(scenario);

    // Assess
    expect(events.length).toBeGreaterThan(0);
    await assertRecordedOnceAndApplied(events);
    await assertStory(name, result, events);
    // In order and one at a time, each object's events are applied exactly as they happened.
    const ids = new Set(events.map((e) => e.id));
    const appliedIds = applied.filter((e) => ids.has(e.id)).map((e) => e.id);
    expect(appliedIds).toEqual(events.map((e) => e.id));
  });
});

describe('under delivery chaos', () => {
  it.each(['card-signup', 'upgrade-proration', 'dunning-recovery', 'refund-credit-note'])(
    '%s with duplicated and reordered deliveries',
    async (name) => {
      // Prepare
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (scenario === undefined) throw new Error(`no scenario ${name}`);
      sim.webhooks.setChaos({ reorderWindowMs: 400, duplicateRate: 0.5, seed: name.length });
      const attemptsBefore = sim.webhooks.attempts.length;

      // Act
      const { result, events } = await play(scenario).finally(() => sim.webhooks.setChaos({}));

      // Assess
      const deliveries = sim.webhooks.attempts.slice(attemptsBefore);
      expect(deliveries.length, 'some events were delivered twice').toBeGreaterThan(events.length);
      const order = deliveries.map((d) => d.eventId);
      const emitted = events.map((e) => e.id);
      expect(
        order.filter((id, i) => order.indexOf(id) === i),
        'deliveries were reordered',
      ).not.toEqual(emitted);
      await assertRecordedOnceAndApplied(events);
      await assertStory(name, result, events);
    },
  );
});
