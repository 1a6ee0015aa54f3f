/**
 * `npm run scenario`: lists the scenarios, refuses what it cannot play with a plain message, and
 * plays one against the simulator of the running hub it finds through the runtime file, with
 * delivery chaos switched on for the run and back off after it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, scenario } from '../../local/cli/scenario.ts';
import { writeRuntime } from '../../local/runtime-file.ts';
import type { Scenario, ScenarioContext } from '../../local/simulators/stripe/scenarios/types.ts';
import {
  SIMULATOR_API_KEY,
  type StripeSimulator,
  startStripeSimulator,
} from '../../local/simulators/stripe/server.ts';
import { ENV } from '../../shared/config.ts';

function recorder() {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    out: { log: (l: string) => lines.out.push(l), error: (l: string) => lines.err.push(l) },
    text: () => [...lines.out, ...lines.err].join('\n'),
  };
}

const dataDirs: string[] = [];
function emptyDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scenario-'));
  dataDirs.push(dir);
  return dir;
}

const stubs: Scenario[] = [
  { name: 'card-happy-path', title: 'A card subscription renews', run: async () => ({}) },
  { name: 'ach-failure', title: 'An ACH debit fails', run: async () => ({}) },
];

// A process whose command line says "switchyard", standing in for a running `npm start`.
let fakeHub: ChildProcess;
let simulator: StripeSimulator;

beforeAll(async () => {
  fakeHub = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)', 'switchyard-fake']);
  simulator = await startStripeSimulator({ port: 0 });
});

afterAll(async () => {
  fakeHub?.kill('SIGKILL');
  await simulator?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function runningHub(options: { simulator: boolean; url?: string }): Record<string, string> {
  const dataDir = emptyDataDir();
  const url = options.url ?? simulator.url;
  writeRuntime(dataDir, {
    pid: fakeHub.pid ?? 0,
    startedAt: new Date().toISOString(),
    webhookUrl: 'http://127.0.0.1:3999/webhooks/stripe',
    env: options.simulator
      ? { [ENV.stripeApiKey]: SIMULATOR_API_KEY, [ENV.stripeApiUrl]: url }
      : {},
    dynamodbPid: undefined,
    ...(options.simulator ? { stripeSimulatorUrl: url } : {}),
  });
  return { [ENV.dataDir]: dataDir };
}

describe('switchyard scenario', () => {
  afterEach(() => simulator.webhooks.setChaos({}));

  it('lists every scenario with its title', async () => {
    const io = recorder();

    const code = await scenario(['--list'], { [ENV.dataDir]: emptyDataDir() }, stubs, io.out);

    expect(code).toBe(0);
    expect(io.lines.out.join('\n')).toMatch(
      /card-happy-path\s+A card subscription renews\n\s+ach-failure\s+An ACH debit fails/,
    );
  });

  it('answers an unknown name with exit code 2 and the list', async () => {
    const io = recorder();

    const code = await scenario(['no-such-story'], {}, stubs, io.out);

    expect(code).toBe(2);
    expect(io.lines.err.join('\n')).toMatch(/Unknown scenario "no-such-story"/);
    expect(io.lines.err.join('\n')).toMatch(/card-happy-path\s+A card subscription renews/);
  });

  it('says to start the hub first when none runs and no Stripe key is set', async () => {
    const io = recorder();

    const code = await scenario(['ach-failure'], { [ENV.dataDir]: emptyDataDir() }, stubs, io.out);

    expect(code).toBe(1);
    expect(io.text()).toMatch(/No hub is running .*start the hub first: npm start/);
  });

  it('asks for STRIPE_API_KEY when the running hub calls real Stripe', async () => {
    const io = recorder();

    const code = await scenario(['ach-failure'], runningHub({ simulator: false }), stubs, io.out);

    expect(code).toBe(1);
    expect(io.text()).toMatch(/calls real Stripe, .*set STRIPE_API_KEY/);
  });

  it('refuses --chaos against real Stripe', async () => {
    const io = recorder();
    const env = { [ENV.dataDir]: emptyDataDir(), [ENV.stripeApiKey]: 'sk_test_real' };

    const code = await scenario(['ach-failure', '--chaos=delay'], env, stubs, io.out);

    expect(code).toBe(2);
    expect(io.text()).toMatch(/--chaos works only against the Stripe simulator/);
  });

  it('says so when the hub’s simulator does not answer', async () => {
    const io = recorder();
    const env = runningHub({ simulator: true, url: 'http://127.0.0.1:1' });

    const code = await scenario(['ach-failure', '--chaos=delay'], env, stubs, io.out);

    expect(code).toBe(1);
    expect(io.text()).toMatch(/Could not set the simulator's delivery chaos: .*Is the hub/);
  });

  it('rejects a chaos it does not know', async () => {
    const io = recorder();

    const code = await scenario(['ach-failure', '--chaos=earthquake'], {}, stubs, io.out);

    expect(code).toBe(2);
    expect(io.text()).toMatch(/--chaos=earthquake is not understood/);
  });

  it('plays a scenario against the hub’s simulator, with chaos only during the run', async () => {
    // Prepare
    const io = recorder();
    let seen: { simulated: boolean; chaos: unknown; status: unknown } | undefined;
    const story: Scenario = {
      name: 'probe',
      title: 'Looks at what it is given',
      run: async (context: ScenarioContext) => {
        context.log('probing');
        const status = await context.stripe
          .rawRequest('GET', '/v1/nonexistent')
          .catch((error: { statusCode?: number }) => error.statusCode);
        seen = { simulated: context.simulated, chaos: simulator.webhooks.chaos, status };
        return { customer: 'cus_probe', invoice: 'in_probe' };
      },
    };

    // Act
    const code = await scenario(
      ['probe', '--chaos=reorder,duplicate,delay'],
      runningHub({ simulator: true }),
      [story],
      io.out,
    );

    // Assess
    expect(code).toBe(0);
    expect(seen).toMatchObject({
      simulated: true,
      status: 404,
      chaos: { reorderWindowMs: 2000, duplicateRate: 0.5, delayMs: 1000, seed: expect.any(Number) },
    });
    expect(simulator.webhooks.chaos).toEqual({});
    const out = io.lines.out.join('\n');
    expect(out).toContain(`against the Stripe simulator at ${simulator.url}`);
    expect(out).toContain('  probing');
    expect(out).toMatch(/customer\s+cus_probe\n\s+invoice\s+in_probe/);
    expect(out).toContain('npx switchyard trace cus_probe');
  });

  it('reports a failed scenario with exit code 1 and resets the chaos', async () => {
    const io = recorder();
    const failing: Scenario = {
      name: 'failing',
      title: 'Fails',
      run: async ({ stripe }) => stripe.rawRequest('GET', '/v1/nonexistent'),
    };

    const code = await scenario(
      ['failing', '--chaos=delay'],
      runningHub({ simulator: true }),
      [failing],
      io.out,
    );

    expect(code).toBe(1);
    expect(io.lines.err.join('\n')).toMatch(
      /Scenario "failing" failed: StripeInvalidRequestError: Unrecognized request URL/,
    );
    expect(simulator.webhooks.chaos).toEqual({});
  });
});

describe('pollUntil', () => {
  it('returns the first value the check finds', async () => {
    let calls = 0;
    const until = pollUntil(5);

    const value = await until('the third call', async () => (++calls === 3 ? 'found' : undefined));

    expect(value).toBe('found');
    expect(calls).toBe(3);
  });

  it('gives up after the timeout, naming what it waited for', async () => {
    const until = pollUntil(5);

    await expect(until('invoice.paid', async () => undefined, 50)).rejects.toThrow(
      'Gave up waiting for invoice.paid after 0.05 s.',
    );
  });
});
