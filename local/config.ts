/**
 * The settings of `npm start`, the laptop runtime: every one has a default, and real vendors'
 * settings in the environment replace the simulators.
 */

import {
  ConfigError,
  DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT,
  DEFAULT_SALESFORCE_SIMULATOR_PORT,
  DEFAULT_STRIPE_SIMULATOR_PORT,
  ENV,
  type Env,
  parseSecretList,
  settings,
} from '../shared/config.ts';
import { SALESFORCE_ENV } from '../shared/connectors/salesforce/config.ts';
import { WAREHOUSE_ENV } from '../shared/connectors/warehouse/config.ts';
import { stripeApiKey, stripeApiUrl } from '../shared/stripe/config.ts';

const { present, integer, boolean } = settings;

/** Settings of `npm start`, the laptop runtime. */
export interface LocalConfig {
  port: number;
  webhookSecrets: string[] | undefined;
  livemode: boolean;
  dataDir: string;
  routingTable: string | undefined;
  /** Where `npm start` runs the Stripe simulator when no STRIPE_API_KEY is set. */
  stripeSimulatorPort: number;
  /** The key of a real Stripe account (or STRIPE_API_URL's API); set, no simulator is started. */
  stripeApiKey?: string;
  stripeApiUrl?: string;
  /** Salesforce: the simulator on a port, or a real org's SALESFORCE_* settings. */
  salesforce: { simulatorPort: number } | { env: Record<string, string> };
  /** Redshift: the simulator, on WAREHOUSE_POSTGRES_URL or an embedded PostgreSQL. */
  warehouse: { simulatorPort: number; postgresUrl?: string };
}

/** The environment entries whose names start with one of `prefixes`. */
function withPrefix(env: Env, prefixes: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && prefixes.some((p) => entry[0].startsWith(p)),
    ),
  );
}

function localVendors(env: Env): Pick<LocalConfig, 'salesforce' | 'warehouse'> {
  const port = (name: string, fallback: number) =>
    integer(env, name, { default: fallback, min: 0, max: 65_535 });
  // A login URL or credentials name a real org.
  const realOrg = [SALESFORCE_ENV.loginUrl, SALESFORCE_ENV.clientId, SALESFORCE_ENV.secretArn].some(
    (name) => present(env, name) !== undefined,
  );
  const redshift = [WAREHOUSE_ENV.workgroup, WAREHOUSE_ENV.clusterId].find(
    (name) => present(env, name) !== undefined,
  );
  if (redshift !== undefined) {
    throw new ConfigError(
      `${redshift} is set, but npm start loads only its local Redshift simulator: it stages batches in its own local S3, which a real Redshift cannot read. Unset ${redshift} to use the simulator; to load your Redshift, deploy the stack with -c warehouseWorkgroup=… (or -c warehouseClusterId=…), and run npm run warehouse:migrate with the WAREHOUSE_* settings to create the tables.`,
    );
  }
  const postgresUrl = present(env, ENV.warehousePostgresUrl);
  return {
    salesforce: realOrg
      ? { env: withPrefix(env, ['SALESFORCE_']) }
      : { simulatorPort: port(ENV.salesforceSimulatorPort, DEFAULT_SALESFORCE_SIMULATOR_PORT) },
    warehouse: {
      simulatorPort: port(ENV.redshiftDataSimulatorPort, DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT),
      ...(postgresUrl === undefined ? {} : { postgresUrl }),
    },
  };
}

/** Parses `npm start`'s settings; every one has a default. */
export function parseLocalConfig(env: Env): LocalConfig {
  const secretList = present(env, ENV.webhookSecret);
  const livemode = boolean(env, ENV.livemode, false);
  const apiKey = present(env, ENV.stripeApiKey);
  const apiUrl = stripeApiUrl(env);
  return {
    // 0 picks any free port (tests); the URL printed at start says which.
    port: integer(env, ENV.port, { default: 3000, min: 0, max: 65_535 }),
    webhookSecrets:
      secretList === undefined ? undefined : parseSecretList(secretList, ENV.webhookSecret),
    livemode,
    dataDir: present(env, ENV.dataDir) ?? '.switchyard',
    routingTable: present(env, ENV.routingTable),
    stripeSimulatorPort: integer(env, ENV.stripeSimulatorPort, {
      default: DEFAULT_STRIPE_SIMULATOR_PORT,
      min: 0,
      max: 65_535,
    }),
    ...(apiKey === undefined ? {} : { stripeApiKey: stripeApiKey(apiKey, livemode) }),
    ...(apiUrl === undefined ? {} : { stripeApiUrl: apiUrl }),
    ...localVendors(env),
  };
}
