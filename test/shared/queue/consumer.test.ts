/**
 * The connector consumer against real SQS (fauxqs) and DynamoDB Local: outcomes in the ledger,
 * back-off, dead-lettering, and the guards against duplicates and stale events.
 */
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/lambda-context.ts';
import { toSqsRecord } from '../../../local/sqs-poller.ts';
import type { ConnectorName } from '../../../shared/connectors.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import type { StripeEvent } from '../../../shared/events/types.ts';
import { createLogger } from '../../../shared/logger.ts';
import { type ApplyResult, createConnectorConsumer } from '../../../shared/queue/consumer.ts';
import { PayloadStore } from '../../../shared/queue/payload-store.ts';
import { QueuePublisher } from '../../../shared/queue/publisher.ts';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const r = await freshResources();
const connector: ConnectorName = 'netsuite';
const queue = r.queues[connector];

function consumer(
  apply: (event: StripeEvent) => Promise<ApplyResult>,
  options: { supportsApiVersion?: (v: string | null) => boolean } = {},
) {
  return createConnectorConsumer({
    connector,
    ledger: r.ledger,
    payloads: new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket }),
    sqs: r.sqs,
    queueUrl: queue.queueUrl,
    dlqUrl: queue.dlqUrl,
    maxReceiveCount: 5,
    logger: createLogger('test', { logLevel: 'SILENT' }),
    apply,
    ...options,
  });
}

/** Records an event in the ledger, enqueues it as the ingress does, and receives it back. */
async function enqueue(event: StripeEvent): Promise<SQSRecord> {
  const raw = JSON.stringify(event);
  await r.ledger.recordEvent({
    event,
    routes: [connector],
    receivedAt: new Date().toISOString(),
    payloadBytes: raw.length,
    payload: raw,
  });
  await new QueuePublisher({ client: r.sqs, queueUrls: { [connector]: queue.queueUrl } }).publish({
    event,
    rawBody: raw,
    connectors: [connector],
  });
  const received = await r.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.queueUrl,
      MaxNumberOfMessages: 1,
      MessageSystemAttributeNames: ['All'],
      WaitTimeSeconds: 1,
    }),
  );
  const message = received.Messages?.[0];
  if (!message) throw new Error('nothing received');
  return toSqsRecord(message, { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q' });
}

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

function invoiceEvent(
  created = 1_700_000_000,
  invoiceId = `in_${Math.random().toString(36).slice(2, 10)}`,
) {
  const invoice = openapiObject('invoice');
  invoice.id = invoiceId;
  return buildEvent({ type: 'invoice.paid', object: invoice, created });
}

const context = () => lambdaContext({ functionName: 'connector-netsuite', timeoutSeconds: 60 });

async function delivery(eventId: string) {
  return (await r.ledger.getEvent(eventId))?.deliveries.find((d) => d.connector === connector);
}

describe('createConnectorConsumer', () => {
  it('applies an event and records SUCCEEDED with the target ids', async () => {
    const event = invoiceEvent();
    const record = await enqueue(event);
    const apply = vi.fn(async () => ({ targetIds: { invoice: '4711' } }));

    const response = await consumer(apply)({ Records: [record] }, context());

    expect(response.batchItemFailures).toEqual([]);
    expect(apply).toHaveBeenCalledWith(event);
    expect(await delivery(event.id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      targetIds: { invoice: '4711' },
    });
  });

  it('does not apply a repeated message of a delivered event', async () => {
    const event = invoiceEvent();
    const first = await enqueue(event);
    await consumer(async () => ({}))({ Records: [first] }, context());
    const again = await enqueue(event);
    const apply = vi.fn(async () => ({}));

    const response = await consumer(apply)({ Records: [again] }, context());

    expect(response.batchItemFailures).toEqual([]);
    expect(apply).not.toHaveBeenCalled();
    expect(await delivery(event.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('skips an event older than the one applied to the same object', async () => {
    const newer = invoiceEvent(1_700_000_500, 'in_ordered');
    const older = invoiceEvent(1_700_000_100, 'in_ordered');
    await consumer(async () => ({}))({ Records: [await enqueue(newer)] }, context());
    const apply = vi.fn(async () => ({}));

    await consumer(apply)({ Records: [await enqueue(older)] }, context());

    expect(apply).not.toHaveBeenCalled();
    expect(await delivery(older.id)).toMatchObject({ status: 'SKIPPED_STALE' });
  });

  it('leaves a retryable failure on the queue with a back-off, recording the error', async () => {
    const event = invoiceEvent();
    const record = await enqueue(event);
    const before = await depth(r.sqs, queue.queueUrl);

    const response = await consumer(async () => {
      throw new RetryableError('NetSuite answered 429: concurrency limit reached', {
        retryAfterMs: 30_000,
      });
    })({ Records: [record] }, context());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: { kind: 'retryable', message: 'NetSuite answered 429: concurrency limit reached' },
    });
    const visibleNow = await r.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(visibleNow.Messages ?? []).toEqual([]);
    expect(await depth(r.sqs, queue.queueUrl)).toBe(before);
  });

  it('parks a permanent failure in the dead-letter queue at once, FAILED with the reason', async () => {
    const event = invoiceEvent();
    const record = await enqueue(event);
    const dlqBefore = await depth(r.sqs, queue.dlqUrl);

    const response = await consumer(async () => {
      throw new PermanentError(
        'Subsidiary 3 does not accept currency JPY: map the currency in NetSuite.',
      );
    })({ Records: [record] }, context());

    expect(response.batchItemFailures).toEqual([]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'FAILED',
      lastError: { kind: 'permanent', message: expect.stringContaining('Subsidiary 3') },
    });
    expect(await depth(r.sqs, queue.dlqUrl)).toBe(dlqBefore + 1);
  });

  it('parks a retryable failure on its last allowed receive as DEAD', async () => {
    const event = invoiceEvent();
    const record = await enqueue(event);
    record.attributes.ApproximateReceiveCount = '5';
    const dlqBefore = await depth(r.sqs, queue.dlqUrl);

    const response = await consumer(async () => {
      throw Object.assign(new Error('upstream 503'), { status: 503 });
    })({ Records: [record] }, context());

    expect(response.batchItemFailures).toEqual([]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'DEAD',
      lastError: { kind: 'retryable', httpStatus: 503 },
    });
    expect(await depth(r.sqs, queue.dlqUrl)).toBe(dlqBefore + 1);
  });

  it('refuses an event of an API version the connector cannot map, without applying it', async () => {
    const event = buildEvent({
      type: 'invoice.paid',
      object: openapiObject('invoice'),
      apiVersion: '2020-03-02',
    });
    event.data.object.id = 'in_oldversion';
    const record = await enqueue(event);
    const apply = vi.fn(async () => ({}));

    await consumer(apply, { supportsApiVersion: (v) => v === '2026-10-28.endive' })(
      { Records: [record] },
      context(),
    );

    expect(apply).not.toHaveBeenCalled();
    expect(await delivery(event.id)).toMatchObject({
      status: 'FAILED',
      lastError: {
        message: expect.stringContaining(
          'API version 2020-03-02, which the netsuite connector cannot map',
        ),
      },
    });
  });

  it('fails only the failing record of a batch', async () => {
    const good = invoiceEvent();
    const bad = invoiceEvent();
    const records = [await enqueue(good), await enqueue(bad)];

    const response = await consumer(async (event) => {
      if (event.id === bad.id) throw new RetryableError('timeout');
      return {};
    })({ Records: records }, context());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.messageId }]);
    expect(await delivery(good.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await delivery(bad.id)).toMatchObject({ status: 'PENDING' });
  });
});
