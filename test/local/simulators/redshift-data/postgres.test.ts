/**
 * The embedded PostgreSQL `npm start` runs: initialised once in its data directory, serving the
 * simulator, stopped without leaving a process behind, and started again on the data it kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../../local/simulators/redshift-data/postgres.ts';
import { startRedshiftDataSimulator } from '../../../../local/simulators/redshift-data/server.ts';
import { dataClient, query, runOk } from './support.ts';

const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Whether a process with this pid is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startEmbeddedPostgres', () => {
  it('serves the simulator, stops without a process left, and keeps its data for the next start', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-pg-'));
    dirs.push(dataDir);
    const s3 = { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' };

    // Act
    const first = await startEmbeddedPostgres({ dataDir });
    const sim = await startRedshiftDataSimulator({ port: 0, postgres: first, s3 });
    const client = dataClient(sim);
    await runOk(client, 'CREATE TABLE public.kept (n INTEGER)');
    await runOk(client, 'INSERT INTO public.kept VALUES (42)');
    const [[pid]] = (await query(client, 'SELECT pg_backend_pid()')) as [[number]];
    await sim.stop();
    await first.stop();
    const stoppedAlive = alive(pid);
    const second = await startEmbeddedPostgres({ dataDir });
    const again = await startRedshiftDataSimulator({ port: 0, postgres: second, s3 });
    const rows = await query(dataClient(again), 'SELECT n FROM public.kept');
    await again.stop();
    await second.stop();

    // Assess
    expect(stoppedAlive).toBe(false);
    expect(rows).toEqual([[42]]);
    expect(second.port).not.toBe(0);
  });
});
