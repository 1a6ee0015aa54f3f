/**
 * Large event payloads in S3. The ingress writes a payload once when it is too large for a
 * ledger item or an SQS message; the ledger and every connector message then point at it.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assertStripeEvent, type StripeEvent } from '../events/types.ts';
import type { PayloadRef } from '../ledger/records.ts';
import { PAYLOAD_BUCKET } from '../resources.ts';
import type { ConnectorMessage } from './message.ts';

export interface PayloadStoreOptions {
  client: S3Client;
  bucket: string;
}

export class PayloadStore {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: PayloadStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
  }

  /** Stores the raw body of an event under a key derived from its id (a retry overwrites it). */
  async put(eventId: string, rawBody: string): Promise<PayloadRef> {
    const ref = { bucket: this.#bucket, key: `${PAYLOAD_BUCKET.prefix}${eventId}.json` };
    await this.#client.send(
      new PutObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        Body: rawBody,
        ContentType: 'application/json',
      }),
    );
    return ref;
  }

  /** Reads a stored raw body. */
  async get(ref: PayloadRef): Promise<string> {
    const result = await this.#client.send(
      new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }),
    );
    if (!result.Body) throw new Error(`s3://${ref.bucket}/${ref.key} has no body`);
    return result.Body.transformToString('utf8');
  }

  /** The event a connector message carries, fetching it from S3 when the message is a pointer. */
  async resolve(message: ConnectorMessage): Promise<StripeEvent> {
    if ('event' in message) return message.event;
    return assertStripeEvent(JSON.parse(await this.get(message.payloadRef)));
  }
}
