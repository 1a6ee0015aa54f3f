/**
 * The whole hub on one machine (DESIGN §6): local AWS-compatible servers, the resources from
 * `shared/resources.ts`, the ingress behind an API Gateway-like HTTP host, an SQS poller per
 * connector that has a consumer, and, if asked, the Stripe simulator with a webhook endpoint
 * pointing at the ingress. `npm start` and the end-to-end tests both run this.
 */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { createSqsClient } from '../shared/aws.ts';
import {
  ConfigError,
  DEFAULT_REGION,
  dlqUrlEnv,
  ENV,
  type Env,
  parseIngressConfig,
  queueUrlEnv,
} from '../shared/config.ts';
import type { ConnectorName } from '../shared/connectors.ts';
import { buildIngress } from '../shared/ingress/build.ts';
import { createLogger } from '../shared/logger.ts';
import type { BatchConnectorLogic } from '../shared/queue/batch.ts';
import type { ConnectorLogic } from '../shared/queue/consumer.ts';
import { CONNECTOR_QUEUES, INGRESS_TIMEOUT_SECONDS, WEBHOOK_PATH } from '../shared/resources.ts';
import type { StripeApiConfig } from '../shared/stripe/config.ts';
import { buildConnectorLogic } from './connector-logic.ts';
import { type AnyConnectorLogic, startConsumers } from './consumers.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { startHttpHost } from './http-host.ts';
import { type LocalNames, localNames, type ProvisionedQueue, provisionAll } from './provision.ts';
import { ReadableLogger } from './readable-logger.ts';
import {
  SIMULATOR_API_KEY,
  type StripeSimulator,
  startStripeSimulator,
} from './simulators/stripe/server.ts';
import {
  type HubSalesforceOptions,
  type HubWarehouseOptions,
  startVendors,
  type Vendors,
} from './vendors.ts';

/** The laptop's batching window: long enough to batch a burst, short enough to watch. */
export const LOCAL_BATCH_WINDOW_MS = 500;

/** Webhook retries of the hub's Stripe simulator: soon enough to watch on a laptop. */
export const LOCAL_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000,
];

/**
 * The Stripe API the hub's functions call (STRIPE_API_KEY and STRIPE_API_URL in their
 * environment): a simulator the hub starts, which also sends its events to the hub's webhook
 * endpoint, or a given API (real Stripe, where events come through the account's endpoints).
 */
export type HubStripeOptions =
  | { simulator: { port: number; retryScheduleMs?: readonly number[]; achSettlementMs?: number } }
  | { api: StripeApiConfig };

/** The Stripe API a running hub calls. */
export type HubStripe =
  | { kind: 'simulator'; url: string; simulator: StripeSimulator }
  | { kind: 'api'; baseUrl: string | undefined };

export interface HubOptions {
  port: number;
  webhookSecrets: string[];
  livemode?: boolean;
  routingTable?: string;
  /** Where the local servers keep their data; undefined keeps everything in memory. */
  dataDir?: string;
  /** Use running servers instead of starting them (tests share one per run). */
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
  /** Prefix for every table, queue and bucket name, so hubs can share servers. */
  namePrefix?: string;
  /**
   * Connectors to consume with logic of the caller's (tests); `connectors` run the real ones.
   * Logic with `applyBatch` gets the batch consumer, other logic the per-record one.
   */
  consumers?: Partial<Record<ConnectorName, ConnectorLogic | BatchConnectorLogic>>;
  /** The connectors to run with their real logic, built from the hub's environment as on AWS. */
  connectors?: readonly ConnectorName[];
  /** Salesforce for the connector: the simulator, or a real org's settings. */
  salesforce?: HubSalesforceOptions;
  /** Redshift for the warehouse connector: the simulator on PostgreSQL, or a real one's settings. */
  warehouse?: HubWarehouseOptions;
  /** How long a poller gathers a batch for a batch connector (AWS: the batching window). */
  batchWindowMs?: number;
  logLevel?: LogLevel;
  /** One readable line per log entry (npm start) instead of Lambda's JSON lines. */
  readableLogs?: boolean;
  /** The Stripe API for the functions; unset, they get none. */
  stripe?: HubStripeOptions;
}

export interface Hub {
  url: string;
  webhookUrl: string;
  endpoints: { dynamodb: string; sqs: string; s3: string };
  names: LocalNames;
  queues: Record<ConnectorName, ProvisionedQueue>;
  /** The environment a Lambda function of this hub would get. */
  env: Env;
  dynamodbPid: number | undefined;
  stripe: HubStripe | undefined;
  /** The vendor simulators the hub started. */
  vendors: Vendors;
  /** Settings in `env` holding a simulator's public value rather than a secret. */
  simulatedEnv: string[];
  stop(): Promise<void>;
}

async function startSimulator(
  options: { port: number; retryScheduleMs?: readonly number[]; achSettlementMs?: number },
  logger: { debug(message: string): void; error(message: string): void },
): Promise<StripeSimulator> {
  const { port, retryScheduleMs, achSettlementMs } = options;
  try {
    return await startStripeSimulator({
      port,
      ...(achSettlementMs === undefined ? {} : { achSettlementMs }),
      retryScheduleMs: [...(retryScheduleMs ?? LOCAL_WEBHOOK_RETRY_SCHEDULE_MS)],
      log: ({ level, message }) => logger[level](message),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the port is in use'
        : error instanceof Error
          ? error.message
          : String(error);
    throw new ConfigError(
      `The Stripe simulator could not listen on 127.0.0.1:${port} (${why}): set ${ENV.stripeSimulatorPort} to a free port (0 picks any), or set ${ENV.stripeApiKey} to call real Stripe instead.`,
      { cause: error },
    );
  }
}

/**
 * Starts the whole hub: the Stripe simulator (if `stripe` asks for it), local servers (unless
 * endpoints are given), resources, the ingress on 127.0.0.1, and a poller per consumer.
 * `stop()` ends everything it started, in reverse order.
 */
export async function startHub(options: HubOptions): Promise<Hub> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const logLevel = options.logLevel ?? 'INFO';
    const logger = (serviceName: string) =>
      options.readableLogs
        ? new ReadableLogger({ serviceName, logLevel })
        : createLogger(serviceName, { logLevel });
    // First, so a port already taken fails before the slower servers start.
    let stripe: HubStripe | undefined;
    let stripeApi: StripeApiConfig | undefined;
    if (options.stripe !== undefined && 'simulator' in options.stripe) {
      const simulator = await startSimulator(options.stripe.simulator, logger('stripe-simulator'));
      stops.push(() => simulator.stop());
      stripe = { kind: 'simulator', url: simulator.url, simulator };
      stripeApi = { apiKey: SIMULATOR_API_KEY, baseUrl: simulator.url };
    } else if (options.stripe !== undefined) {
      stripeApi = options.stripe.api;
      stripe = { kind: 'api', baseUrl: stripeApi.baseUrl };
    }

    let dynamo: DynamoDbLocal | undefined;
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (dynamodbEndpoint === undefined) {
      dynamo = await startDynamoDbLocal(
        options.dataDir === undefined ? {} : { dataDir: `${options.dataDir}/dynamodb` },
      );
      stops.push(() => dynamo?.stop() ?? Promise.resolve());
      dynamodbEndpoint = dynamo.endpoint;
    }
    let fauxqs: FauxqsServer | undefined;
    let sqsEndpoint = options.sqsEndpoint;
    if (sqsEndpoint === undefined) {
      fauxqs = await startFauxqs({
        port: 0,
        logger: false,
        ...(options.dataDir === undefined ? {} : { dataDir: `${options.dataDir}/sqs` }),
      });
      stops.push(() => fauxqs?.stop() ?? Promise.resolve());
      sqsEndpoint = fauxqs.address;
    }
    const endpoints = { dynamodb: dynamodbEndpoint, sqs: sqsEndpoint, s3: sqsEndpoint };
    const aws = { region: DEFAULT_REGION, endpoints };

    const names = localNames(options.namePrefix);
    const queues = await provisionAll(aws, names);
    const sqs = createSqsClient(aws);
    stops.push(async () => sqs.destroy());

    const env: Record<string, string> = {
      [ENV.region]: aws.region,
      [ENV.dynamodbEndpoint]: endpoints.dynamodb,
      [ENV.sqsEndpoint]: endpoints.sqs,
      [ENV.s3Endpoint]: endpoints.s3,
      [ENV.ledgerTable]: names.ledgerTable,
      [ENV.idempotencyTable]: names.idempotencyTable,
      [ENV.payloadBucket]: names.payloadBucket,
      [ENV.webhookSecret]: options.webhookSecrets.join(','),
      [ENV.livemode]: String(options.livemode ?? false),
      ...(options.routingTable ? { [ENV.routingTable]: options.routingTable } : {}),
      ...(stripeApi ? { [ENV.stripeApiKey]: stripeApi.apiKey } : {}),
      ...(stripeApi?.baseUrl ? { [ENV.stripeApiUrl]: stripeApi.baseUrl } : {}),
    };
    const vendors = await startVendors({
      salesforce: options.salesforce,
      warehouse: options.warehouse,
      s3: { endpoint: endpoints.s3, region: aws.region },
      stagingBucket: names.stagingBucket,
      log: (service) => {
        const l = logger(service);
        return ({ level, message }) => l[level](message);
      },
    });
    stops.push(() => vendors.stop());
    Object.assign(env, vendors.env);
    for (const q of CONNECTOR_QUEUES) {
      env[queueUrlEnv(q.connector)] = queues[q.connector].queueUrl;
      env[dlqUrlEnv(q.connector)] = queues[q.connector].dlqUrl;
    }

    const ingress = buildIngress({
      config: parseIngressConfig(env),
      logger: logger('stripe-webhook'),
    });
    const host = await startHttpHost({
      port: options.port,
      routes: [
        {
          method: 'POST',
          path: WEBHOOK_PATH,
          functionName: 'stripe-webhook',
          timeoutSeconds: INGRESS_TIMEOUT_SECONDS,
          handler: ingress,
        },
      ],
    });
    stops.push(() => host.close());
    const webhookUrl = `${host.url}${WEBHOOK_PATH}`;
    if (stripe?.kind === 'simulator') {
      stripe.simulator.world.addWebhookEndpoint({
        url: webhookUrl,
        secret: options.webhookSecrets[0] ?? '',
        description: 'Switchyard hub',
      });
    }

    const logic: Partial<Record<ConnectorName, AnyConnectorLogic>> = { ...options.consumers };
    for (const connector of options.connectors ?? []) {
      logic[connector] = buildConnectorLogic({
        connector,
        env,
        logger: logger(`connector-${connector}`),
      });
    }
    const pollers = await startConsumers({
      sqs,
      queues,
      env,
      logic,
      logger,
      batchWindowMs: options.batchWindowMs ?? LOCAL_BATCH_WINDOW_MS,
    });
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    return {
      url: host.url,
      webhookUrl,
      endpoints,
      names,
      queues,
      env,
      dynamodbPid: dynamo?.pid,
      stripe,
      vendors,
      simulatedEnv: [
        ...(stripe?.kind === 'simulator' ? [ENV.stripeApiKey] : []),
        ...vendors.simulated,
      ],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
