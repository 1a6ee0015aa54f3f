/** Runs the Stripe simulator's scenarios from tests: a scenario context on an SDK client. */
import type { ScenarioContext } from '../../local/simulators/stripe/scenarios/types.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import { pollUntil, simulatorClient } from './simulator.ts';

/** A scenario context on a simulator; `log` lines are collected, not printed. */
export function scenarioContext(sim: StripeSimulator, lines: string[] = []): ScenarioContext {
  return {
    stripe: simulatorClient(sim),
    simulated: true,
    log: (line) => lines.push(line),
    until: (what, check, timeoutMs = 20_000) =>
      pollUntil(check, { timeoutMs, intervalMs: 50, what }),
  };
}
