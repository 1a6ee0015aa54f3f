/**
 * The settings of `npm start`, the laptop runtime: every one has a default, and real vendors'
 * settings in the environment replace the simulators.
 */
import {
  DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT,
  DEFAULT_SALESFORCE_SIMULATOR_PORT,
  DEFAULT_STRIPE_SIMULATOR_PORT,
  ENV,
  type Env,
  parseSecretList,
  settings,
} from '../shared/config.ts';
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
  /** Redshift: the simulator (on WAREHOUSE_POSTGRES_URL, or an embedded PostgreSQL), or a real one. */
  warehouse: { simulatorPort: number; postgresUrl?: string } | { env: Record<string, string> };
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
  // A login URL or credentials name a real org; a workgroup or cluster a real Redshift.
  const realOrg = ['SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_ID', 'SALESFORCE_SECRET_ARN'].some(
    (name) => present(env, name) !== undefined,
  );
  const realRedshift = ['WAREHOUSE_WORKGROUP', 'WAREHOUSE_CLUSTER_ID'].some(
    (name) => present(env, name) !== undefined,
  );
  const postgresUrl = present(env, ENV.warehousePostgresUrl);
  return {
    salesforce: realOrg
      ? { env: withPrefix(env, ['SALESFORCE_']) }
      : { simulatorPort: port(ENV.salesforceSimulatorPort, DEFAULT_SALESFORCE_SIMULATOR_PORT) },
    warehouse: realRedshift
      ? { env: withPrefix(env, ['WAREHOUSE_', 'AWS_ENDPOINT_URL_REDSHIFT_DATA']) }
      : {
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
