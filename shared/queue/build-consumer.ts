/**
 * Wires a connector's consumer from its configuration: the same function serves the connector's
 * Lambda (`functions/connectors/<name>`) and the laptop runtime's SQS poller.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSqsClient, loadS3Client } from '../aws.ts';
import type { ConsumerConfig } from '../config.ts';
import { Deliveries } from '../ledger/deliveries.ts';
import { CONNECTOR_QUEUE_DEFAULTS } from '../resources.ts';
import { type ConnectorLogic, type ConsumerHandler, createConnectorConsumer } from './consumer.ts';
import { PayloadStore } from './payload-store.ts';

/** The SQS handler of one connector. Call once per container (cold start). */
export function buildConsumer(options: {
  config: ConsumerConfig;
  logic: ConnectorLogic;
  logger: Logger;
}): ConsumerHandler {
  const { config } = options;
  return createConnectorConsumer({
    connector: config.connector,
    deliveries: new Deliveries({
      client: createDocumentClient(config.aws),
      tableName: config.ledgerTable,
      ttlDays: config.ledgerTtlDays,
    }),
    payloads: new PayloadStore({
      client: () => loadS3Client(config.aws),
      bucket: config.payloadBucket,
    }),
    sqs: createSqsClient(config.aws),
    queueUrl: config.queueUrl,
    dlqUrl: config.dlqUrl,
    maxReceiveCount: CONNECTOR_QUEUE_DEFAULTS.maxReceiveCount,
    logger: options.logger,
    ...options.logic,
  });
}
