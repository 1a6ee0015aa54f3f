/**
 * `npm run bench:warehouse`: what batching buys the warehouse loader. Builds 100,000 realistic
 * mixed Stripe events (Stripe's own example objects at the pinned API version, ids made distinct,
 * objects updated several times), then loads them into the Redshift Data API simulator on one
 * PostgreSQL, twice, into two schemas:
 *
 * - batched: the connector's `applyBatch`, 2,000 events per batch (a batching window's worth), all
 *   of the events;
 * - row by row: a naive loader, one `ExecuteStatement` per row (UPDATE, then INSERT when nothing
 *   was updated; lines deleted and inserted one by one), on a sample: every 21st customer story,
 *   all its events in time order. Stories vary with periods 2, 3, 5 and 10 (warehouse-events.ts);
 *   21 shares no factor with them, so the sample has the same mix of sign-ups, renewals, refunds
 *   and credit notes as the whole. All 100,000 would take hours at its rate.
 *
 * Row by row is bounded by the Data API round trip: each statement is one ExecuteStatement and
 * one or more DescribeStatement polls (the client's polling, recorded in the JSON).
 *
 * Prints a table and writes bench/results/warehouse.json. One run on one machine: compare ratios.
 * `npx tsx bench/warehouse.ts [events] [storyStride]` runs a smaller load or another sample.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import Stripe from 'stripe';
import {
  startEmbeddedPostgres,
  testPostgresUrl,
} from '../local/simulators/redshift-data/postgres.ts';
import { startRedshiftDataSimulator } from '../local/simulators/redshift-data/server.ts';
import {
  createWarehouseClient,
  type WarehouseClient,
} from '../shared/connectors/warehouse/client.ts';
import type { WarehouseConfig } from '../shared/connectors/warehouse/config.ts';
import { mapEvent, type Row } from '../shared/connectors/warehouse/mapping.ts';
import { migrate } from '../shared/connectors/warehouse/migrations.ts';
import { POLLING_DEFAULTS } from '../shared/connectors/warehouse/polling.ts';
import { createWarehouseConnector } from '../shared/connectors/warehouse/sync.ts';
import type { StripeEvent } from '../shared/events/types.ts';
import { createLogger } from '../shared/logger.ts';
import { buildBenchStories, expectedRows } from './warehouse-events.ts';

const ROOT = join(import.meta.dirname, '..');
const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH_SIZE = 2_000;
/** Row by row loads every n-th customer story (about 1 in 21 events: some 4,800 of 100,000). */
const STORY_STRIDE = Number(process.argv[3] ?? 21);
/** The simulator's default: a statement starts 2 ms after it is submitted. */
const EXECUTION_DELAY_MS = 2;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function postgres(): Promise<{ url: string; kind: string; stop: () => Promise<void> }> {
  const shared = testPostgresUrl();
  if (shared) return { url: shared, kind: 'local server 127.0.0.1:5432', stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: join(ROOT, '.switchyard', 'bench-pg') });
  return { url: embedded.connectionString, kind: 'embedded-postgres', stop: embedded.stop };
}

/** A SQL literal of a mapped value for a column of `type` (information_schema's data_type). */
function literal(value: Row[string], type: string): string {
  if (value === null) return 'NULL';
  if (type.startsWith('timestamp'))
    return `TIMESTAMP 'epoch' + ${Number(value)} * INTERVAL '1 second'`;
  if (type === 'jsonb' || type === 'super') {
    return `JSON_PARSE('${JSON.stringify(value).replaceAll("'", "''")}')`;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** The naive loader: one statement per row, as a first integration would write it. */
async function rowByRow(client: WarehouseClient, schema: string, events: readonly StripeEvent[]) {
  const types = new Map<string, string>();
  for (const c of await client.query(
    'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = :schema',
    { schema },
  )) {
    types.set(`${c.table_name}.${c.column_name}`, String(c.data_type));
  }
  const values = (table: string, row: Row) =>
    Object.entries(row).map(
      ([column, value]) => [column, literal(value, types.get(`${table}.${column}`) ?? '')] as const,
    );
  const insert = (table: string, row: Row) => {
    const pairs = values(table, row);
    return client.execute(
      `INSERT INTO ${schema}.${table} (${pairs.map(([c]) => c).join(', ')}, loaded_at) VALUES (${pairs.map(([, v]) => v).join(', ')}, GETDATE())`,
    );
  };
  for (const event of events) {
    const mapped = mapEvent(event);
    await insert('events', mapped.raw);
    const model = mapped.model;
    if (!model) continue;
    const sets = values(model.table, model.row).filter(([c]) => c !== 'id');
    const updated = await client.execute(
      `UPDATE ${schema}.${model.table} SET ${sets.map(([c, v]) => `${c} = ${v}`).join(', ')}, loaded_at = GETDATE() WHERE id = '${model.key}' AND event_created <= TIMESTAMP 'epoch' + ${event.created} * INTERVAL '1 second'`,
    );
    if (updated.resultRows === 0) await insert(model.table, model.row);
    for (const child of model.children) {
      const parentColumn = child.table === 'invoice_lines' ? 'invoice_id' : 'subscription_id';
      await client.execute(
        `DELETE FROM ${schema}.${child.table} WHERE ${parentColumn} = '${model.key}'`,
      );
      for (const row of child.rows) await insert(child.table, row);
    }
  }
}

async function main() {
  const pg = await postgres();
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const region = 'us-east-1';
  const s3 = new S3Client({
    endpoint: fauxqs.address,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-warehouse' }));
  const sim = await startRedshiftDataSimulator({
    port: 0,
    postgres: { connectionString: pg.url },
    s3: { endpoint: fauxqs.address, region },
    executionDelayMs: EXECUTION_DELAY_MS,
  });
  const configFor = (schema: string): WarehouseConfig => ({
    target: { kind: 'serverless', workgroupName: sim.workgroupName },
    database: sim.database,
    schema,
    stagingBucket: 'bench-warehouse',
    stagingPrefix: 'warehouse/',
    copyRole: 'default',
    region,
    endpoint: sim.endpoint,
  });
  const { events, storyOf } = buildBenchStories(EVENTS);
  const expected = expectedRows(events);

  // (a) Batched, as the connector loads an SQS batch.
  const batchedConfig = configFor('bench_batched');
  const batched = createWarehouseClient(batchedConfig);
  await batched.execute('DROP SCHEMA IF EXISTS bench_batched CASCADE');
  await migrate({ client: batched, schema: 'bench_batched' });
  const before = { ...batched.stats };
  const connector = createWarehouseConnector({
    client: batched,
    s3,
    // Events of one object never share a second here: a Stripe read would be a bench bug.
    stripe: new Stripe('sk_test_bench', {
      host: '127.0.0.1',
      port: 9,
      protocol: 'http',
      maxNetworkRetries: 0,
    }),
    config: batchedConfig,
    logger: createLogger('bench-warehouse', { logLevel: 'SILENT' }),
  });
  let failures = 0;
  const batchedStart = performance.now();
  for (let i = 0; i < events.length; i += BATCH_SIZE) {
    const batch = events.slice(i, i + BATCH_SIZE).map((event) => ({ event, refetch: false }));
    const outcomes = await connector.applyBatch(batch);
    failures += [...outcomes.values()].filter((o) => !o.ok).length;
  }
  const batchedSeconds = (performance.now() - batchedStart) / 1000;
  const batchedStats = {
    statements: batched.stats.sqlStatements - before.sqlStatements,
    apiCalls: batched.stats.submissions - before.submissions,
  };
  const landed: Record<string, number> = {};
  for (const table of Object.keys(expected)) {
    const [row] = await batched.query(`SELECT COUNT(*) AS n FROM bench_batched.${table}`);
    landed[table] = Number(row?.n);
  }

  // (b) Row by row, on the same database, into its own schema.
  const naive = createWarehouseClient(configFor('bench_rowbyrow'));
  await naive.execute('DROP SCHEMA IF EXISTS bench_rowbyrow CASCADE');
  await migrate({ client: naive, schema: 'bench_rowbyrow' });
  const sample = events.filter((e) => (storyOf.get(e.id) ?? 0) % STORY_STRIDE === 0);
  const sampledStories = new Set(sample.map((e) => storyOf.get(e.id))).size;
  const naiveBefore = { ...naive.stats };
  const naiveStart = performance.now();
  await rowByRow(naive, 'bench_rowbyrow', sample);
  const naiveSeconds = (performance.now() - naiveStart) / 1000;

  const batchedRate = events.length / batchedSeconds;
  const naiveRate = sample.length / naiveSeconds;
  const result = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    postgres: pg.kind,
    events: events.length,
    batchSize: BATCH_SIZE,
    batched: {
      eventsPerSecond: round(batchedRate),
      seconds: round(batchedSeconds, 2),
      ...batchedStats,
      failures,
      rows: landed,
      expectedRows: expected,
    },
    rowByRow: {
      eventsPerSecond: round(naiveRate),
      seconds: round(naiveSeconds, 2),
      statements: naive.stats.sqlStatements - naiveBefore.sqlStatements,
      sample: {
        drawn: `one customer story in ${STORY_STRIDE} (stories 0, ${STORY_STRIDE}, ${2 * STORY_STRIDE}, …) of the same ${events.length} events, each with all its events, in time order; ${STORY_STRIDE} shares no factor with the periods (2, 3, 5, 10) at which stories vary, so the sample has the whole's mix`,
        stories: sampledStories,
        events: sample.length,
        extrapolatedSecondsForAllEvents: round(events.length / naiveRate),
      },
      boundBy: `the Data API round trip: every statement is one ExecuteStatement and one or more DescribeStatement calls; the client polls ${POLLING_DEFAULTS.initialIntervalMs} ms after submitting, then every 1.5 times longer (15, 23, … ms, at most ${POLLING_DEFAULTS.maxIntervalMs} ms); the simulator starts a statement ${EXECUTION_DELAY_MS} ms after it is submitted`,
      polling: {
        initialIntervalMs: POLLING_DEFAULTS.initialIntervalMs,
        growth: 1.5,
        maxIntervalMs: POLLING_DEFAULTS.maxIntervalMs,
      },
    },
    speedup: round(batchedRate / naiveRate, 1),
    notes: `Same run, same machine (${cpus().length} cores, possibly shared with other work), same simulator and PostgreSQL. Batched loads all ${events.length} events; row by row loads the sample (the rate is per event, each event being 2-8 statements): all ${events.length} would take about ${round(events.length / naiveRate / 3600)} hours at its rate.`,
  };
  console.table({
    batched: {
      events: events.length,
      seconds: result.batched.seconds,
      'events/s': result.batched.eventsPerSecond,
      statements: result.batched.statements,
    },
    'row by row': {
      events: sample.length,
      seconds: result.rowByRow.seconds,
      'events/s': result.rowByRow.eventsPerSecond,
      statements: result.rowByRow.statements,
    },
  });
  console.log(
    `speedup ×${result.speedup}; rows landed ${JSON.stringify(landed)}; failures ${failures}`,
  );
  writeFileSync(
    join(ROOT, 'bench', 'results', 'warehouse.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );

  await batched.execute('DROP SCHEMA IF EXISTS bench_batched CASCADE');
  await naive.execute('DROP SCHEMA IF EXISTS bench_rowbyrow CASCADE');
  await sim.stop();
  await fauxqs.stop();
  await pg.stop();
}

await main();
