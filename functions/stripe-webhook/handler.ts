/** Lambda entry point of `POST /webhooks/stripe`. All logic lives in shared/ingress. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { parseIngressConfig, processEnv } from '../../shared/config.ts';
import { buildIngress } from '../../shared/ingress/build.ts';
import { INGRESS_METRICS } from '../../shared/ingress/metrics.ts';
import { createLogger } from '../../shared/logger.ts';

const logger = createLogger('stripe-webhook');
const metrics = new Metrics({
  namespace: INGRESS_METRICS.namespace,
  serviceName: 'stripe-webhook',
});

export const handler = middy(
  buildIngress({ config: parseIngressConfig(processEnv()), logger, metrics }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
