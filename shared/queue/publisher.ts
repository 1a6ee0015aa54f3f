/**
 * Fan-out: one SQS message per routed connector. Large events travel as an S3 pointer.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ConnectorName } from '../connectors.ts';
import type { StripeEvent } from '../events/types.ts';
import type { PayloadRef } from '../ledger/records.ts';
import { MAX_SQS_MESSAGE_BYTES } from '../resources.ts';
import { MESSAGE_VERSION } from './message.ts';

/** Room left in a message for the envelope around the event. */
const ENVELOPE_ALLOWANCE_BYTES = 1_024;

/** Whether a raw event body fits in one queue message with its envelope. */
export function fitsInMessage(rawBodyBytes: number): boolean {
  return rawBodyBytes + ENVELOPE_ALLOWANCE_BYTES <= MAX_SQS_MESSAGE_BYTES;
}

export interface PublishInput {
  event: StripeEvent;
  /** The raw body, embedded as is when it fits; otherwise `payloadRef` is sent. */
  rawBody: string;
  payloadRef?: PayloadRef;
  connectors: readonly ConnectorName[];
}

export interface PublishResult {
  sent: ConnectorName[];
  failed: { connector: ConnectorName; error: unknown }[];
}

export interface QueuePublisherOptions {
  client: SQSClient;
  queueUrls: Partial<Record<ConnectorName, string>>;
}

/** Sends an event to its connectors' queues, one message each, in parallel. */
export class QueuePublisher {
  readonly #client: SQSClient;
  readonly #queueUrls: Partial<Record<ConnectorName, string>>;

  constructor(options: QueuePublisherOptions) {
    this.#client = options.client;
    this.#queueUrls = options.queueUrls;
  }

  /** Sends the event to each connector's queue; reports per connector what was sent. */
  async publish(input: PublishInput): Promise<PublishResult> {
    const { event } = input;
    const head = `{"v":${MESSAGE_VERSION},"eventId":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"created":${event.created},"connector":`;
    // The raw body is spliced in rather than re-serialised: it is valid JSON (it was parsed) and
    // this keeps the bytes Stripe signed.
    const tail =
      input.payloadRef === undefined
        ? `,"event":${input.rawBody}}`
        : `,"payloadRef":${JSON.stringify(input.payloadRef)}}`;
    const results = await Promise.allSettled(
      input.connectors.map(async (connector) => {
        const queueUrl = this.#queueUrls[connector];
        if (queueUrl === undefined) {
          throw new Error(`No queue URL is configured for the ${connector} connector.`);
        }
        await this.#client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: `${head}${JSON.stringify(connector)}${tail}`,
          }),
        );
        return connector;
      }),
    );
    const outcome: PublishResult = { sent: [], failed: [] };
    results.forEach((result, i) => {
      const connector = input.connectors[i];
      if (connector === undefined) return;
      if (result.status === 'fulfilled') outcome.sent.push(connector);
      else outcome.failed.push({ connector, error: result.reason });
    });
    return outcome;
  }
}
