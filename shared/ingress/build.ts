/**
 * Wires the ingress from its configuration: the same function serves Lambda
 * (`functions/stripe-webhook`) and the laptop runtime (`local/`).
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  createDocumentClient,
  createDynamoDbClient,
  createSqsClient,
  loadS3Client,
} from '../aws.ts';
import { type IngressConfig, parseSecretList, type WebhookSecretSource } from '../config.ts';
import { Router } from '../events/routing.ts';
import { Ledger } from '../ledger/ledger.ts';
import { PayloadStore } from '../queue/payload-store.ts';
import { QueuePublisher } from '../queue/publisher.ts';
import { readSecretString } from '../secrets.ts';
import { createIngress, type IngressHandler } from './ingress.ts';
import { WebhookVerifier } from './verify.ts';

function secretsFrom(source: WebhookSecretSource): () => Promise<readonly string[]> {
  if (source.kind === 'env') {
    const secrets = source.secrets;
    return async () => secrets;
  }
  return async () => {
    const value = await readSecretString(source.secretArn, 'the whsec_… secrets comma-separated');
    return parseSecretList(value, source.secretArn);
  };
}

/**
 * The ingress handler for a configuration. Call once per container (cold start): it creates the
 * SDK clients the handler reuses across invocations.
 */
export function buildIngress(options: {
  config: IngressConfig;
  logger: Logger;
  metrics?: Metrics;
}): IngressHandler {
  const { config, logger } = options;
  // One DynamoDB client serves the ledger and the idempotency store.
  const dynamodb = createDynamoDbClient(config.aws);
  const documentClient = createDocumentClient(config.aws, dynamodb);
  return createIngress({
    verifier: new WebhookVerifier({
      toleranceSeconds: config.toleranceSeconds,
      livemode: config.livemode,
    }),
    secrets: secretsFrom(config.webhookSecrets),
    router: new Router(config.routes),
    ledger: new Ledger({
      client: documentClient,
      tableName: config.ledgerTable,
      ttlDays: config.ledgerTtlDays,
    }),
    publisher: new QueuePublisher({
      client: createSqsClient(config.aws),
      queueUrls: config.queueUrls,
    }),
    payloads: new PayloadStore({
      client: () => loadS3Client(config.aws),
      bucket: config.payloadBucket,
    }),
    idempotencyStore: new DynamoDBPersistenceLayer({
      tableName: config.idempotencyTable,
      awsSdkV3Client: dynamodb,
    }),
    logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}
