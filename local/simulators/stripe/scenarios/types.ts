/**
 * A scenario is a named business story played through the Stripe API with the official SDK, so
 * it produces the event sequence Stripe would send through the hub. Scenarios run against the
 * simulator (`npm start`) and, where the story allows, against a real test-mode account.
 */
import type Stripe from 'stripe';

export interface ScenarioContext {
  stripe: Stripe;
  /** True against the simulator; some waits (ACH settlement, test clocks) differ on real Stripe. */
  simulated: boolean;
  /** Prints one line of progress. */
  log(line: string): void;
  /** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
  until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

/** What a scenario created, by label, so `npx switchyard trace <id>` can be used on each. */
export type ScenarioResult = Record<string, string>;

export interface Scenario {
  /** Kebab-case name: `npm run scenario -- <name>`. */
  name: string;
  /** One line for `--list`. */
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
