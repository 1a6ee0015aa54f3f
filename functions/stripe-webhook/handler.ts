/** Lambda entry point of `POST /webhooks/stripe`. All logic lives in shared/ingress. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseIngressConfig, processEnv } from '../../shared/config.ts';
import { buildIngress } from '../../shared/ingress/build.ts';
import { createLogger } from '../../shared/logger.ts';

const logger = createLogger('stripe-webhook');

export const handler = middy(buildIngress(parseIngressConfig(processEnv()), logger)).use(
  injectLambdaContext(logger),
);
