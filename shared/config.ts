/**
 * The only module that reads `process.env`. Each function parses its settings once, at cold
 * start, and a missing or malformed setting fails fast with a message that names the variable.
 *
 * The variable names are constants shared with `infra/` (which sets them) and `local/` (which
 * sets them for the laptop runtime), so the three cannot drift apart.
 */
import { CONNECTORS, type ConnectorName } from './connectors.ts';
import { PermanentError } from './errors.ts';
import { DEFAULT_ROUTES, type RoutingTable, readRoutingTable } from './events/routing.ts';

/** Environment variable names, shared by the CDK stack, the local runtime and the functions. */
export const ENV = {
  port: 'PORT',
  webhookSecret: 'STRIPE_WEBHOOK_SECRET',
  webhookSecretArn: 'STRIPE_WEBHOOK_SECRET_ARN',
  webhookToleranceSeconds: 'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
  livemode: 'STRIPE_LIVEMODE',
  routingTable: 'ROUTING_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  ledgerTtlDays: 'LEDGER_TTL_DAYS',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  payloadBucket: 'PAYLOAD_BUCKET',
  region: 'AWS_REGION',
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqsEndpoint: 'AWS_ENDPOINT_URL_SQS',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  dataDir: 'SWITCHYARD_DATA_DIR',
  stripeApiKey: 'STRIPE_API_KEY',
  stripeApiUrl: 'STRIPE_API_URL',
  stripeApiKeySecretArn: 'STRIPE_API_KEY_SECRET_ARN',
  stripeSimulatorPort: 'STRIPE_SIMULATOR_PORT',
  salesforceSimulatorPort: 'SALESFORCE_SIMULATOR_PORT',
  redshiftDataSimulatorPort: 'REDSHIFT_DATA_SIMULATOR_PORT',
  warehousePostgresUrl: 'WAREHOUSE_POSTGRES_URL',
} as const;

/** The region used when AWS_REGION is unset (the laptop runtime's local servers). */
export const DEFAULT_REGION = 'us-east-1';

/** The port of the Stripe simulator `npm start` runs when STRIPE_SIMULATOR_PORT is unset (stripe-mock's). */
export const DEFAULT_STRIPE_SIMULATOR_PORT = 12_111;

/** The ports of the Salesforce and Redshift Data API simulators `npm start` runs by default. */
export const DEFAULT_SALESFORCE_SIMULATOR_PORT = 12_112;
export const DEFAULT_REDSHIFT_DATA_SIMULATOR_PORT = 12_113;

/** How long ledger records are kept when LEDGER_TTL_DAYS is unset. */
export const DEFAULT_LEDGER_TTL_DAYS = 90;

/** `QUEUE_URL_SALESFORCE`, `QUEUE_URL_NETSUITE`, … : the queue a connector consumes. */
export function queueUrlEnv(connector: ConnectorName): string {
  return `QUEUE_URL_${connector.toUpperCase()}`;
}

/** `DLQ_URL_NETSUITE`, … : where a connector's consumer parks messages that cannot succeed. */
export function dlqUrlEnv(connector: ConnectorName): string {
  return `DLQ_URL_${connector.toUpperCase()}`;
}

/** A setting that is missing or malformed. The message names the variable and what it expects. */
export class ConfigError extends PermanentError {}

export type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string, meaning: string): string {
  const value = present(env, name);
  if (value === undefined) {
    throw new ConfigError(`${name} is not set: set it to ${meaning}.`);
  }
  return value;
}

function integer(
  env: Env,
  name: string,
  options: { default: number; min: number; max: number },
): number {
  const raw = present(env, name);
  if (raw === undefined) return options.default;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < options.min || value > options.max) {
    throw new ConfigError(
      `${name} is "${raw}": set it to a whole number from ${options.min} to ${options.max}, or unset it for the default ${options.default}.`,
    );
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} is "${raw}": set it to true or false.`);
}

/** Splits a comma-separated list of webhook signing secrets (several are active during rotation). */
export function parseSecretList(raw: string, name: string): string[] {
  const secrets = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (secrets.length === 0) {
    throw new ConfigError(
      `${name} holds no secret: set it to one or more whsec_… values, comma-separated.`,
    );
  }
  for (const secret of secrets) {
    if (!secret.startsWith('whsec_')) {
      throw new ConfigError(
        `${name} holds a value that is not a Stripe webhook signing secret (they start with "whsec_"): copy it from the Stripe Dashboard or from \`stripe listen\`.`,
      );
    }
  }
  return secrets;
}

/** Where the AWS SDK clients connect: the real AWS, or local servers by endpoint override. */
export interface AwsConfig {
  region: string;
  endpoints: { dynamodb?: string; sqs?: string; s3?: string };
}

function parseAws(env: Env): AwsConfig {
  const endpoints: AwsConfig['endpoints'] = {};
  const dynamodb = present(env, ENV.dynamodbEndpoint);
  const sqs = present(env, ENV.sqsEndpoint);
  const s3 = present(env, ENV.s3Endpoint);
  if (dynamodb) endpoints.dynamodb = dynamodb;
  if (sqs) endpoints.sqs = sqs;
  if (s3) endpoints.s3 = s3;
  return { region: present(env, ENV.region) ?? DEFAULT_REGION, endpoints };
}

/** Settings every function that touches the ledger needs. */
export interface LedgerConfig {
  aws: AwsConfig;
  ledgerTable: string;
  ledgerTtlDays: number;
}

/** Parses the settings every ledger user needs; throws {@link ConfigError} naming the variable. */
export function parseLedgerConfig(env: Env): LedgerConfig {
  return {
    aws: parseAws(env),
    ledgerTable: required(env, ENV.ledgerTable, 'the name of the ledger DynamoDB table'),
    ledgerTtlDays: integer(env, ENV.ledgerTtlDays, {
      default: DEFAULT_LEDGER_TTL_DAYS,
      min: 1,
      max: 3650,
    }),
  };
}

/** Where the webhook signing secrets come from: the environment, or Secrets Manager. */
export type WebhookSecretSource =
  | { kind: 'env'; secrets: string[] }
  | { kind: 'secretsManager'; secretArn: string };

/** Settings of the `stripe-webhook` ingress function. */
export interface IngressConfig extends LedgerConfig {
  webhookSecrets: WebhookSecretSource;
  toleranceSeconds: number;
  livemode: boolean;
  idempotencyTable: string;
  payloadBucket: string;
  routes: RoutingTable;
  queueUrls: Partial<Record<ConnectorName, string>>;
}

/** Parses the ingress's settings at cold start; throws {@link ConfigError} naming the variable. */
export function parseIngressConfig(env: Env): IngressConfig {
  const secretList = present(env, ENV.webhookSecret);
  const secretArn = present(env, ENV.webhookSecretArn);
  let webhookSecrets: WebhookSecretSource;
  if (secretList !== undefined) {
    webhookSecrets = { kind: 'env', secrets: parseSecretList(secretList, ENV.webhookSecret) };
  } else if (secretArn !== undefined) {
    webhookSecrets = { kind: 'secretsManager', secretArn };
  } else {
    throw new ConfigError(
      `Neither ${ENV.webhookSecret} nor ${ENV.webhookSecretArn} is set: set one to the webhook signing secret(s) of your Stripe endpoint.`,
    );
  }

  const rawRoutes = present(env, ENV.routingTable);
  const routes = rawRoutes === undefined ? DEFAULT_ROUTES : parseRoutingJson(rawRoutes);

  const queueUrls: Partial<Record<ConnectorName, string>> = {};
  for (const connector of CONNECTORS) {
    if (routes[connector].length === 0) continue;
    queueUrls[connector] = required(
      env,
      queueUrlEnv(connector),
      `the URL of the ${connector} SQS queue (or route no event type to ${connector} in ${ENV.routingTable})`,
    );
  }

  return {
    ...parseLedgerConfig(env),
    webhookSecrets,
    toleranceSeconds: integer(env, ENV.webhookToleranceSeconds, {
      default: 300,
      min: 1,
      max: 3600,
    }),
    livemode: boolean(env, ENV.livemode, false),
    idempotencyTable: required(
      env,
      ENV.idempotencyTable,
      'the name of the idempotency DynamoDB table',
    ),
    payloadBucket: required(env, ENV.payloadBucket, 'the name of the S3 bucket for large payloads'),
    routes,
    queueUrls,
  };
}

function parseRoutingJson(raw: string): RoutingTable {
  try {
    return readRoutingTable(raw, ENV.routingTable);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** How the hub calls the Stripe API: its secret key, and a base URL other than api.stripe.com. */
export interface StripeApiConfig {
  apiKey: string;
  /** `http(s)://host[:port]` without a path; undefined means https://api.stripe.com. */
  baseUrl?: string;
}

const API_KEYS_PAGE = 'the Stripe Dashboard → Developers → API keys';

/**
 * Checks a secret or restricted key against the hub's mode. The message never repeats the key,
 * only its kind, since it may end up in a log.
 */
export function stripeApiKey(
  raw: string,
  livemode: boolean,
  name: string = ENV.stripeApiKey,
): string {
  const wanted = livemode
    ? 'a live-mode secret key (sk_live_…) or restricted key (rk_live_…)'
    : 'a test-mode secret key (sk_test_…) or restricted key (rk_test_…)';
  const shape = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.exec(raw);
  if (shape === null) {
    const kind = raw.startsWith('pk_')
      ? 'a publishable key (pk_…), which cannot call the API'
      : 'a value that is not a Stripe secret key';
    throw new ConfigError(`${name} holds ${kind}: set it to ${wanted} from ${API_KEYS_PAGE}.`);
  }
  if (shape[2] === 'live' && !livemode) {
    throw new ConfigError(
      `${name} holds a live-mode key, but this hub serves test mode: set it to ${wanted}, or set ${ENV.livemode}=true to serve live mode.`,
    );
  }
  if (shape[2] === 'test' && livemode) {
    throw new ConfigError(
      `${name} holds a test-mode key, but ${ENV.livemode} is true: set it to ${wanted}, or unset ${ENV.livemode} to serve test mode.`,
    );
  }
  return raw;
}

function stripeApiUrl(env: Env): string | undefined {
  const raw = present(env, ENV.stripeApiUrl);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const bare =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  if (url === undefined || !bare) {
    throw new ConfigError(
      `${ENV.stripeApiUrl} is "${raw}": set it to an http(s) base URL without a path, such as http://127.0.0.1:${DEFAULT_STRIPE_SIMULATOR_PORT}, or unset it to call api.stripe.com.`,
    );
  }
  return url.origin;
}

/** Parses how to call the Stripe API; throws {@link ConfigError} naming the variable. */
export function parseStripeApiConfig(env: Env): StripeApiConfig {
  const apiKey = stripeApiKey(
    required(env, ENV.stripeApiKey, `your Stripe secret key (sk_test_…) from ${API_KEYS_PAGE}`),
    boolean(env, ENV.livemode, false),
  );
  const baseUrl = stripeApiUrl(env);
  return baseUrl === undefined ? { apiKey } : { apiKey, baseUrl };
}

/**
 * Where a function's Stripe API key comes from: STRIPE_API_KEY (the laptop, tests), or a
 * Secrets Manager secret (AWS), read on first use with {@link stripeApiKey}'s checks.
 */
export type StripeApiSource =
  | { kind: 'env'; config: StripeApiConfig }
  | { kind: 'secretsManager'; secretArn: string; livemode: boolean; baseUrl?: string };

/** Parses where a connector reads the Stripe API from; throws {@link ConfigError} naming both variables. */
export function parseStripeApiSource(env: Env): StripeApiSource {
  if (present(env, ENV.stripeApiKey) !== undefined) {
    return { kind: 'env', config: parseStripeApiConfig(env) };
  }
  const secretArn = present(env, ENV.stripeApiKeySecretArn);
  if (secretArn === undefined) {
    throw new ConfigError(
      `Neither ${ENV.stripeApiKey} nor ${ENV.stripeApiKeySecretArn} is set: connectors read objects from Stripe, so set one to your Stripe secret key (or the ARN of the secret that holds it).`,
    );
  }
  const baseUrl = stripeApiUrl(env);
  return {
    kind: 'secretsManager',
    secretArn,
    livemode: boolean(env, ENV.livemode, false),
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}

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

/**
 * The setting readers, for connector modules that parse their own settings from an {@link Env}
 * (`shared/connectors/<name>/config.ts`): each names the variable in its error.
 */
export const settings = { present, required, integer, boolean } as const;

/** Reads the process environment. Only entry points call this, once, at cold start. */
export function processEnv(): Env {
  return process.env;
}

/** Settings of a connector's consumer function. */
export interface ConsumerConfig extends LedgerConfig {
  connector: ConnectorName;
  queueUrl: string;
  dlqUrl: string;
  payloadBucket: string;
}

/** Parses a connector consumer's settings at cold start. */
export function parseConsumerConfig(env: Env, connector: ConnectorName): ConsumerConfig {
  return {
    ...parseLedgerConfig(env),
    connector,
    queueUrl: required(env, queueUrlEnv(connector), `the URL of the ${connector} SQS queue`),
    dlqUrl: required(env, dlqUrlEnv(connector), `the URL of the ${connector} dead-letter queue`),
    payloadBucket: required(env, ENV.payloadBucket, 'the name of the S3 bucket for large payloads'),
  };
}

/** Settings of `switchyard trace` / `status` against a deployed hub (no local hub running). */
export interface InspectConfig extends LedgerConfig {
  queueUrls: Partial<Record<ConnectorName, string>>;
}

/** Parses what the CLI needs to inspect a deployed hub. */
export function parseInspectConfig(env: Env): InspectConfig {
  const queueUrls: Partial<Record<ConnectorName, string>> = {};
  for (const connector of CONNECTORS) {
    const url = present(env, queueUrlEnv(connector));
    if (url !== undefined) queueUrls[connector] = url;
  }
  return { ...parseLedgerConfig(env), queueUrls };
}

/** Whether the environment names a deployed ledger (so the CLI inspects AWS, not a laptop). */
export function hasDeployedLedger(env: Env): boolean {
  return present(env, ENV.ledgerTable) !== undefined;
}
