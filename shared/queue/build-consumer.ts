/**
 * Wires a connector's consumer from its configuration: the same function serves the connector's
 * Lambda (`functions/connectors/<name>`) and the laptop runtime's SQS poller.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSqsClient, loadS3Client } from '../aws.ts';
import type { ConsumerConfig } from '../config.ts';
import { Deliveries } from '../ledger/deliveries.ts';
import { CONNECTOR_QUEUE_DEFAULTS } from '../resources.ts';
import {
  type BatchConnectorLogic,
  type BatchConsumerHandler,
  createBatchConsumer,
} from './batch.ts';
import { type ConnectorLogic, type ConsumerHandler, createConnectorConsumer } from './consumer.ts';
import { PayloadStore } from './payload-store.ts';

function consumerParts(config: ConsumerConfig, logger: Logger) {
  return {
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
    logger,
  };
}

/** The SQS handler of one connector that applies events one at a time. Call once per container. */
export function buildConsumer(options: {
  config: ConsumerConfig;
  logic: ConnectorLogic;
  logger: Logger;
}): ConsumerHandler {
  return createConnectorConsumer({
    ...consumerParts(options.config, options.logger),
    ...options.logic,
  });
}

/** The SQS handler of one connector that applies a whole batch at once. Call once per container. */
export function buildBatchConsumer(options: {
  config: ConsumerConfig;
  logic: BatchConnectorLogic;
  logger: Logger;
}): BatchConsumerHandler {
  return createBatchConsumer({
    ...consumerParts(options.config, options.logger),
    ...options.logic,
  });
}
