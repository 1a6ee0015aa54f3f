/**
 * `<data dir>/runtime.json`: where a running local hub can be reached. `npm start` writes it,
 * `switchyard trace`, `status` and `scenario` read it, and a clean shutdown removes it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, type Env } from '../shared/config.ts';

export interface RuntimeInfo {
  pid: number;
  startedAt: string;
  webhookUrl: string;
  /**
   * The environment the hub's functions run with, less the webhook secret and a real Stripe
   * API key (see {@link runtimeEnv}): the CLI reads its settings from it exactly as it reads a
   * deployed hub's.
   */
  env: Record<string, string>;
  dynamodbPid: number | undefined;
  /** The embedded PostgreSQL of the warehouse simulator, when the hub runs one. */
  postgresPid?: number;
  /** The Stripe simulator the hub started; absent when the hub calls real Stripe. */
  stripeSimulatorUrl?: string;
}

const FILE = 'runtime.json';

/** Settings that may hold a secret, by name. */
const SECRET_NAME = /(SECRET|PRIVATE_KEY|PASSWORD|TOKEN|API_KEY)$/;

/**
 * The hub's environment as the runtime file keeps it: without the webhook signing secrets, and
 * without any other secret (API keys, client secrets, private keys) unless it is a simulator's
 * own public value, named in `simulated`. Secrets stay in memory.
 */
export function runtimeEnv(
  env: Env,
  options: { simulated: readonly string[] },
): Record<string, string> {
  const kept = new Set(options.simulated);
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        entry[0] !== ENV.webhookSecret &&
        (!SECRET_NAME.test(entry[0]) || kept.has(entry[0])),
    ),
  );
}

export function writeRuntime(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(join(dataDir, FILE), `${JSON.stringify(info, null, 2)}\n`);
}

export function readRuntime(dataDir: string): RuntimeInfo | undefined {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as RuntimeInfo;
}

export function removeRuntime(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

/**
 * Whether `pid` is a live process whose command line contains `marker` (so a pid reused by an
 * unrelated process after a reboot is not mistaken for ours). Where /proc does not exist
 * (macOS), only liveness can be checked.
 */
export function isOurProcess(pid: number | undefined, marker: string): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** What the hub's own command line contains. */
export const HUB_MARKER = 'switchyard';
/** What DynamoDB Local's command line contains. */
export const DYNAMODB_MARKER = 'DynamoDBLocal.jar';
