/**
 * Lambda entry point of the warehouse connector: the batch consumer on the warehouse queue, with
 * the loader's logic. All logic lives in shared/connectors/warehouse (build.ts wires it).
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
