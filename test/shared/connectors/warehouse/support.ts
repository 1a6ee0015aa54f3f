/**
 * The warehouse tests' set-up: a Redshift Data API simulator on the local PostgreSQL (database
 * `test`), reading COPY files from the run's fauxqs S3, a schema and a staging bucket of the test
 * file's own (dropped afterwards), the real SDK clients on them, and the loader wired to a Stripe
 * client. Assertions read the warehouse through the Data API, as a user of it would.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type Stripe from 'stripe';
import { TEST_POSTGRES_URL } from '../../../../local/simulators/redshift-data/postgres.ts';
import {
  type RedshiftDataSimulator,
  startRedshiftDataSimulator,
} from '../../../../local/simulators/redshift-data/server.ts';
import { loadS3Client } from '../../../../shared/aws.ts';
import {
  createWarehouseClient,
  type ResultRow,
  type WarehouseClient,
} from '../../../../shared/connectors/warehouse/client.ts';
import type { WarehouseConfig } from '../../../../shared/connectors/warehouse/config.ts';
import { migrate } from '../../../../shared/connectors/warehouse/migrations.ts';
import { createWarehouseConnector } from '../../../../shared/connectors/warehouse/sync.ts';
import type { StripeEvent } from '../../../../shared/events/types.ts';
import { createLogger } from '../../../../shared/logger.ts';
import type { BatchConnectorLogic, EntryOutcome } from '../../../../shared/queue/batch.ts';
import { localAws } from '../../../support/aws.ts';
import { startedPerFile } from '../../../support/per-file.ts';

/** The simulator, clients and settings of one test file; read them in hooks and tests. */
export interface WarehouseHandle {
  readonly sim: RedshiftDataSimulator;
  readonly client: WarehouseClient;
  readonly s3: S3Client;
  readonly config: WarehouseConfig;
}

/**
 * Starts a simulator, makes a schema (`wh_<random>`, migrated) and a staging bucket for the file,
 * and drops the schema afterwards.
 */
export function useWarehouse(): WarehouseHandle {
  return startedPerFile<WarehouseHandle>({
    what: 'The warehouse',
    start: async () => {
      const aws = localAws();
      const s3Endpoint = aws.endpoints.s3 ?? '';
      const sim = await startRedshiftDataSimulator({
        port: 0,
        postgres: { connectionString: TEST_POSTGRES_URL },
        s3: { endpoint: s3Endpoint, region: aws.region },
      });
      const suffix = randomBytes(4).toString('hex');
      const config: WarehouseConfig = {
        target: { kind: 'serverless', workgroupName: sim.workgroupName },
        database: sim.database,
        schema: `wh_${suffix}`,
        stagingBucket: `wh-staging-${suffix}`,
        stagingPrefix: 'warehouse/',
        copyRole: 'default',
        region: aws.region,
        endpoint: sim.endpoint,
      };
      const s3 = await loadS3Client(aws);
      await s3.send(new CreateBucketCommand({ Bucket: config.stagingBucket }));
      const client = createWarehouseClient(config);
      await migrate({ client, schema: config.schema });
      return { sim, client, s3, config };
    },
    stop: async (started) => {
      if (!started) return;
      await started.client.execute(`DROP SCHEMA IF EXISTS ${started.config.schema} CASCADE`);
      await started.sim.stop();
    },
  });
}

/** The loader on a test file's warehouse, with a silent logger. */
export function warehouseConnector(wh: WarehouseHandle, stripe: Stripe): BatchConnectorLogic {
  return createWarehouseConnector({
    client: wh.client,
    s3: wh.s3,
    stripe,
    config: wh.config,
    logger: createLogger('warehouse-test', { logLevel: 'SILENT' }),
  });
}

/** Applies events as one batch; fails the test if any entry failed. */
export async function load(
  connector: BatchConnectorLogic,
  events: readonly StripeEvent[],
): Promise<ReadonlyMap<string, EntryOutcome>> {
  const outcomes = await connector.applyBatch(events.map((event) => ({ event, refetch: false })));
  const failed = [...outcomes].filter(([, o]) => !o.ok);
  if (failed.length > 0) {
    const [id, outcome] = failed[0] as [string, EntryOutcome];
    throw new Error(
      `${failed.length} entries failed, first ${id}: ${String(!outcome.ok && outcome.error)}`,
    );
  }
  return outcomes;
}

/** A query's rows through the Data API, `{schema}` standing for the file's schema. */
export function rows(wh: WarehouseHandle, sql: string): Promise<ResultRow[]> {
  return wh.client.query(sql.replaceAll('{schema}', wh.config.schema));
}

/** Every table's row count, to compare before and after. */
export async function counts(wh: WarehouseHandle): Promise<Record<string, number>> {
  const tables = [
    'events',
    'customers',
    'subscriptions',
    'subscription_items',
    'invoices',
    'invoice_lines',
    'credit_notes',
    'payments',
    'invoice_payments',
    'refunds',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.${table}`);
    out[table] = Number(row?.n);
  }
  return out;
}

/** The keys left in the staging bucket. */
export async function stagedKeys(wh: WarehouseHandle): Promise<string[]> {
  const listed = await wh.s3.send(new ListObjectsV2Command({ Bucket: wh.config.stagingBucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}
