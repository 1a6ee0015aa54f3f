/**
 * Large event payloads in S3. The ingress writes a payload once when it is too large for a
 * ledger item or an SQS message; the ledger and every connector message then point at it.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertStripeEvent, type StripeEvent } from '../events/types.ts';
import type { PayloadRef } from '../ledger/records.ts';
import { PAYLOAD_BUCKET } from '../resources.ts';
import type { ConnectorMessage } from './message.ts';

export interface PayloadStoreOptions {
  /** Gives the S3 client; called once, on the first large payload (see `loadS3Client`). */
  client: () => Promise<S3Client>;
  bucket: string;
}

/** Large payloads by event id; the S3 client is loaded on first use. */
export class PayloadStore {
  readonly #loadClient: () => Promise<S3Client>;
  #client: Promise<S3Client> | undefined;
  readonly #bucket: string;

  constructor(options: PayloadStoreOptions) {
    this.#loadClient = options.client;
    this.#bucket = options.bucket;
  }

  #s3(): Promise<S3Client> {
    this.#client ??= this.#loadClient();
    return this.#client;
  }

  /**
   * Stores the raw body of an event. The key holds the event id and a digest of the body, so a
   * resend writes the same object again while a different body under a reused id can never
   * replace the one the ledger points at.
   */
  async put(input: { eventId: string; rawBody: string }): Promise<PayloadRef> {
    const { eventId, rawBody } = input;
    const digest = createHash('sha256').update(rawBody).digest('hex').slice(0, 16);
    const ref = { bucket: this.#bucket, key: `${PAYLOAD_BUCKET.prefix}${eventId}.${digest}.json` };
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await (await this.#s3()).send(
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
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const result = await (await this.#s3()).send(
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
