/**
 * `POST /webhooks/stripe` (DESIGN §3): verify, record once, fan out, answer.
 *
 * Idempotency is Powertools' DynamoDB-backed design keyed on the event id: the first request
 * holds an IN_PROGRESS lock that expires with the function's timeout, a concurrent duplicate
 * gets a 503 (Stripe retries later), and a completed event is answered `duplicate: true`
 * without touching the ledger or the queues again. A failure after recording deletes the lock,
 * so Stripe's retry resumes the fan-out from the ledger; a crash leaves the lock to expire.
 * See docs/decisions/0001-idempotency-with-powertools.md.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { ConnectorName } from '../connectors.ts';
import { RejectedRequestError, RetryableError } from '../errors.ts';
import { isDeclaredApiVersion, STRIPE_API_VERSION } from '../events/api-version.ts';
import type { Router } from '../events/routing.ts';
import type { StripeEvent } from '../events/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PayloadRef } from '../ledger/records.ts';
import type { PayloadStore } from '../queue/payload-store.ts';
import { fitsInMessage, type QueuePublisher } from '../queue/publisher.ts';
import { answerFailure, answerReceipt, type IngressReceipt } from './answers.ts';
import type { WebhookVerifier } from './verify.ts';

export type { IngressReceipt } from './answers.ts';

/** Stripe's own payload limit is far below this; anything larger is not a Stripe event. */
export const MAX_BODY_BYTES = 1_048_576;

/** How long a completed event id is remembered; Stripe retries for up to three days. */
export const IDEMPOTENCY_WINDOW_SECONDS = 7 * 86_400;

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
  /** CloudWatch metrics (Lambda); the laptop runtime has none. */
  metrics?: Metrics;
  now?: () => number;
}

interface ProcessInput {
  event: StripeEvent;
  rawBody: string;
  payloadBytes: number;
  /** Set when the fan-out finished, so a failure to save COMPLETE is not mistaken for ours. */
  completed?: IngressReceipt;
}

function decodeBody(request: APIGatewayProxyEventV2): string {
  if (request.body === undefined) return '';
  return request.isBase64Encoded
    ? Buffer.from(request.body, 'base64').toString('utf8')
    : request.body;
}

function eventIdReused(event: StripeEvent): RejectedRequestError {
  return new RejectedRequestError({
    statusCode: 409,
    reason: 'event_id_reused',
    message: `Event ${event.id} was received before with another type or creation time; Stripe never reuses an event id, so check what is sending this.`,
    context: { stripeEventId: event.id },
  });
}

/**
 * Builds the ingress handler from its ports. Use `buildIngress` (build.ts) to wire it from
 * configuration; tests wire it by hand to replace one port.
 */
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

  /** What is still to send: everything the first time, the rest on a resumed fan-out. */
  async function pending(event: StripeEvent, routes: ConnectorName[], firstTime: boolean) {
    if (firstTime) return { routes, toSend: routes, payloadRef: undefined };
    const recorded = await ledger.getEvent(event.id, { consistent: true });
    if (!recorded) return { routes, toSend: routes, payloadRef: undefined };
    if (recorded.event.type !== event.type || recorded.event.created !== event.created) {
      throw eventIdReused(event);
    }
    const sent = new Set(recorded.event.enqueuedTo ?? []);
    const toSend = recorded.event.routes.filter((c) => !sent.has(c));
    logger.info('Resuming the fan-out of an event recorded earlier', {
      stripeEventId: event.id,
      pending: toSend,
    });
    return { routes: recorded.event.routes, toSend, payloadRef: recorded.event.payloadRef };
  }

  async function recordAndFanOut(input: ProcessInput): Promise<IngressReceipt> {
    const { event, rawBody, payloadBytes } = input;
    const routes = [...router.route(event.type)];
    // One threshold serves both limits: a payload that fits an SQS message fits a ledger item.
    const payloadRef: PayloadRef | undefined = fitsInMessage(payloadBytes)
      ? undefined
      : await payloads.put({ eventId: event.id, rawBody });

    const firstTime = await ledger.recordEvent({
      event,
      routes,
      receivedAt: new Date(now()).toISOString(),
      payloadBytes,
      ...(payloadRef ? { payloadRef } : { payload: rawBody }),
    });
    const resume = await pending(event, routes, firstTime);
    const sendRef = resume.payloadRef ?? payloadRef;
    const outcome = await publisher.publish({
      event,
      rawBody,
      connectors: resume.toSend,
      ...(sendRef ? { payloadRef: sendRef } : {}),
    });
    // Noting what went out keeps a resumed fan-out (after a failure or a crash) from sending it
    // again. Failing to note it only risks a repeat, which consumers drop, so it does not fail.
    await ledger.markEnqueued({ eventId: event.id, connectors: outcome.sent }).catch((error) => {
      logger.warn('Could not note which deliveries were enqueued', {
        stripeEventId: event.id,
        error: String(error),
      });
    });
    if (outcome.failed.length > 0) {
      const failed = outcome.failed.map((f) => f.connector).join(', ');
      throw new RetryableError(
        `Could not put event ${event.id} on the queue of ${failed}; it is recorded and will be sent when Stripe retries.`,
        { cause: outcome.failed[0]?.error, context: { stripeEventId: event.id } },
      );
    }
    // A resumed fan-out that found nothing left to send was a duplicate after all.
    const duplicate = !firstTime && resume.toSend.length === 0;
    input.completed = { received: true, id: event.id, duplicate, routes: resume.routes };
    return input.completed;
  }

  const processOnce = makeIdempotent(recordAndFanOut, {
    persistenceStore: deps.idempotencyStore,
    config: idempotencyConfig,
  });

  return async function handle(
    request: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const rawBody = decodeBody(request);
    const payloadBytes = Buffer.byteLength(rawBody, 'utf8');
    let input: ProcessInput | undefined;
    try {
      if (payloadBytes > MAX_BODY_BYTES) {
        throw new RejectedRequestError({
          statusCode: 413,
          reason: 'payload_too_large',
          message: `The body is larger than ${MAX_BODY_BYTES} bytes, which no Stripe event is.`,
        });
      }
      const event = deps.verifier.verify({
        rawBody,
        signature: request.headers?.['stripe-signature'],
        secrets: await deps.secrets(),
      });
      input = { event, rawBody, payloadBytes };
      idempotencyConfig.registerLambdaContext(context);
      const receipt = (await processOnce(input)) as IngressReceipt;
      return answerReceipt({
        receipt,
        event,
        logger,
        metrics: deps.metrics,
        ...(isDeclaredApiVersion(event.api_version)
          ? {}
          : { expectedApiVersion: STRIPE_API_VERSION }),
      });
    } catch (error) {
      // The fan-out finished but Powertools could not save COMPLETE: the ledger holds the truth,
      // so Stripe is told the event is safe instead of being asked to send it again.
      if (error instanceof IdempotencyPersistenceLayerError && input?.completed) {
        logger.warn('Event fanned out, but its idempotency record could not be completed', {
          stripeEventId: input.event.id,
          error: String(error.cause ?? error),
        });
        return answerReceipt({
          receipt: input.completed,
          event: input.event,
          logger,
          metrics: deps.metrics,
        });
      }
      return answerFailure({
        error:
          error instanceof IdempotencyValidationError && input ? eventIdReused(input.event) : error,
        inProgress: error instanceof IdempotencyAlreadyInProgressError,
        stripeEventId: input?.event.id,
        logger,
        metrics: deps.metrics,
      });
    }
  };
}

export type IngressHandler = ReturnType<typeof createIngress>;
