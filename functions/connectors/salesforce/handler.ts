/** Lambda entry point of the Salesforce connector. All logic lives in shared/connectors/salesforce. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseConsumerConfig, processEnv } from '../../../shared/config.ts';
import { buildSalesforceConnector } from '../../../shared/connectors/salesforce/build.ts';
import { createLogger } from '../../../shared/logger.ts';
import { buildBatchConsumer } from '../../../shared/queue/build-consumer.ts';

const env = processEnv();
const logger = createLogger('connector-salesforce');

export const handler = middy(
  buildBatchConsumer({
    config: parseConsumerConfig(env, 'salesforce'),
    logic: buildSalesforceConnector(env, logger).logic,
    logger,
  }),
).use(injectLambdaContext(logger));
