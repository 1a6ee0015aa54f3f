/**
 * The laptop's connector functions: one SQS poller per connector, invoking the same consumer
 * the connector's Lambda runs, with the connector's batch size and a batching window.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Env, parseConsumerConfig } from '../shared/config.ts';
import type { ConnectorName } from '../shared/connectors.ts';
import type { BatchConnectorLogic } from '../shared/queue/batch.ts';
import { buildBatchConsumer, buildConsumer } from '../shared/queue/build-consumer.ts';
import type { ConnectorLogic } from '../shared/queue/consumer.ts';
import { CONNECTOR_INTAKE } from '../shared/resources.ts';
import type { ProvisionedQueue } from './provision.ts';
import { type SqsPoller, startSqsPoller } from './sqs-poller.ts';

export type AnyConnectorLogic = ConnectorLogic | BatchConnectorLogic;

/** Starts a poller per connector; stop them with the answered pollers' `stop()`. */
export async function startConsumers(options: {
  sqs: SQSClient;
  queues: Record<ConnectorName, ProvisionedQueue>;
  env: Env;
  logic: Partial<Record<ConnectorName, AnyConnectorLogic>>;
  logger: (serviceName: string) => Logger;
  /** The batching window for batch connectors; the laptop keeps it short to stay responsive. */
  batchWindowMs: number;
}): Promise<SqsPoller[]> {
  const pollers: SqsPoller[] = [];
  for (const [connector, logic] of Object.entries(options.logic) as [
    ConnectorName,
    AnyConnectorLogic,
  ][]) {
    const queue = options.queues[connector];
    const { Attributes } = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const logger = options.logger(`connector-${connector}`);
    const config = parseConsumerConfig(options.env, connector);
    const intake = CONNECTOR_INTAKE[connector];
    const batch = 'applyBatch' in logic;
    pollers.push(
      startSqsPoller({
        client: options.sqs,
        queueUrl: queue.queueUrl,
        queueArn: Attributes?.QueueArn ?? '',
        handler: batch
          ? buildBatchConsumer({ config, logic, logger })
          : buildConsumer({ config, logic, logger }),
        functionName: `connector-${connector}`,
        timeoutSeconds: intake.timeoutSeconds,
        batchSize: batch ? intake.batchSize : Math.min(intake.batchSize, 10),
        batchWindowMs: batch ? options.batchWindowMs : 0,
        onError: (error) => logger.error('Poller error', { error: String(error) }),
      }),
    );
  }
  return pollers;
}
