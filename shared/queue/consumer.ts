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
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ConnectorName } from '../connectors.ts';
import { PermanentError, RetryableError } from '../errors.ts';
import { primaryObjectId, type StripeEvent } from '../events/types.ts';
import type { Deliveries } from '../ledger/deliveries.ts';
import { DELIVERY_STATUS } from '../ledger/records.ts';
import { CONNECTOR_INTAKE } from '../resources.ts';
import type { ConnectorMessage } from './message.ts';
import type { PayloadStore } from './payload-store.ts';
import { createSettler, type Parsed, parseRecord, SETTLED_AS } from './settle.ts';

export { backoffSeconds } from './settle.ts';

/** What a connector did with one event. */
export interface ApplyResult {
  /** Ids of what was written in the target system, for `switchyard trace`. */
  targetIds?: Record<string, string>;
}

/** A connector's business logic, as the consumer calls it. */
export interface ConnectorLogic {
  /**
   * Applies one event to the target system. Throws our error classes on failure. `refetch` is
   * set when another event of the same object and the same second was applied before: the
   * snapshot may be older than what the target holds, so read the object from Stripe.
   */
  apply: (event: StripeEvent, hints: { refetch: boolean }) => Promise<ApplyResult>;
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

/**
 * The SQS handler of one connector: wire it in the connector's `functions/` entry with the
 * connector's logic. Process one connector per function; the lease and version guard are per
 * connector.
 */
export function createConnectorConsumer(options: ConnectorConsumerOptions) {
  const { connector, deliveries, payloads, logger } = options;
  const leaseSeconds = options.leaseSeconds ?? CONNECTOR_INTAKE[connector].timeoutSeconds;
  const settler = createSettler(options);

  /**
   * Applies one claimed delivery. Returns the connector's result when `apply` succeeded (the
   * outcome is then still to be written), undefined when the event was skipped as stale (its
   * outcome is written here).
   */
  async function applyClaimed(message: ConnectorMessage): Promise<ApplyResult | undefined> {
    const { eventId } = message;
    const event = await payloads.resolve(message);
    assertSupportedVersion({ event, connector, supports: options.supportsApiVersion });
    const objectId = primaryObjectId(event);
    if (objectId === undefined) return options.apply(event, { refetch: false });
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
      return await options.apply(event, { refetch: version.tie });
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

  async function handleRecord(record: SQSRecord, parsed: Parsed): Promise<void> {
    const message = await settler.claim(record, parsed, leaseSeconds);
    if (message === undefined) return;
    const { eventId } = message;
    let result: ApplyResult | undefined;
    try {
      result = await applyClaimed(message);
    } catch (error) {
      const settled = await settler.settleFailure(record, eventId, error);
      if (settled === SETTLED_AS.RETRY) throw error;
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
    const parsed = new Map(event.Records.map((record) => [record.messageId, parseRecord(record)]));
    const records = oldestFirst(event.Records, parsed);
    // A processor per invocation: it holds the state of one batch.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      { Records: records },
      (record: SQSRecord) =>
        handleRecord(record, parsed.get(record.messageId) ?? parseRecord(record)),
      processor,
      { context, throwOnFullBatchFailure: false, processInParallel: false },
    );
  };
}

/** The records oldest event first, so older state is applied before newer within a batch. */
export function oldestFirst(
  records: readonly SQSRecord[],
  parsed: ReadonlyMap<string, Parsed>,
): SQSRecord[] {
  const created = (record: SQSRecord) => {
    const p = parsed.get(record.messageId);
    return p && 'message' in p ? p.message.created : 0;
  };
  return [...records].sort((a, b) => created(a) - created(b));
}

/** Refuses an event rendered with a Stripe API version the connector cannot map. */
export function assertSupportedVersion(input: {
  event: StripeEvent;
  connector: ConnectorName;
  supports: (apiVersion: string | null) => boolean;
}): void {
  const { event, connector } = input;
  if (input.supports(event.api_version)) return;
  throw new PermanentError(
    `Event ${event.id} was rendered with Stripe API version ${event.api_version ?? '(none)'}, which the ${connector} connector cannot map. Set your Stripe endpoint to the API version the hub declares, then resend the event.`,
    { context: { connector, stripeEventId: event.id } },
  );
}

export type ConsumerHandler = ReturnType<typeof createConnectorConsumer>;
