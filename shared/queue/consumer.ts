/**
 * The SQS consumer every connector Lambda is built from (DESIGN §5). It resolves S3 pointers,
 * skips what was already delivered or is older than what was applied, calls the connector's
 * `apply`, and writes each outcome to the ledger. Failures follow the error classes:
 *
 * - {@link RetryableError} (and unknown errors): the delivery stays PENDING with the error, the
 *   message comes back after a growing back-off (or the vendor's Retry-After); on the last
 *   allowed receive it is parked in the dead-letter queue and the delivery is DEAD.
 * - {@link PermanentError}: the delivery is FAILED with the reason and the message is parked in
 *   the dead-letter queue at once.
 *
 * Only failed records are reported in `batchItemFailures`; the rest of the batch is done.
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
import { classifyError, isRetryable, PermanentError, retryAfterMsOf } from '../errors.ts';
import { primaryObjectId, type StripeEvent } from '../events/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { DELIVERY_STATUS } from '../ledger/records.ts';
import { parseConnectorMessage } from './message.ts';
import type { PayloadStore } from './payload-store.ts';

/** What a connector did with one event. */
export interface ApplyResult {
  /** Ids of what was written in the target system, for `switchyard trace`. */
  targetIds?: Record<string, string>;
}

export interface ConnectorConsumerOptions {
  connector: ConnectorName;
  ledger: Ledger;
  payloads: PayloadStore;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  logger: Logger;
  /** Applies one event to the target system. Throws our error classes on failure. */
  apply: (event: StripeEvent) => Promise<ApplyResult>;
  /**
   * Whether the connector can map events rendered with this Stripe API version. Events it
   * cannot map are refused (FAILED, dead-lettered) instead of half-applied.
   */
  supportsApiVersion?: (apiVersion: string | null) => boolean;
}

/** Back-off before the n-th retry: 10 s, 20 s, 40 s … capped at 15 minutes. */
export function backoffSeconds(receiveCount: number): number {
  return Math.min(900, 10 * 2 ** Math.max(0, receiveCount - 1));
}

export function createConnectorConsumer(options: ConnectorConsumerOptions) {
  const { connector, ledger, payloads, sqs, logger } = options;
  const processor = new BatchProcessor(EventType.SQS);

  async function park(record: SQSRecord, reason: string): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: options.dlqUrl,
        MessageBody: record.body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1_000) },
        },
      }),
    );
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    let eventId: string | undefined;
    try {
      const message = parseConnectorMessage(record.body);
      eventId = message.eventId;
      const delivered = await ledger.getEvent(message.eventId);
      const delivery = delivered?.deliveries.find((d) => d.connector === connector);
      if (
        delivery?.status === DELIVERY_STATUS.SUCCEEDED ||
        delivery?.status === DELIVERY_STATUS.SKIPPED_STALE
      ) {
        logger.info('Already delivered; dropping the repeated message', { stripeEventId: eventId });
        return;
      }
      const event = await payloads.resolve(message);
      if (options.supportsApiVersion && !options.supportsApiVersion(event.api_version)) {
        throw new PermanentError(
          `Event ${event.id} was rendered with Stripe API version ${event.api_version ?? '(none)'}, which the ${connector} connector cannot map. Set your Stripe endpoint to the API version the hub declares, then resend the event.`,
          { context: { connector, stripeEventId: event.id } },
        );
      }
      const objectId = primaryObjectId(event);
      if (objectId !== undefined) {
        const fresh = await ledger.claimVersion({
          connector,
          objectId,
          created: event.created,
          eventId: event.id,
        });
        if (!fresh) {
          await ledger.updateDelivery({
            eventId: event.id,
            connector,
            status: DELIVERY_STATUS.SKIPPED_STALE,
            attempted: true,
          });
          logger.info('Skipped: a newer event was applied to this object', {
            stripeEventId: event.id,
            objectId,
          });
          return;
        }
      }
      const result = await options.apply(event);
      await ledger.updateDelivery({
        eventId: event.id,
        connector,
        status: DELIVERY_STATUS.SUCCEEDED,
        attempted: true,
        ...(result.targetIds ? { targetIds: result.targetIds } : {}),
      });
    } catch (error) {
      await settleFailure(record, eventId, error);
    }
  }

  async function settleFailure(record: SQSRecord, eventId: string | undefined, error: unknown) {
    const classified = classifyError(error);
    const receiveCount = Number(record.attributes.ApproximateReceiveCount || '1');
    const lastChance = receiveCount >= options.maxReceiveCount;
    if (!isRetryable(error) || lastChance) {
      const status = isRetryable(error) ? DELIVERY_STATUS.DEAD : DELIVERY_STATUS.FAILED;
      await park(record, classified.message);
      if (eventId !== undefined) {
        await ledger.updateDelivery({
          eventId,
          connector,
          status,
          attempted: true,
          error: classified,
        });
      }
      logger.error('Delivery parked in the dead-letter queue', {
        stripeEventId: eventId,
        status,
        error: classified,
      });
      return;
    }
    if (eventId !== undefined) {
      await ledger.updateDelivery({
        eventId,
        connector,
        status: DELIVERY_STATUS.PENDING,
        attempted: true,
        error: classified,
      });
    }
    const delayMs = retryAfterMsOf(error);
    const delaySeconds =
      delayMs === undefined ? backoffSeconds(receiveCount) : Math.ceil(delayMs / 1000);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(delaySeconds, 43_200),
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

  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

export type ConsumerHandler = ReturnType<typeof createConnectorConsumer>;
