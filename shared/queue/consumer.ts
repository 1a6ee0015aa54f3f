/**
 * The SQS consumer every connector Lambda is built from (DESIGN §5).
 *
 * Per record, oldest event first and one at a time: claim the delivery in the ledger (so a second
 * copy of the message is not applied at the same moment), resolve an S3 pointer, refuse an API
 * version the connector cannot map, skip an event older than what was applied to its object,
 * call the connector's `apply`, record the outcome. Failures follow the error classes:
 *
 * - {@link RetryableError} (and unknown errors): the delivery stays PENDING with the error and the
 *   message comes back after a growing back-off (or the vendor's Retry-After); on the last allowed
 *   receive it is recorded DEAD and parked in the dead-letter queue.
 * - {@link PermanentError}: recorded FAILED with the reason and parked in the dead-letter queue
 *   at once.
 *
 * The ledger is written before a message is parked, so a parked message always has its reason
 * in the ledger. Only failed records are reported in `batchItemFailures`.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ConnectorName } from '../connectors.ts';
import {
  classifyError,
  isRetryable,
  PermanentError,
  RetryableError,
  retryAfterMsOf,
} from '../errors.ts';
import { primaryObjectId, type StripeEvent } from '../events/types.ts';
import type { Deliveries } from '../ledger/deliveries.ts';
import { DELIVERY_STATUS } from '../ledger/records.ts';
import { CONNECTOR_QUEUE_DEFAULTS } from '../resources.ts';
import { type ConnectorMessage, parseConnectorMessage } from './message.ts';
import type { PayloadStore } from './payload-store.ts';

/** What a connector did with one event. */
export interface ApplyResult {
  /** Ids of what was written in the target system, for `switchyard trace`. */
  targetIds?: Record<string, string>;
}

/** A connector's business logic, as the consumer calls it. */
export interface ConnectorLogic {
  /** Applies one event to the target system. Throws our error classes on failure. */
  apply: (event: StripeEvent) => Promise<ApplyResult>;
  /**
   * Whether the connector can map events rendered with this Stripe API version. Events it
   * cannot map are refused (FAILED, dead-lettered) instead of half-applied.
   */
  supportsApiVersion: (apiVersion: string | null) => boolean;
}

export interface ConnectorConsumerOptions extends ConnectorLogic {
  connector: ConnectorName;
  deliveries: Deliveries;
  payloads: PayloadStore;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  logger: Logger;
  /** How long one consumer holds a delivery; defaults to the consumer timeout. */
  leaseSeconds?: number;
}

/** Back-off before the n-th retry: 10 s, 20 s, 40 s … capped at 15 minutes. */
export function backoffSeconds(receiveCount: number): number {
  return Math.min(900, 10 * 2 ** Math.max(0, receiveCount - 1));
}

/** SQS's ceiling for a message's visibility timeout. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** A record's message, parsed once per batch, or why it could not be parsed. */
type Parsed = { message: ConnectorMessage } | { error: unknown };

function parse(record: SQSRecord): Parsed {
  try {
    return { message: parseConnectorMessage(record.body) };
  } catch (error) {
    return { error };
  }
}

/** A reason short enough that body plus attribute still fit the dead-letter queue's limit. */
function shortReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  return bytes.length <= 500 ? reason : `${bytes.subarray(0, 497).toString('utf8')}...`;
}

/**
 * The SQS handler of one connector: wire it in the connector's `functions/` entry with the
 * connector's logic. Process one connector per function; the lease and version guard are per
 * connector.
 */
export function createConnectorConsumer(options: ConnectorConsumerOptions) {
  const { connector, deliveries, payloads, sqs, logger } = options;
  const leaseSeconds = options.leaseSeconds ?? CONNECTOR_QUEUE_DEFAULTS.consumerTimeoutSeconds;

  async function park(record: SQSRecord, reason: string): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: options.dlqUrl,
        MessageBody: record.body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: shortReason(reason) } },
      }),
    );
  }

  /**
   * Applies one claimed delivery. Returns the connector's result when `apply` succeeded (the
   * outcome is then still to be written), undefined when the event was skipped as stale (its
   * outcome is written here).
   */
  async function applyClaimed(message: ConnectorMessage): Promise<ApplyResult | undefined> {
    const { eventId } = message;
    const event = await payloads.resolve(message);
    if (!options.supportsApiVersion(event.api_version)) {
      throw new PermanentError(
        `Event ${event.id} was rendered with Stripe API version ${event.api_version ?? '(none)'}, which the ${connector} connector cannot map. Set your Stripe endpoint to the API version the hub declares, then resend the event.`,
        { context: { connector, stripeEventId: event.id } },
      );
    }
    const objectId = primaryObjectId(event);
    if (objectId === undefined) return options.apply(event);
    const version = await deliveries.claimVersion({
      connector,
      objectId,
      created: event.created,
      eventId,
      lockSeconds: leaseSeconds,
    });
    if (version.outcome === 'locked') {
      throw new RetryableError(
        `${version.by} is being applied to ${objectId} by the ${connector} connector; ${eventId} waits for it.`,
        { context: { connector, stripeEventId: eventId } },
      );
    }
    if (version.outcome === 'stale') {
      await deliveries.updateDelivery({
        eventId,
        connector,
        status: DELIVERY_STATUS.SKIPPED_STALE,
        attempted: true,
      });
      logger.info('Skipped: a newer event was applied to this object', {
        stripeEventId: eventId,
        objectId,
      });
      return undefined;
    }
    try {
      return await options.apply(event);
    } finally {
      await deliveries.releaseVersion({ connector, objectId, eventId }).catch((error) => {
        // The lock expires by itself; only a newer event of this object waits a little longer.
        logger.warn('Could not release the object lock', {
          stripeEventId: eventId,
          error: String(error),
        });
      });
    }
  }

  async function settleFailure(record: SQSRecord, eventId: string, error: unknown) {
    const classified = classifyError(error);
    const receiveCount = Number(record.attributes.ApproximateReceiveCount || '1');
    const retryable = isRetryable(error);
    if (!retryable || receiveCount >= options.maxReceiveCount) {
      const status = retryable ? DELIVERY_STATUS.DEAD : DELIVERY_STATUS.FAILED;
      await deliveries.updateDelivery({
        eventId,
        connector,
        status,
        attempted: true,
        error: classified,
      });
      await park(record, classified.message);
      logger.error('Delivery parked in the dead-letter queue', {
        stripeEventId: eventId,
        status,
        error: classified,
      });
      return;
    }
    await deliveries.updateDelivery({
      eventId,
      connector,
      status: DELIVERY_STATUS.PENDING,
      attempted: true,
      error: classified,
    });
    const delayMs = retryAfterMsOf(error);
    const delaySeconds =
      delayMs === undefined ? backoffSeconds(receiveCount) : Math.ceil(delayMs / 1000);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(delaySeconds, MAX_VISIBILITY_SECONDS),
      }),
    );
    logger.warn('Delivery failed; it will be retried', {
      stripeEventId: eventId,
      receiveCount,
      retryInSeconds: delaySeconds,
      error: classified,
    });
    throw error;
  }

  async function handleRecord(record: SQSRecord, parsed: Parsed): Promise<void> {
    if ('error' in parsed) {
      // Not ours: there is no delivery to record it against, so it is parked with its reason.
      await park(record, classifyError(parsed.error).message);
      logger.error('Unreadable message parked in the dead-letter queue', {
        messageId: record.messageId,
      });
      return;
    }
    const { message } = parsed;
    const { eventId } = message;
    const claim = await deliveries.claimDelivery({ eventId, connector, leaseSeconds });
    if (claim === 'settled') {
      logger.info('Already delivered; dropping the repeated message', { stripeEventId: eventId });
      return;
    }
    if (claim === 'missing') {
      await park(record, `The ledger has no ${connector} delivery of ${eventId}.`);
      logger.error('Message for an event the ledger does not know, parked', {
        stripeEventId: eventId,
      });
      return;
    }
    if (claim === 'busy') {
      // Another consumer is applying this very delivery right now: this copy is a repeat. Should
      // that consumer die, its own message comes back after the lease has run out.
      logger.info('Being applied by another consumer; dropping this copy', {
        stripeEventId: eventId,
      });
      return;
    }
    let result: ApplyResult | undefined;
    try {
      result = await applyClaimed(message);
    } catch (error) {
      await settleFailure(record, eventId, error);
      return;
    }
    if (result === undefined) return;
    // Applied. Should this write fail, the error is ours, not the connector's: the record fails,
    // comes back after the lease has expired, and is applied again (connectors upsert by Stripe
    // id, so that is safe) rather than being recorded as a connector failure.
    await deliveries.updateDelivery({
      eventId,
      connector,
      status: DELIVERY_STATUS.SUCCEEDED,
      attempted: true,
      ...(result.targetIds ? { targetIds: result.targetIds } : {}),
    });
  }

  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const parsed = new Map(event.Records.map((record) => [record.messageId, parse(record)]));
    const created = (record: SQSRecord) => {
      const p = parsed.get(record.messageId);
      return p && 'message' in p ? p.message.created : 0;
    };
    // Oldest event first, so older state is applied before newer within a batch.
    const records = [...event.Records].sort((a, b) => created(a) - created(b));
    // A processor per invocation: it holds the state of one batch.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      { Records: records },
      (record: SQSRecord) => handleRecord(record, parsed.get(record.messageId) ?? parse(record)),
      processor,
      { context, throwOnFullBatchFailure: false, processInParallel: false },
    );
  };
}

export type ConsumerHandler = ReturnType<typeof createConnectorConsumer>;
