/**
 * `npm start` (`switchyard start [--fresh]`): runs the hub on this machine with embedded
 * defaults, keeps its data in the data folder across restarts, and stops cleanly on Ctrl-C.
 * Unless STRIPE_API_KEY names a Stripe account, it also runs the Stripe simulator, which sends
 * its events to the hub.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ENV, type Env } from '../../shared/config.ts';
import { type LocalConfig, parseLocalConfig } from '../config.ts';
import { BUILT_CONNECTORS } from '../connector-logic.ts';
import { type Hub, type HubStripeOptions, startHub } from '../hub.ts';
import {
  DYNAMODB_MARKER,
  HUB_MARKER,
  isOurProcess,
  readRuntime,
  removeRuntime,
  runtimeEnv,
  writeRuntime,
} from '../runtime-file.ts';
import { newWebhookSecret } from '../simulators/stripe/secrets.ts';
import { startBanner } from './start-banner.ts';

const SECRET_FILE = 'webhook-secret';

/** The generated secret is kept so `stripe trigger` setups survive a restart. */
function loadOrCreateSecret(dataDir: string): string {
  const path = join(dataDir, SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = newWebhookSecret();
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The Stripe API the hub calls: the account STRIPE_API_KEY names, or else the simulator. */
function stripeOptions(config: LocalConfig): HubStripeOptions {
  if (config.stripeApiKey !== undefined) {
    const baseUrl = config.stripeApiUrl;
    return { api: { apiKey: config.stripeApiKey, ...(baseUrl ? { baseUrl } : {}) } };
  }
  if (config.livemode) {
    throw new ConfigError(
      `${ENV.livemode} is true, but ${ENV.stripeApiKey} is not set: the Stripe simulator serves test mode only, so set ${ENV.stripeApiKey} to your live secret key (sk_live_…), or unset ${ENV.livemode}.`,
    );
  }
  if (config.stripeApiUrl !== undefined) {
    throw new ConfigError(
      `${ENV.stripeApiUrl} is set, but ${ENV.stripeApiKey} is not: set ${ENV.stripeApiKey} too to call that API, or unset ${ENV.stripeApiUrl} to let npm start run the Stripe simulator.`,
    );
  }
  return { simulator: { port: config.stripeSimulatorPort } };
}

/** Sends a signal to a process that may have exited already (then there is nothing to do). */
function sendSignal(pid: number | undefined, name: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves on the first SIGINT or SIGTERM once the hub has stopped; a second one exits now. */
function runUntilSignal(hub: Hub, dataDir: string): Promise<void> {
  return new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
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
      // A second Ctrl-C: stop now, but not without the servers that would outlive the hub.
      sendSignal(hub.dynamodbPid, 'SIGKILL');
      sendSignal(hub.vendors.postgresPid, 'SIGINT');
      removeRuntime(dataDir);
      process.exit(130);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}

/** Runs the hub until SIGINT or SIGTERM; returns the process exit code. */
export async function start(args: string[], env: Env): Promise<number> {
  const config = parseLocalConfig(env);
  const stripe = stripeOptions(config);
  const dataDir = resolve(config.dataDir);
  const previous = readRuntime(dataDir);
  if (previous && previous.pid !== process.pid && isOurProcess(previous.pid, HUB_MARKER)) {
    console.error(`Switchyard is already running (pid ${previous.pid}) at ${previous.webhookUrl}.`);
    return 1;
  }
  if (previous?.dynamodbPid !== undefined && isOurProcess(previous.dynamodbPid, DYNAMODB_MARKER)) {
    // Left behind by a hub that was killed without a chance to clean up.
    sendSignal(previous.dynamodbPid, 'SIGKILL');
  }
  if (previous?.postgresPid !== undefined && isOurProcess(previous.postgresPid, dataDir)) {
    // Its PostgreSQL too (SIGINT: PostgreSQL's fast shutdown, which keeps the data consistent).
    const pid = previous.postgresPid;
    sendSignal(pid, 'SIGINT');
    for (let waited = 0; waited < 15_000 && isOurProcess(pid, dataDir); waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (args.includes('--fresh')) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  const generated = config.webhookSecrets === undefined;
  const secrets = config.webhookSecrets ?? [loadOrCreateSecret(dataDir)];
  const simulated = 'simulator' in stripe;
  console.log(
    `Starting Switchyard: DynamoDB Local, SQS/S3 (fauxqs), ${simulated ? 'the Stripe simulator, ' : ''}${'simulatorPort' in config.salesforce ? 'the Salesforce simulator, ' : ''}PostgreSQL with the Redshift Data API simulator, the ingress and the connectors …`,
  );
  let hub: Hub;
  try {
    hub = await startHub({
      port: config.port,
      webhookSecrets: secrets,
      livemode: config.livemode,
      dataDir,
      readableLogs: true,
      stripe,
      ...(config.routingTable ? { routingTable: config.routingTable } : {}),
      connectors: BUILT_CONNECTORS,
      salesforce:
        'env' in config.salesforce
          ? { env: config.salesforce.env }
          : { simulator: { port: config.salesforce.simulatorPort } },
      warehouse: {
        simulator: {
          port: config.warehouse.simulatorPort,
          postgres:
            config.warehouse.postgresUrl === undefined
              ? { embedded: { dataDir: join(dataDir, 'postgres') } }
              : { url: config.warehouse.postgresUrl },
        },
      },
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
    env: runtimeEnv(hub.env, { simulated: hub.simulatedEnv }),
    dynamodbPid: hub.dynamodbPid,
    ...(hub.vendors.postgresPid === undefined ? {} : { postgresPid: hub.vendors.postgresPid }),
    ...(hub.stripe?.kind === 'simulator' ? { stripeSimulatorUrl: hub.stripe.url } : {}),
  });

  console.log(
    startBanner({
      hub,
      config,
      dataDir,
      generatedSecret: generated
        ? { secret: secrets[0] ?? '', file: join(dataDir, SECRET_FILE) }
        : undefined,
      secretCount: secrets.length,
    }),
  );
  await runUntilSignal(hub, dataDir);
  return 0;
}
