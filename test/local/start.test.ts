/**
 * `npm start` as a newcomer uses it: the real `switchyard` command in a child process. It prints
 * where to send events and the secret to sign them with, runs the Stripe simulator (or calls the
 * Stripe account STRIPE_API_KEY names, keeping the key to itself), keeps its data across a
 * restart, starts empty with --fresh, answers trace and status from another process, and leaves
 * nothing running after Ctrl-C.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../local/runtime-file.ts';
import { buildEvent, openapiObject, sign } from '../support/stripe.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
const env = {
  ...process.env,
  PORT: '0',
  SWITCHYARD_DATA_DIR: dataDir,
  STRIPE_WEBHOOK_SECRET: '',
  STRIPE_API_KEY: '',
  STRIPE_API_URL: '',
  STRIPE_SIMULATOR_PORT: '0',
};
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  webhookUrl: string;
  secret: string;
  simulatorUrl: string;
  output: () => string;
}

async function start(args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const webhookUrl = /Webhook endpoint\s+(\S+)/.exec(output)?.[1] ?? '';
  const secret = /Signing secret\s+(whsec_\S+)/.exec(output)?.[1] ?? '';
  const simulatorUrl = /Stripe API\s+simulator at (\S+),/.exec(output)?.[1] ?? '';
  return { child, webhookUrl, secret, simulatorUrl, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  const code = await exited;
  running.delete(started.child);
  return code;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes of the embedded PostgreSQL serving this test's data folder. */
function postgresProcesses(): string[] {
  const out = spawnSync('pgrep', ['-f', join(dataDir, 'postgres')], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((line) => line.trim() !== '');
}

describe('switchyard start', () => {
  const customer = openapiObject('customer');
  customer.id = 'cus_startTest';
  const event = buildEvent({ type: 'customer.created', object: customer });

  it('runs the hub, keeps its data across a restart, and starts empty with --fresh', {
    timeout: 240_000,
  }, async () => {
    // Prepare: a first start generates and prints a secret.
    const first = await start();
    expect(first.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/stripe$/);
    expect(first.secret).toMatch(/^whsec_/);
    expect(readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim()).toBe(first.secret);
    const runtimeText = readFileSync(join(dataDir, 'runtime.json'), 'utf8');
    const runtime = JSON.parse(runtimeText) as RuntimeInfo;
    expect(runtimeText).not.toContain(first.secret);
    // STRIPE_SIMULATOR_PORT=0: the banner names the port the simulator got.
    expect(first.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.simulatorUrl).not.toMatch(/:0$/);
    expect(first.output()).toContain('npm run scenario -- --list');
    expect(first.output()).toContain('npm run scenario -- <name>');
    expect(runtime.stripeSimulatorUrl).toBe(first.simulatorUrl);
    expect(runtime.env).toMatchObject({
      STRIPE_API_KEY: expect.stringMatching(/^sk_test_/),
      STRIPE_API_URL: first.simulatorUrl,
    });
    const simulatorPort = Number(new URL(first.simulatorUrl).port);

    // Act: an event in, inspected from another process, then Ctrl-C.
    const body = JSON.stringify(event);
    const response = await fetch(first.webhookUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(body, first.secret) },
    });
    const webhooks = await fetch(`${first.simulatorUrl}/_simulator/webhooks`, {
      headers: { authorization: `Bearer ${runtime.env.STRIPE_API_KEY}` },
    });
    const scenarios = await cli('scenario', '--list');
    // The Salesforce and warehouse connectors apply it; NetSuite's delivery waits on its queue.
    let report = await cli('status', '--json');
    for (let i = 0; i < 100 && JSON.parse(report.stdout).deliveries?.PENDING !== 1; i++) {
      await new Promise((r) => setTimeout(r, 200));
      report = await cli('status', '--json');
    }
    const traced = await cli('trace', event.id, '--json');
    const byCustomer = await cli('trace', 'cus_startTest');
    const exitCode = await stop(first);

    // Assess
    expect(response.status).toBe(200);
    expect(await webhooks.json()).toMatchObject({ endpoints: [{ url: first.webhookUrl }] });
    expect(scenarios.code).toBe(0);
    expect(traced.code).toBe(0);
    expect(JSON.parse(traced.stdout)).toMatchObject({
      target: event.id,
      events: [{ event: { eventId: event.id, type: 'customer.created' } }],
    });
    expect(byCustomer.stdout).toMatch(/netsuite\s+PENDING\s+attempts 0\s+on its queue/);
    expect(byCustomer.stdout).toMatch(/salesforce\s+SUCCEEDED\s+attempts 1.*Account=001/);
    expect(byCustomer.stdout).toMatch(/warehouse\s+SUCCEEDED\s+attempts 1/);
    expect(JSON.parse(report.stdout)).toMatchObject({
      deliveries: { PENDING: 1, FAILED: 0, DEAD: 0 },
    });
    expect(exitCode).toBe(0);
    expect(first.output()).toContain('Stopped.');
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
    expect(isRunning(runtime.dynamodbPid)).toBe(false);
    expect(postgresProcesses(), 'the embedded PostgreSQL stopped with the hub').toEqual([]);
    expect(await portIsFree(simulatorPort)).toBe(true);
    expect((await cli('status')).code).toBe(1);

    // A restart keeps the secret and the ledger.
    const second = await start();
    expect(second.secret).toBe(first.secret);
    expect((await cli('trace', event.id)).code).toBe(0);
    await stop(second);

    // --fresh starts empty, with a new secret.
    const fresh = await start(['--fresh']);
    const gone = await cli('trace', event.id);
    await stop(fresh);
    expect(fresh.secret).not.toBe(first.secret);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/Nothing in the ledger/);
  });

  it('calls the account STRIPE_API_KEY names, and writes the key nowhere', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const key = 'sk_test_startTestKeepThisPrivate';

    // Act
    const started = await start([], { STRIPE_API_KEY: key });
    const runtimeText = readFileSync(join(dataDir, 'runtime.json'), 'utf8');
    await stop(started);

    // Assess
    expect(started.simulatorUrl).toBe('');
    expect(started.output()).toMatch(/Stripe API\s+real Stripe \(api\.stripe\.com\)/);
    expect(started.output()).toContain('STRIPE_API_KEY=… npm run scenario -- <name>');
    expect(started.output()).not.toContain(key);
    expect(runtimeText).not.toContain(key);
    expect(JSON.parse(runtimeText)).not.toHaveProperty('stripeSimulatorUrl');
  });

  it('names STRIPE_SIMULATOR_PORT when the simulator cannot have its port', {
    timeout: 60_000,
  }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    const failed = await promisify(execFile)(process.execPath, [BIN, 'start'], {
      env: { ...env, STRIPE_SIMULATOR_PORT: String(port) },
    }).catch((error: { code: number; stderr: string }) => error);
    taken.close();

    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        new RegExp(
          `could not listen on 127\\.0\\.0\\.1:${port} \\(the port is in use\\): set STRIPE_SIMULATOR_PORT`,
        ),
      ),
    });
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  });

  it('answers a wrong command with its usage and exit code 2', { timeout: 60_000 }, async () => {
    const wrong = await cli('frobnicate');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Usage:/);
    expect((await cli('trace')).code).toBe(2);
    expect((await cli('trace', 'in_1', '--limit=zero')).code).toBe(2);
  });
});
