/** Runs the Stripe simulator's scenarios from tests: an SDK client and a scenario context. */
import Stripe from 'stripe';
import type { ScenarioContext } from '../../local/simulators/stripe/scenarios/types.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';

/** The official SDK pointed at a simulator, without retries (tests see every answer). */
export function simulatorClient(sim: StripeSimulator): Stripe {
  return new Stripe('sk_test_switchyard_tests', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

/** A scenario context on a simulator; `log` lines are collected, not printed. */
export function scenarioContext(sim: StripeSimulator, lines: string[] = []): ScenarioContext {
  return {
    stripe: simulatorClient(sim),
    simulated: true,
    log: (line) => lines.push(line),
    async until(what, check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
