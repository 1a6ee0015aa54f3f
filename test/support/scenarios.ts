/** Runs the Stripe simulator's scenarios from tests: a scenario context on an SDK client. */
import { pollUntil } from '../../local/cli/scenario.ts';
import type { ScenarioContext } from '../../local/simulators/stripe/scenarios/types.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import { simulatorClient } from './simulator.ts';

/** A scenario context on a simulator; `log` lines are collected, not printed. */
export function scenarioContext(sim: StripeSimulator, lines: string[] = []): ScenarioContext {
  return {
    stripe: simulatorClient(sim),
    simulated: true,
    log: (line) => lines.push(line),
    until: pollUntil(50),
  };
}
