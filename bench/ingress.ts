/**
 * `npm run bench:ingress`: what the ingress costs. Prints a table and writes
 * bench/results/ingress.json. Numbers from one run on one machine: compare ratios, not absolutes.
 *
 * 1. In process, one core: verify the signature, parse, route — per event.
 * 2. The full local path: HTTP → verify → DynamoDB Local → fauxqs, at concurrency 1, 8 and 32.
 * 3. The ingress Lambda bundle (esbuild, as CDK builds it): minified size and module init time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import Stripe from 'stripe';
import { ESM_REQUIRE_BANNER } from '../infra/constructs/hub-function.ts';
import { startHub } from '../local/hub.ts';
import { createDynamoDbClient } from '../shared/aws.ts';
import { ENV, processEnv, queueUrlEnv } from '../shared/config.ts';
import { CONNECTORS } from '../shared/connectors.ts';
import { Router } from '../shared/events/routing.ts';
import { WebhookVerifier } from '../shared/ingress/verify.ts';

const ROOT = join(import.meta.dirname, '..');
const SECRET = 'whsec_benchmark_secret_0123456789';
const template = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'stripe-events', 'invoice_paid.json'), 'utf8'),
) as Record<string, unknown>;

function signedEvent(i: number): { body: string; signature: string } {
  const body = JSON.stringify({ ...template, id: `evt_bench${process.pid}x${i}` });
  return {
    body,
    signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
  };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

function inProcess(count: number) {
  const verifier = new WebhookVerifier({ toleranceSeconds: 300, livemode: false });
  const router = new Router();
  const events = Array.from({ length: count }, (_, i) => signedEvent(i));
  const secrets = ['whsec_rotated_out_secret_000000', SECRET];
  const run = () => {
    for (const e of events)
      router.route(verifier.verify({ rawBody: e.body, signature: e.signature, secrets }).type);
  };
  run(); // warm-up
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    eventBytes: Buffer.byteLength(events[0]?.body ?? ''),
    microsPerEvent: round((seconds / count) * 1e6, 2),
    eventsPerSecond: Math.round(count / seconds),
  };
}

async function fullPath(webhookUrl: string, concurrency: number, count: number, offset: number) {
  const events = Array.from({ length: count }, (_, i) => signedEvent(offset + i));
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) {
        const e = events[next++];
        if (!e) break;
        const t = performance.now();
        const response = await fetch(webhookUrl, {
          method: 'POST',
          body: e.body,
          headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
        if (response.status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    events: count,
    failures,
    eventsPerSecond: round(count / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}

/** The floor the emulator sets: plain PutItem latency on DynamoDB Local at the same concurrencies. */
async function dynamoFloor(endpoint: string, table: string, concurrency: number, count: number) {
  const client = createDynamoDbClient({ region: 'us-east-1', endpoints: { dynamodb: endpoint } });
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: `BENCH#${concurrency}#${i}` }, sk: { S: 'X' } },
          }),
        );
        latencies.push(performance.now() - t);
      }
    }),
  );
  client.destroy();
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}

async function bundle() {
  const outdir = join(ROOT, 'bench', '.build');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'stripe-webhook.mjs');
  await build({
    entryPoints: [join(ROOT, 'functions', 'stripe-webhook', 'handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    external: ['@aws-sdk/*'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const env: Record<string, string | undefined> = {
    ...processEnv(),
    [ENV.webhookSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
    [ENV.ledgerTable]: 'ledger',
    [ENV.idempotencyTable]: 'idempotency',
    [ENV.payloadBucket]: 'payloads',
    [ENV.region]: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const c of CONNECTORS)
    env[queueUrlEnv(c)] = `https://sqs.us-east-1.amazonaws.com/000000000000/${c}`;
  // Each measurement is a fresh process, as a cold start is; the median of five is reported.
  const probe = `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`;
  const inits = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
        env,
        cwd: ROOT,
      }).toString(),
    ),
  ).sort((a, b) => a - b);
  const bytes = statSync(outfile).size;
  rmSync(outdir, { recursive: true, force: true });
  return {
    bundleBytes: bytes,
    bundleKilobytes: round(bytes / 1024),
    initMs: round(inits[2] ?? 0, 1),
  };
}

const inProc = inProcess(5_000);
const bundled = await bundle();
const hub = await startHub({ port: 0, webhookSecrets: [SECRET], logLevel: 'SILENT' });
const full = [];
const floor = [];
try {
  for (const concurrency of [1, 8]) {
    floor.push(await dynamoFloor(hub.endpoints.dynamodb, hub.names.ledgerTable, concurrency, 400));
  }
  await fullPath(hub.webhookUrl, 8, 200, 1_000_000); // warm-up: JIT, connections, tables
  let offset = 0;
  for (const concurrency of [1, 8, 32]) {
    full.push(await fullPath(hub.webhookUrl, concurrency, 400, offset));
    offset += 400;
  }
} finally {
  await hub.stop();
}

const c8 = full.find((f) => f.concurrency === 8);
const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  eventBytes: inProc.eventBytes,
  inProcessMicrosPerEvent: inProc.microsPerEvent,
  inProcessEventsPerSecond: inProc.eventsPerSecond,
  fullPath: full,
  dynamodbLocalPutItem: floor,
  ...bundled,
  targets: {
    inProcessEventsPerSecond: { target: 20_000, met: inProc.eventsPerSecond >= 20_000 },
    fullPathP99MsAtConcurrency8: { target: 50, met: (c8?.p99Ms ?? Infinity) < 50 },
    bundleKilobytes: { target: 500, met: bundled.bundleKilobytes <= 500 },
    initMs: { target: 150, met: bundled.initMs <= 150 },
  },
};

mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench', 'results', 'ingress.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);

console.log(`\nIngress benchmark (${result.node}, ${result.cores} cores, ${result.cpu})\n`);
console.table({
  'in-process verify+parse+route': {
    value: `${inProc.microsPerEvent} µs/event, ${inProc.eventsPerSecond} events/s`,
    target: '≥ 20,000 events/s',
  },
  ...Object.fromEntries(
    full.map((f) => [
      `full local path, concurrency ${f.concurrency}`,
      {
        value: `${f.eventsPerSecond} events/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms${f.failures ? `, ${f.failures} failed` : ''}`,
        target: f.concurrency === 8 ? 'p99 < 50 ms' : '',
      },
    ]),
  ),
  ...Object.fromEntries(
    floor.map((f) => [
      `(floor) DynamoDB Local PutItem, concurrency ${f.concurrency}`,
      { value: `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms`, target: '' },
    ]),
  ),
  'ingress bundle (minified)': { value: `${bundled.bundleKilobytes} KB`, target: '≤ 500 KB' },
  'module initialisation': {
    value: `${bundled.initMs} ms (median of 5 cold processes)`,
    target: '≤ 150 ms',
  },
});
console.log('Written to bench/results/ingress.json');
