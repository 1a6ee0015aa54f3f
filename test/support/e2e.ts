/**
 * End-to-end runs of the Stripe simulator's scenarios through a whole local hub into one
 * connector: playing a story until the connector has settled every event, and the same stories
 * again under duplicated and reordered deliveries.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { HubOptions } from '../../local/hub.ts';
import { SCENARIOS } from '../../local/simulators/stripe/scenarios/index.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import type { StripeRecord } from '../../local/simulators/stripe/world.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import { Router } from '../../shared/events/routing.ts';
import { eventually, startTestHub, type TestHub } from './hub.ts';
import { scenarioContext } from './scenarios.ts';
import { simulatorClient } from './simulator.ts';

/** A hub for scenario tests, its Stripe simulator, and the SDK on that simulator. */
export interface ScenarioHub {
  hub: TestHub;
  sim: StripeSimulator;
  stripe: Stripe;
}

/**
 * Starts a whole local hub (as `startTestHub`) whose Stripe simulator retries webhooks within
 * seconds and settles ACH debits at once, batching for 200 ms, with `options` for the connector
 * under test and its vendor.
 */
export async function startScenarioHub(options: Partial<HubOptions>): Promise<ScenarioHub> {
  const hub = await startTestHub({
    stripe: {
      simulator: { port: 0, retryScheduleMs: [100, 200, 400, 800, 1_600], achSettlementMs: 150 },
    },
    batchWindowMs: 200,
    ...options,
  });
  if (hub.stripe?.kind !== 'simulator') {
    await hub.stop();
    throw new Error('the hub did not start its Stripe simulator');
  }
  const sim = hub.stripe.simulator;
  return { hub, sim, stripe: simulatorClient(sim) };
}

/** A played scenario: the ids it created, and the events it emitted that reach the connector. */
export interface PlayedScenario {
  result: Record<string, string>;
  events: StripeRecord[];
}

const router = new Router();

/**
 * Plays the scenario `name` on the hub's Stripe simulator, then waits (up to `settleMs`) until
 * `connector`'s delivery of every event routed to it is no longer PENDING, so a test can assess
 * what the connector wrote.
 */
export async function playScenario(options: {
  hub: TestHub;
  sim: StripeSimulator;
  connector: ConnectorName;
  name: string;
  settleMs: number;
}): Promise<PlayedScenario> {
  const { hub, sim, connector, name } = options;
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  const from = sim.world.allEvents().length;
  const result = await scenario.run(scenarioContext(sim));
  await sim.webhooks.idle();
  const events = sim.world
    .allEvents()
    .slice(from)
    .filter((e) => router.route(e.type as string).includes(connector));
  await eventually(async () => {
    for (const event of events) {
      const traced = await hub.ledger.getEvent(event.id);
      const delivery = traced?.deliveries.find((d) => d.connector === connector);
      if (delivery === undefined || delivery.status === 'PENDING') return false;
    }
    return true;
  }, options.settleMs);
  return { result, events };
}

/** Scenarios that touch the same objects many times, so reordering and duplicates can bite. */
const CHAOS_SCENARIOS = [
  'upgrade-proration',
  'dunning-recovery',
  'refund-credit-note',
  'cancel-at-period-end',
];

/**
 * Declares the "under delivery chaos" tests: each scenario played while Stripe's webhooks are
 * duplicated and reordered must pass `assess` just as a calm run does. `sim` is read when the
 * tests run, after the file's `beforeAll` started the hub.
 */
export function describeDeliveryChaos(options: {
  sim: () => StripeSimulator;
  play: (name: string) => Promise<readonly StripeRecord[]>;
  assess: (events: readonly StripeRecord[]) => Promise<void>;
}): void {
  describe('under delivery chaos', () => {
    it.each(CHAOS_SCENARIOS)(
      '%s with duplicated and reordered deliveries ends the same',
      async (name) => {
        // Prepare
        const sim = options.sim();
        sim.webhooks.setChaos({ reorderWindowMs: 400, duplicateRate: 0.5, seed: name.length });
        const attemptsBefore = sim.webhooks.attempts.length;

        // Act
        const events = await options.play(name).finally(() => sim.webhooks.setChaos({}));

        // Assess
        const deliveries = sim.webhooks.attempts.slice(attemptsBefore);
        expect(deliveries.length, 'some events were delivered twice').toBeGreaterThan(
          events.length,
        );
        await options.assess(events);
      },
    );
  });
}
