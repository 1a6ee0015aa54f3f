/**
 * How a connector consumer settles a record it could not apply, shared by the per-record
 * consumer (`consumer.ts`) and the batch consumer (`batch.ts`): the ledger is written first,
 * then the message is either given back to SQS after a back-off or parked in the dead-letter
 * queue with its reason.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ConnectorName } from '../connectors.ts';
import { classifyError, isRetryable, retryAfterMsOf } from '../errors.ts';
import type { Deliveries } from '../ledger/deliveries.ts';
import { DELIVERY_STATUS } from '../ledger/records.ts';
import { type ConnectorMessage, parseConnectorMessage } from './message.ts';

/** Back-off before the n-th retry: 10 s, 20 s, 40 s … capped at 15 minutes. */
export function backoffSeconds(receiveCount: number): number {
  return Math.min(900, 10 * 2 ** Math.max(0, receiveCount - 1));
}

/** SQS's ceiling for a message's visibility timeout. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** A record's message, parsed once per batch, or why it could not be parsed. */
export type Parsed = { message: ConnectorMessage } | { error: unknown };

export function parseRecord(record: SQSRecord): Parsed {
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

export interface SettlerOptions {
  connector: ConnectorName;
  deliveries: Deliveries;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  logger: Logger;
}

/** What became of a failed record: it comes back later, or it is parked for good. */
export const SETTLED_AS = { RETRY: 'retry', PARKED: 'parked' } as const;
export type SettledAs = (typeof SETTLED_AS)[keyof typeof SETTLED_AS];

/** Parks messages and settles failures for one connector's consumer. */
export function createSettler(options: SettlerOptions) {
  const { connector, deliveries, sqs, logger } = options;

  /** Sends the record's body to the dead-letter queue with the reason as an attribute. */
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
   * Records a failed attempt: a permanent error, or a retryable one on the queue's last allowed
   * receive, is recorded FAILED / DEAD and parked; otherwise the delivery stays PENDING with the
   * error and the message comes back after the vendor's Retry-After or a growing back-off.
   * The record must then be reported as a batch item failure when this answers `retry`.
   */
  async function settleFailure(
    record: SQSRecord,
    eventId: string,
    error: unknown,
  ): Promise<SettledAs> {
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
      return SETTLED_AS.PARKED;
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
    return SETTLED_AS.RETRY;
  }

  /**
   * Settles a record before any apply: unreadable messages and deliveries the ledger does not
   * know are parked; repeats are dropped. Answers the claimed message, or undefined when the
   * record is settled.
   */
  async function claim(
    record: SQSRecord,
    parsed: Parsed,
    leaseSeconds: number,
  ): Promise<ConnectorMessage | undefined> {
    if ('error' in parsed) {
      // Not ours: there is no delivery to record it against, so it is parked with its reason.
      await park(record, classifyError(parsed.error).message);
      logger.error('Unreadable message parked in the dead-letter queue', {
        messageId: record.messageId,
      });
      return undefined;
    }
    const { message } = parsed;
    const { eventId } = message;
    const outcome = await deliveries.claimDelivery({ eventId, connector, leaseSeconds });
    if (outcome === 'settled') {
      logger.info('Already delivered; dropping the repeated message', { stripeEventId: eventId });
      return undefined;
    }
    if (outcome === 'missing') {
      await park(record, `The ledger has no ${connector} delivery of ${eventId}.`);
      logger.error('Message for an event the ledger does not know, parked', {
        stripeEventId: eventId,
      });
      return undefined;
    }
    if (outcome === 'busy') {
      // Another consumer is applying this very delivery right now: this copy is a repeat. Should
      // that consumer die, its own message comes back after the lease has run out.
      logger.info('Being applied by another consumer; dropping this copy', {
        stripeEventId: eventId,
      });
      return undefined;
    }
    return message;
  }

  return { park, settleFailure, claim };
}

export type Settler = ReturnType<typeof createSettler>;
