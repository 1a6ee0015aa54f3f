/**
 * The whole hub on one machine (DESIGN §6): local AWS-compatible servers, the resources from
 * `shared/resources.ts`, the ingress behind an API Gateway-like HTTP host, and an SQS poller per
 * connector that has a consumer. `npm start` and the end-to-end tests both run this.
 */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { createDocumentClient, createSqsClient, loadS3Client } from '../shared/aws.ts';
import { dlqUrlEnv, ENV, type Env, parseIngressConfig, queueUrlEnv } from '../shared/config.ts';
import type { ConnectorName } from '../shared/connectors.ts';
import type { StripeEvent } from '../shared/events/types.ts';
import { buildIngress } from '../shared/ingress/build.ts';
import { Ledger } from '../shared/ledger/ledger.ts';
import { createLogger } from '../shared/logger.ts';
import { type ApplyResult, createConnectorConsumer } from '../shared/queue/consumer.ts';
import { PayloadStore } from '../shared/queue/payload-store.ts';
import { CONNECTOR_QUEUE_DEFAULTS, CONNECTOR_QUEUES, WEBHOOK_PATH } from '../shared/resources.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { startHttpHost } from './http-host.ts';
import { type LocalNames, localNames, type ProvisionedQueue, provisionAll } from './provision.ts';
import { ReadableLogger } from './readable-logger.ts';
import { type SqsPoller, startSqsPoller } from './sqs-poller.ts';

/** A connector's business logic as the local runtime runs it. */
export type ApplyFunction = (event: StripeEvent) => Promise<ApplyResult>;

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
  consumers?: Partial<Record<ConnectorName, ApplyFunction>>;
  /** Seconds a local invocation may run, as a Lambda timeout. */
  ingressTimeoutSeconds?: number;
  logLevel?: LogLevel;
  /** One readable line per log entry (npm start) instead of Lambda's JSON lines. */
  readableLogs?: boolean;
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
  stop(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
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
    const aws = { region: 'us-east-1', endpoints };

    const names = localNames(options.namePrefix);
    const queues = await provisionAll(aws, names);
    const sqs = createSqsClient(aws);
    const s3 = await loadS3Client(aws);
    stops.push(async () => {
      sqs.destroy();
      s3.destroy();
    });

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
    };
    for (const q of CONNECTOR_QUEUES) {
      env[queueUrlEnv(q.connector)] = queues[q.connector].queueUrl;
      env[dlqUrlEnv(q.connector)] = queues[q.connector].dlqUrl;
    }

    const logLevel = options.logLevel ?? 'INFO';
    const logger = (serviceName: string) =>
      options.readableLogs
        ? new ReadableLogger({ serviceName, logLevel })
        : createLogger(serviceName, { logLevel });
    const ingress = buildIngress(parseIngressConfig(env), logger('stripe-webhook'));
    const host = await startHttpHost({
      port: options.port,
      routes: [
        {
          method: 'POST',
          path: WEBHOOK_PATH,
          functionName: 'stripe-webhook',
          timeoutSeconds: options.ingressTimeoutSeconds ?? 29,
          handler: ingress,
        },
      ],
    });
    stops.push(() => host.close());

    const documents = createDocumentClient(aws);
    stops.push(async () => documents.destroy());
    const ledger = new Ledger({
      client: documents,
      tableName: names.ledgerTable,
      ttlDays: 90,
    });
    const payloads = new PayloadStore({ client: async () => s3, bucket: names.payloadBucket });
    const pollers: SqsPoller[] = [];
    for (const [connector, apply] of Object.entries(options.consumers ?? {}) as [
      ConnectorName,
      ApplyFunction,
    ][]) {
      const queue = queues[connector];
      const queueArn = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.queueUrl, AttributeNames: ['QueueArn'] }),
      );
      const connectorLogger = logger(`connector-${connector}`);
      const handler = createConnectorConsumer({
        connector,
        ledger,
        payloads,
        sqs,
        queueUrl: queue.queueUrl,
        dlqUrl: queue.dlqUrl,
        maxReceiveCount: CONNECTOR_QUEUE_DEFAULTS.maxReceiveCount,
        logger: connectorLogger,
        apply,
      });
      pollers.push(
        startSqsPoller({
          client: sqs,
          queueUrl: queue.queueUrl,
          queueArn: queueArn.Attributes?.QueueArn ?? '',
          handler,
          functionName: `connector-${connector}`,
          timeoutSeconds: CONNECTOR_QUEUE_DEFAULTS.consumerTimeoutSeconds,
          onError: (error) => connectorLogger.error('Poller error', { error: String(error) }),
        }),
      );
    }
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    return {
      url: host.url,
      webhookUrl: `${host.url}${WEBHOOK_PATH}`,
      endpoints,
      names,
      queues,
      env,
      dynamodbPid: dynamo?.pid,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
