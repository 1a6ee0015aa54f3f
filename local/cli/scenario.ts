/**
 * `npm run scenario -- <name> [--chaos=reorder,duplicate,delay] | --list`: plays a billing story
 * through the Stripe API with the official SDK, against the simulator the running hub started
 * (or real Stripe with STRIPE_API_KEY), so its events flow through the hub; then prints the ids
 * it created, ready for `switchyard trace`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import { ENV, type Env } from '../../shared/config.ts';
import { createStripeClient } from '../../shared/stripe/client.ts';
import { parseStripeApiConfig, type StripeApiConfig } from '../../shared/stripe/config.ts';
import { parseLocalConfig } from '../config.ts';
import { HUB_MARKER, isOurProcess, readRuntime } from '../runtime-file.ts';
import { SCENARIOS } from '../simulators/stripe/scenarios/index.ts';
import type { Scenario, ScenarioContext } from '../simulators/stripe/scenarios/types.ts';

/** What each `--chaos=` name asks of the simulator's webhook deliveries. */
export const CHAOS_SETTINGS = {
  reorder: { reorderWindowMs: 2_000 },
  duplicate: { duplicateRate: 0.5 },
  delay: { delayMs: 1_000 },
} as const;

type ChaosName = keyof typeof CHAOS_SETTINGS;
type Chaos = { delayMs?: number; reorderWindowMs?: number; duplicateRate?: number; seed?: number };

/** Where the command writes: the console, or a test's buffer. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const USAGE = `Usage: npm run scenario -- <name> [--chaos=${Object.keys(CHAOS_SETTINGS).join(',')}]
       npm run scenario -- --list`;

/** How long `until` polls when a scenario names no timeout. */
export const DEFAULT_UNTIL_TIMEOUT_MS = 30_000;

/** A scenario's `until`: calls `check` every `intervalMs` until it returns a value, or throws. */
export function pollUntil(intervalMs: number): ScenarioContext['until'] {
  return async (what, check, timeoutMs = DEFAULT_UNTIL_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Gave up waiting for ${what} after ${timeoutMs / 1000} s.`);
      await sleep(Math.min(intervalMs, left));
    }
  };
}

/** The scenarios as `--list` prints them. */
export function formatList(scenarios: readonly Scenario[]): string {
  if (scenarios.length === 0) return 'No scenarios yet.';
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return [
    'Scenarios (npm run scenario -- <name>):',
    ...scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.title}`),
  ].join('\n');
}

interface Target {
  config: StripeApiConfig;
  simulated: boolean;
  where: string;
}

/** The running hub's simulator, else real Stripe with STRIPE_API_KEY; a string says what is wrong. */
function findTarget(env: Env): Target | string {
  const local = parseLocalConfig(env);
  const runtime = readRuntime(local.dataDir);
  const running = runtime !== undefined && isOurProcess(runtime.pid, HUB_MARKER);
  if (running && runtime.stripeSimulatorUrl !== undefined) {
    const config = parseStripeApiConfig(runtime.env);
    return { config, simulated: true, where: `the Stripe simulator at ${config.baseUrl}` };
  }
  if (local.stripeApiKey === undefined) {
    return running
      ? `The hub running at ${runtime.webhookUrl} calls real Stripe, so scenarios play there too: set ${ENV.stripeApiKey} to a key of the same account (sk_test_…) and run this again.`
      : `No hub is running (nothing live in ${local.dataDir}/runtime.json): start the hub first: npm start`;
  }
  const config = parseStripeApiConfig(env);
  const api = config.baseUrl ?? 'real Stripe (api.stripe.com)';
  const hub = running
    ? `events reach the hub through your account's webhook endpoint`
    : 'no local hub is running, so events go only to your webhook endpoints';
  return { config, simulated: false, where: `${api}; ${hub}` };
}

async function control(target: Target, method: string, path: string, body?: Chaos) {
  const response = await fetch(`${target.config.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${target.config.apiKey}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`The simulator answered ${response.status}: ${text}`);
  return JSON.parse(text) as { chaos?: Chaos };
}

function parseChaos(value: string): ChaosName[] | undefined {
  const names = value.split(',').map((n) => n.trim());
  return names.every((n): n is ChaosName => Object.hasOwn(CHAOS_SETTINGS, n)) ? names : undefined;
}

function describeError(error: unknown, simulated: boolean): string {
  if (error instanceof Stripe.errors.StripeConnectionError && simulated) {
    return `${error.message} Is the hub (npm start) still running?`;
  }
  if (error instanceof Stripe.errors.StripeError) {
    return `${error.type}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Lists or plays a scenario; returns the process exit code. */
export async function scenario(
  args: string[],
  env: Env,
  scenarios: readonly Scenario[] = SCENARIOS,
  out: Output = console,
): Promise<number> {
  const flags = args.filter((a) => a.startsWith('--'));
  const names = args.filter((a) => !a.startsWith('--'));
  const chaosArg = flags.find((f) => f.startsWith('--chaos='));
  const unknownFlag = flags.find((f) => f !== '--list' && f !== chaosArg);
  if (unknownFlag !== undefined || names.length > 1) {
    out.error(USAGE);
    return 2;
  }
  if (flags.includes('--list')) {
    out.log(formatList(scenarios));
    return 0;
  }
  const name = names[0];
  const chosen = scenarios.find((s) => s.name === name);
  if (chosen === undefined) {
    out.error(name === undefined ? USAGE : `Unknown scenario "${name}".`);
    out.error(formatList(scenarios));
    return 2;
  }
  const chaosNames = chaosArg === undefined ? [] : parseChaos(chaosArg.slice('--chaos='.length));
  if (chaosNames === undefined) {
    out.error(`${chaosArg} is not understood.\n${USAGE}`);
    return 2;
  }

  const target = findTarget(env);
  if (typeof target === 'string') {
    out.error(target);
    return 1;
  }
  if (chaosNames.length > 0 && !target.simulated) {
    out.error(
      `--chaos works only against the Stripe simulator of a running hub (npm start without ${ENV.stripeApiKey}); real Stripe's deliveries cannot be disturbed.`,
    );
    return 2;
  }

  let restoreChaos: Chaos | undefined;
  let chaosNote = '';
  if (chaosNames.length > 0) {
    const seed = Date.now();
    const chaos: Chaos = { seed };
    for (const n of chaosNames) Object.assign(chaos, CHAOS_SETTINGS[n]);
    try {
      const before = (await control(target, 'GET', '/_simulator/webhooks')).chaos ?? {};
      await control(target, 'POST', '/_simulator/chaos', chaos);
      restoreChaos = before;
    } catch (error) {
      out.error(
        `Could not set the simulator's delivery chaos: ${describeError(error, false)}. Is the hub (npm start) still running?`,
      );
      return 1;
    }
    chaosNote = ` with ${chaosNames.join(', ')} delivery chaos (seed ${seed})`;
  }
  out.log(`Playing "${chosen.name}" (${chosen.title}) against ${target.where}${chaosNote} …`);
  let created: Record<string, string>;
  try {
    created = await chosen.run({
      stripe: createStripeClient(target.config),
      simulated: target.simulated,
      log: (line) => out.log(`  ${line}`),
      until: pollUntil(target.simulated ? 200 : 1_000),
    });
  } catch (error) {
    out.error(`Scenario "${chosen.name}" failed: ${describeError(error, target.simulated)}`);
    return 1;
  } finally {
    if (restoreChaos !== undefined) {
      await control(target, 'POST', '/_simulator/chaos', restoreChaos).catch((error: unknown) =>
        out.error(`Could not reset the simulator's delivery chaos: ${String(error)}`),
      );
    }
  }

  const entries = Object.entries(created);
  const first = entries[0]?.[1];
  if (first === undefined) {
    out.log('\nDone; it created nothing to trace.');
    return 0;
  }
  const width = Math.max(...entries.map(([label]) => label.length));
  out.log('\nDone. Created:');
  for (const [label, id] of entries) out.log(`  ${label.padEnd(width)}  ${id}`);
  out.log(`\nFollow it through the hub:\n  npx switchyard trace ${first}`);
  return 0;
}
