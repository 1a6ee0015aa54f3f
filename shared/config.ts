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

/** Where the AWS SDK clients connect, from AWS_REGION and the AWS_ENDPOINT_URL_* settings. */
export function parseAwsConfig(env: Env): AwsConfig {
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
    aws: parseAwsConfig(env),
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
