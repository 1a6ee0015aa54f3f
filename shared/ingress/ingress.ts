/**
 * `POST /webhooks/stripe` (DESIGN §3): verify, record once, fan out, answer.
 *
 * Idempotency is Powertools' DynamoDB-backed design keyed on the event id: the first request
 * holds an IN_PROGRESS lock that expires with the function's timeout, a concurrent duplicate
 * gets a 503 (Stripe retries later), and a completed event is answered `duplicate: true`
 * without touching the ledger or the queues again. A failure after recording deletes the lock,
 * so Stripe's retry resumes the fan-out from the ledger; a crash leaves the lock to expire.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { ConnectorName } from '../connectors.ts';
import { classifyError, RejectedRequestError, RetryableError } from '../errors.ts';
import { isDeclaredApiVersion, STRIPE_API_VERSION } from '../events/api-version.ts';
import type { Router } from '../events/routing.ts';
import type { StripeEvent } from '../events/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PayloadRef } from '../ledger/records.ts';
import type { PayloadStore } from '../queue/payload-store.ts';
import { fitsInMessage, type QueuePublisher } from '../queue/publisher.ts';
import type { WebhookVerifier } from './verify.ts';

/** Stripe's own payload limit is far below this; anything larger is not a Stripe event. */
export const MAX_BODY_BYTES = 1_048_576;

/** How long a completed event id is remembered; Stripe retries for up to three days. */
export const IDEMPOTENCY_WINDOW_SECONDS = 7 * 86_400;

/** The body of a 200 answer. */
export interface IngressReceipt {
  received: true;
  id: string;
  duplicate: boolean;
  routes: ConnectorName[];
}

export interface IngressDependencies {
  verifier: WebhookVerifier;
  /** The active signing secrets; called per request so a rotation is picked up from a cache. */
  secrets: () => Promise<readonly string[]>;
  router: Router;
  ledger: Ledger;
  publisher: QueuePublisher;
  payloads: PayloadStore;
  idempotencyStore: BasePersistenceLayer;
  logger: Logger;
  now?: () => number;
}

interface ProcessInput {
  event: StripeEvent;
  rawBody: string;
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? event.headers?.[name.toLowerCase()];
}

/** Builds the ingress handler from its ports. */
export function createIngress(deps: IngressDependencies) {
  const { logger, ledger, publisher, payloads, router } = deps;
  const now = deps.now ?? Date.now;

  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'event.id',
    // Stripe resends an event unchanged; the same id with another type or time is not a resend.
    payloadValidationJmesPath: '[event.type, event.created]',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response) =>
      typeof response === 'object' && response !== null && !Array.isArray(response)
        ? { ...response, duplicate: true }
        : response,
  });

  async function recordAndFanOut(input: ProcessInput): Promise<IngressReceipt> {
    const { event, rawBody } = input;
    const payloadBytes = Buffer.byteLength(rawBody, 'utf8');
    const routes = [...router.route(event.type)];
    // One threshold serves both limits: a payload that fits an SQS message fits a ledger item.
    const payloadRef: PayloadRef | undefined = fitsInMessage(payloadBytes)
      ? undefined
      : await payloads.put(event.id, rawBody);

    const firstTime = await ledger.recordEvent({
      event,
      routes,
      receivedAt: new Date(now()).toISOString(),
      payloadBytes,
      ...(payloadRef ? { payloadRef } : { payload: rawBody }),
    });

    let toSend: ConnectorName[] = routes;
    let sendRef = payloadRef;
    if (!firstTime) {
      // A retry after a failed or interrupted fan-out: the ledger says what is still to send.
      const recorded = await ledger.getEvent(event.id);
      toSend = (recorded?.deliveries ?? [])
        .filter((d) => d.enqueuedAt === undefined)
        .map((d) => d.connector);
      sendRef = recorded?.event.payloadRef ?? payloadRef;
      logger.info('Resuming fan-out of an event recorded earlier', {
        stripeEventId: event.id,
        pending: toSend,
      });
    }

    const outcome = await publisher.publish({
      event,
      rawBody,
      connectors: toSend,
      ...(sendRef ? { payloadRef: sendRef } : {}),
    });
    if (outcome.failed.length > 0) {
      // Only a partial fan-out is marked: the retry then sends just the rest. The happy path
      // skips this write; after a crash the retry re-sends everything, and consumers drop
      // messages whose delivery already succeeded.
      if (outcome.sent.length > 0) {
        await ledger.markEnqueued(event.id, outcome.sent).catch((error: unknown) => {
          logger.warn('Could not mark the deliveries that were enqueued', {
            stripeEventId: event.id,
            error: classifyError(error),
          });
        });
      }
      const failed = outcome.failed.map((f) => f.connector).join(', ');
      throw new RetryableError(
        `Could not put event ${event.id} on the queue of ${failed}; it is recorded and will be sent when Stripe retries.`,
        { cause: outcome.failed[0]?.error, context: { stripeEventId: event.id } },
      );
    }
    return { received: true, id: event.id, duplicate: false, routes };
  }

  const processOnce = makeIdempotent(recordAndFanOut, {
    persistenceStore: deps.idempotencyStore,
    config: idempotencyConfig,
  });

  return async function handle(
    request: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const rawBody =
      request.body === undefined
        ? ''
        : request.isBase64Encoded
          ? Buffer.from(request.body, 'base64').toString('utf8')
          : request.body;
    let eventId: string | undefined;
    try {
      if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
        throw new RejectedRequestError({
          statusCode: 413,
          reason: 'payload_too_large',
          message: `The body is larger than ${MAX_BODY_BYTES} bytes, which no Stripe event is.`,
        });
      }
      const event = deps.verifier.verify({
        rawBody,
        signature: header(request, 'stripe-signature'),
        secrets: await deps.secrets(),
      });
      eventId = event.id;
      idempotencyConfig.registerLambdaContext(context);
      const receipt = (await processOnce({ event, rawBody })) as IngressReceipt;
      logger.info(receipt.duplicate ? 'Duplicate event acknowledged' : 'Event accepted', {
        stripeEventId: event.id,
        stripeEventType: event.type,
        routes: receipt.routes,
        apiVersion: event.api_version,
        ...(isDeclaredApiVersion(event.api_version)
          ? {}
          : { expectedApiVersion: STRIPE_API_VERSION }),
      });
      return json(200, receipt);
    } catch (error) {
      if (error instanceof RejectedRequestError) {
        logger.warn('Request rejected', { reason: error.reason, status: error.statusCode });
        return json(error.statusCode, { error: { reason: error.reason, message: error.message } });
      }
      if (error instanceof IdempotencyValidationError) {
        logger.warn('Event id reused for a different event', { stripeEventId: eventId });
        return json(409, {
          error: {
            reason: 'event_id_reused',
            message: `Event ${eventId} was received before with another type or creation time; Stripe never reuses an event id, so check what is sending this.`,
          },
        });
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        logger.info('Event is being processed by another request', { stripeEventId: eventId });
        return json(
          503,
          {
            error: {
              reason: 'in_progress',
              message: 'This event is being processed right now; retry shortly.',
            },
          },
          { 'retry-after': '1' },
        );
      }
      logger.error('Event could not be recorded or enqueued; asking Stripe to retry', {
        stripeEventId: eventId,
        error: classifyError(error),
      });
      return json(503, {
        error: {
          reason: 'temporarily_unavailable',
          message: 'The hub could not record or enqueue the event; Stripe will retry.',
        },
      });
    }
  };
}

export type IngressHandler = ReturnType<typeof createIngress>;
