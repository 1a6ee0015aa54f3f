/**
 * What the ingress answers, logs and counts for each outcome. Kept apart from the flow in
 * `ingress.ts` so that every status code, reason and metric is decided in one place.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConfigError } from '../config.ts';
import type { ConnectorName } from '../connectors.ts';
import { classifyError, RejectedRequestError } from '../errors.ts';
import type { StripeEvent } from '../events/types.ts';
import { INGRESS_METRICS } from './metrics.ts';
import { SIGNATURE_FAILURE } from './verify.ts';

/** The body of a 200 answer. */
export interface IngressReceipt {
  received: true;
  id: string;
  duplicate: boolean;
  routes: ConnectorName[];
}

const SIGNATURE_REASONS: ReadonlySet<string> = new Set(Object.values(SIGNATURE_FAILURE));

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

function count(
  metrics: Metrics | undefined,
  name: string,
  dimensions: Record<string, string> = {},
) {
  if (!metrics) return;
  if (Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** 200 with the receipt: a first acceptance or an acknowledged duplicate. */
export function answerReceipt(options: {
  receipt: IngressReceipt;
  event: StripeEvent;
  logger: Logger;
  metrics: Metrics | undefined;
  expectedApiVersion?: string;
}): APIGatewayProxyStructuredResultV2 {
  const { receipt, event } = options;
  options.logger.info(receipt.duplicate ? 'Duplicate event acknowledged' : 'Event accepted', {
    stripeEventId: event.id,
    stripeEventType: event.type,
    routes: receipt.routes,
    apiVersion: event.api_version,
    ...(options.expectedApiVersion ? { expectedApiVersion: options.expectedApiVersion } : {}),
  });
  count(options.metrics, receipt.duplicate ? INGRESS_METRICS.duplicate : INGRESS_METRICS.accepted);
  return json(200, receipt);
}

/**
 * The answer to anything that went wrong: the sender's fault is a 4xx with a reason and nothing
 * stored; an event being processed right now is a 503 to retry shortly; anything of ours is a
 * 503 so Stripe retries. Nothing here echoes a secret or a payload.
 */
export function answerFailure(options: {
  error: unknown;
  inProgress: boolean;
  stripeEventId: string | undefined;
  logger: Logger;
  metrics: Metrics | undefined;
}): APIGatewayProxyStructuredResultV2 {
  const { error, logger, metrics, stripeEventId } = options;
  if (error instanceof RejectedRequestError) {
    logger.warn('Request rejected', {
      reason: error.reason,
      status: error.statusCode,
      stripeEventId,
    });
    count(metrics, INGRESS_METRICS.rejected, { reason: error.reason });
    if (SIGNATURE_REASONS.has(error.reason)) count(metrics, INGRESS_METRICS.signatureRejected);
    return json(error.statusCode, { error: { reason: error.reason, message: error.message } });
  }
  if (options.inProgress) {
    logger.info('Event is being processed by another request', { stripeEventId });
    const message = 'This event is being processed right now; retry shortly.';
    return json(503, { error: { reason: 'in_progress', message } }, { 'retry-after': '1' });
  }
  if (error instanceof ConfigError) {
    logger.error('The webhook signing secret is not usable; fix it in Secrets Manager', {
      error: error.message,
    });
  } else {
    logger.error('Event could not be recorded or enqueued; asking Stripe to retry', {
      stripeEventId,
      error: classifyError(error),
    });
  }
  count(metrics, INGRESS_METRICS.failed);
  return json(503, {
    error: {
      reason: 'temporarily_unavailable',
      message: 'The hub could not record or enqueue the event; Stripe will retry.',
    },
  });
}
