/**
 * Lambda entry point of the warehouse connector. All logic lives in shared/connectors/warehouse.
 * (Placeholder written by the infra helper so the stack synthesizes; the lead owns this file.)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseConsumerConfig, processEnv } from '../../../shared/config.ts';
import { buildWarehouseConnector } from '../../../shared/connectors/warehouse/build.ts';
import { createLogger } from '../../../shared/logger.ts';
import { buildBatchConsumer } from '../../../shared/queue/build-consumer.ts';

const env = processEnv();
const logger = createLogger('connector-warehouse');

export const handler = middy(
  buildBatchConsumer({
    config: parseConsumerConfig(env, 'warehouse'),
    logic: buildWarehouseConnector(env, logger).logic,
    logger,
  }),
).use(injectLambdaContext(logger));
