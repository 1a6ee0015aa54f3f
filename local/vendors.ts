/**
 * The vendors the hub's connectors write to, on a laptop: the Salesforce simulator, and the
 * Redshift Data API simulator on PostgreSQL (an embedded one unless a server is given). Each
 * comes with the environment a connector function needs to reach it, so the connectors run
 * exactly as on AWS; a real org or cluster is used instead by passing its environment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../shared/config.ts';
import { SALESFORCE_ENV } from '../shared/connectors/salesforce/config.ts';
import { createWarehouseClient } from '../shared/connectors/warehouse/client.ts';
import { parseWarehouseConfig, WAREHOUSE_ENV } from '../shared/connectors/warehouse/config.ts';
import { migrate } from '../shared/connectors/warehouse/migrations.ts';
import { startEmbeddedPostgres } from './simulators/redshift-data/postgres.ts';
import {
  type RedshiftDataSimulator,
  startRedshiftDataSimulator,
} from './simulators/redshift-data/server.ts';
import {
  DEFAULT_SALESFORCE_CLIENT_ID,
  DEFAULT_SALESFORCE_CLIENT_SECRET,
  type SalesforceSimulator,
  startSalesforceSimulator,
} from './simulators/salesforce/server.ts';

type Log = (entry: { level: 'debug' | 'error'; message: string }) => void;

/** Salesforce for the hub: the simulator on a port, or a real org from these settings. */
export type HubSalesforceOptions =
  | { simulator: { port: number; dailyApiLimit?: number } }
  | { env: Env };

/**
 * Redshift for the hub: the simulator on PostgreSQL (a server's URL, or embedded). A real
 * Redshift cannot read the laptop's S3, where the loader stages its batches.
 */
export interface HubWarehouseOptions {
  simulator: {
    port: number;
    postgres: { url: string } | { embedded: { dataDir: string | undefined } };
    executionDelayMs?: number;
    /** The schema the tables go in; default `stripe` (tests use one of their own). */
    schema?: string;
  };
}

export interface Vendors {
  env: Record<string, string>;
  /** Settings in `env` that hold a simulator's public value, not a secret (for runtime.json). */
  simulated: string[];
  salesforce: SalesforceSimulator | undefined;
  redshift: RedshiftDataSimulator | undefined;
  /** Where the warehouse simulator's PostgreSQL is, for `psql` and the README's queries. */
  postgresUrl: string | undefined;
  /** The embedded PostgreSQL's process, when the hub started one. */
  postgresPid: number | undefined;
  stop(): Promise<void>;
}

function defined(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Starts the simulators asked for and answers the environment that reaches them. */
export async function startVendors(options: {
  salesforce?: HubSalesforceOptions | undefined;
  warehouse?: HubWarehouseOptions | undefined;
  s3: { endpoint: string; region: string };
  stagingBucket: string;
  log: (service: string) => Log;
}): Promise<Vendors> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  const env: Record<string, string> = {};
  const simulated: string[] = [];
  let salesforce: SalesforceSimulator | undefined;
  let redshift: RedshiftDataSimulator | undefined;
  let postgresUrl: string | undefined;
  let postgresPid: number | undefined;
  try {
    if (options.salesforce !== undefined && 'simulator' in options.salesforce) {
      const { port, dailyApiLimit } = options.salesforce.simulator;
      salesforce = await startSalesforceSimulator({
        port,
        ...(dailyApiLimit === undefined ? {} : { dailyApiLimit }),
        log: options.log('salesforce-simulator'),
      });
      stops.push(() => salesforce?.stop() ?? Promise.resolve());
      Object.assign(env, {
        [SALESFORCE_ENV.loginUrl]: salesforce.url,
        [SALESFORCE_ENV.clientId]: DEFAULT_SALESFORCE_CLIENT_ID,
        [SALESFORCE_ENV.clientSecret]: DEFAULT_SALESFORCE_CLIENT_SECRET,
      });
      simulated.push(SALESFORCE_ENV.clientSecret);
    } else if (options.salesforce !== undefined) {
      Object.assign(env, defined(options.salesforce.env));
    }

    if (options.warehouse !== undefined) {
      const { port, postgres, executionDelayMs, schema } = options.warehouse.simulator;
      if ('url' in postgres) {
        postgresUrl = postgres.url;
      } else {
        // Without a data folder the database lives as long as the hub, like the other servers.
        const dataDir =
          postgres.embedded.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchyard-pg-')));
        const embedded = await startEmbeddedPostgres({ dataDir, port: 0 });
        stops.push(async () => {
          await embedded.stop();
          if (postgres.embedded.dataDir === undefined)
            await rm(dataDir, { recursive: true, force: true });
        });
        postgresUrl = embedded.connectionString;
        postgresPid = embedded.pid;
      }
      redshift = await startRedshiftDataSimulator({
        port,
        postgres: { connectionString: postgresUrl },
        s3: { endpoint: options.s3.endpoint, region: options.s3.region, forcePathStyle: true },
        ...(executionDelayMs === undefined ? {} : { executionDelayMs }),
        log: options.log('redshift-data-simulator'),
      });
      stops.push(() => redshift?.stop() ?? Promise.resolve());
      Object.assign(env, {
        [WAREHOUSE_ENV.endpoint]: redshift.url,
        [WAREHOUSE_ENV.workgroup]: redshift.workgroupName,
        [WAREHOUSE_ENV.database]: redshift.database,
        [WAREHOUSE_ENV.stagingBucket]: options.stagingBucket,
        ...(schema === undefined ? {} : { [WAREHOUSE_ENV.schema]: schema }),
      });
      // As the CDK custom resource does at deploy: the tables exist before the first batch.
      const config = parseWarehouseConfig(env);
      await migrate({ client: createWarehouseClient(config), schema: config.schema });
    }
    return { env, simulated, salesforce, redshift, postgresUrl, postgresPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
