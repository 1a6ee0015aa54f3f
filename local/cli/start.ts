/**
 * `npm start` (`switchyard start [--fresh]`): runs the hub on this machine with embedded
 * defaults, keeps its data in the data folder across restarts, and stops cleanly on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, type Env, parseLocalConfig } from '../../shared/config.ts';
import { type Hub, startHub } from '../hub.ts';
import {
  DYNAMODB_MARKER,
  HUB_MARKER,
  isOurProcess,
  readRuntime,
  removeRuntime,
  writeRuntime,
} from '../runtime-file.ts';

const SECRET_FILE = 'webhook-secret';

/** The generated secret is kept so `stripe trigger` setups survive a restart. */
function loadOrCreateSecret(dataDir: string): string {
  const path = join(dataDir, SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Runs the hub until SIGINT or SIGTERM; returns the process exit code. */
export async function start(args: string[], env: Env): Promise<number> {
  const config = parseLocalConfig(env);
  const dataDir = resolve(config.dataDir);
  const previous = readRuntime(dataDir);
  if (previous && previous.pid !== process.pid && isOurProcess(previous.pid, HUB_MARKER)) {
    console.error(`Switchyard is already running (pid ${previous.pid}) at ${previous.webhookUrl}.`);
    return 1;
  }
  if (previous?.dynamodbPid !== undefined && isOurProcess(previous.dynamodbPid, DYNAMODB_MARKER)) {
    // Left behind by a hub that was killed without a chance to clean up.
    process.kill(previous.dynamodbPid, 'SIGKILL');
  }
  if (args.includes('--fresh')) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  const generated = config.webhookSecrets === undefined;
  const secrets = config.webhookSecrets ?? [loadOrCreateSecret(dataDir)];
  console.log('Starting Switchyard: DynamoDB Local, SQS/S3 (fauxqs), the ingress …');
  let hub: Hub;
  try {
    hub = await startHub({
      port: config.port,
      webhookSecrets: secrets,
      livemode: config.livemode,
      dataDir,
      readableLogs: true,
      ...(config.routingTable ? { routingTable: config.routingTable } : {}),
    });
  } catch (error) {
    console.error(
      `Switchyard could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  writeRuntime(dataDir, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    webhookUrl: hub.webhookUrl,
    env: Object.fromEntries(
      Object.entries(hub.env).filter(
        (entry): entry is [string, string] =>
          entry[0] !== ENV.webhookSecret && entry[1] !== undefined,
      ),
    ),
    dynamodbPid: hub.dynamodbPid,
  });

  const port = new URL(hub.url).port;
  console.log(`
Switchyard is running (${config.livemode ? 'live' : 'test'} mode).

  Webhook endpoint   ${hub.webhookUrl}
  Signing secret     ${generated ? `${secrets[0]}  (generated, kept in ${join(dataDir, SECRET_FILE)})` : `from ${ENV.webhookSecret} (${secrets.length} secret(s))`}
  Data folder        ${dataDir}   (npm start -- --fresh starts empty)
  Connectors         queues ready for salesforce, netsuite, avalara, warehouse; no connector
                     consumer is built yet, so deliveries wait on their queues as PENDING

  Forward real test events with the Stripe CLI:
    ${ENV.webhookSecret}=$(stripe listen --print-secret) npm start
    stripe listen --forward-to localhost:${port}/webhooks/stripe
  Inspect:  npx switchyard trace <evt_…|cus_…|sub_…|in_…>    npx switchyard status

Press Ctrl-C to stop.
`);

  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping Switchyard …`);
      hub.stop().finally(() => {
        removeRuntime(dataDir);
        console.log('Stopped.');
        done();
      });
    };
    const onSignal = (signal: string) => {
      if (!stopping) return stop(signal);
      // A second Ctrl-C: stop now, but not without DynamoDB Local, which runs detached.
      if (hub.dynamodbPid !== undefined) process.kill(hub.dynamodbPid, 'SIGKILL');
      removeRuntime(dataDir);
      process.exit(130);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}
