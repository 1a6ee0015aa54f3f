/**
 * The connector consumer against real SQS (fauxqs) and DynamoDB Local: outcomes in the ledger,
 * back-off, dead-lettering, and the guards against duplicates and stale events.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/lambda-context.ts';
import { queueDepth } from '../../../local/queue-depth.ts';
import { toSqsRecord } from '../../../local/sqs-poller.ts';
import type { ConnectorName } from '../../../shared/connectors.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import type { StripeEvent } from '../../../shared/events/types.ts';
import { createLogger } from '../../../shared/logger.ts';
import { type ConnectorLogic, createConnectorConsumer } from '../../../shared/queue/consumer.ts';
import { PayloadStore } from '../../../shared/queue/payload-store.ts';
import { QueuePublisher } from '../../../shared/queue/publisher.ts';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const r = await freshResources();
const connector: ConnectorName = 'netsuite';
const ANY_VERSION = () => true;

/** A queue and dead-letter queue of the test's own, and the consumer on them. */
async function setup(logic: Partial<ConnectorLogic> & Pick<ConnectorLogic, 'apply'>) {
  const name = `consumer-${randomBytes(4).toString('hex')}`;
  const queueUrl = (await r.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
  const dlqUrl =
    (await r.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl ?? '';
  const handler = createConnectorConsumer({
    connector,
    deliveries: r.deliveries,
    payloads: new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket }),
    sqs: r.sqs,
    queueUrl,
    dlqUrl,
    maxReceiveCount: 5,
    logger: createLogger('test', { logLevel: 'SILENT' }),
    supportsApiVersion: ANY_VERSION,
    ...logic,
  });
  const publisher = new QueuePublisher({ client: r.sqs, queueUrls: { [connector]: queueUrl } });

  /** Records the event as the ingress does, enqueues it `copies` times, receives the batch. */
  async function enqueue(
    events: StripeEvent[],
    options: { copies?: number; record?: boolean } = {},
  ) {
    for (const event of events) {
      const raw = JSON.stringify(event);
      if (options.record !== false) {
        await r.ledger.recordEvent({
          event,
          routes: [connector],
          receivedAt: new Date().toISOString(),
          payloadBytes: raw.length,
          payload: raw,
        });
      }
      for (let i = 0; i < (options.copies ?? 1); i++) {
        await publisher.publish({ event, rawBody: raw, connectors: [connector] });
      }
    }
    const received = await r.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    return (received.Messages ?? []).map((m) =>
      toSqsRecord(m, { queueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` }),
    );
  }

  const run = (records: SQSRecord[]) =>
    handler(
      { Records: records },
      lambdaContext({ functionName: 'connector-netsuite', timeoutSeconds: 60 }),
    );
  const depth = async (which: 'queue' | 'dlq') => {
    const d = await queueDepth(r.sqs, which === 'queue' ? queueUrl : dlqUrl);
    return d.visible + d.inFlight;
  };
  return { enqueue, run, depth, queueUrl, dlqUrl };
}

function invoiceEvent(options: { created?: number; invoiceId?: string; apiVersion?: string } = {}) {
  const invoice = openapiObject('invoice');
  invoice.id = options.invoiceId ?? `in_${Math.random().toString(36).slice(2, 10)}`;
  return buildEvent({
    type: 'invoice.paid',
    object: invoice,
    created: options.created ?? 1_700_000_000,
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  });
}

async function delivery(eventId: string) {
  return (await r.ledger.getEvent(eventId, { consistent: true }))?.deliveries.find(
    (d) => d.connector === connector,
  );
}

describe('createConnectorConsumer', () => {
  it('applies an event and records SUCCEEDED with the target ids', async () => {
    const apply = vi.fn(async () => ({ targetIds: { invoice: '4711' } }));
    const t = await setup({ apply });
    const event = invoiceEvent();

    const response = await t.run(await t.enqueue([event]));

    expect(response.batchItemFailures).toEqual([]);
    expect(apply).toHaveBeenCalledWith(event);
    expect(await delivery(event.id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      targetIds: { invoice: '4711' },
    });
  });

  it('applies two copies of one message in a batch once', async () => {
    const apply = vi.fn(async () => ({}));
    const t = await setup({ apply });
    const event = invoiceEvent();

    const records = await t.enqueue([event], { copies: 2 });
    const response = await t.run(records);

    expect(records).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([]);
    expect(apply).toHaveBeenCalledTimes(1);
    expect(await delivery(event.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('applies an older and a newer event of one object in a batch oldest first', async () => {
    const applied: number[] = [];
    const t = await setup({
      apply: async (e) => {
        applied.push(e.created);
        return {};
      },
    });
    const newer = invoiceEvent({ created: 1_700_000_500, invoiceId: 'in_batch_order' });
    const older = invoiceEvent({ created: 1_700_000_100, invoiceId: 'in_batch_order' });

    await t.run(await t.enqueue([newer, older]));

    expect(applied).toEqual([1_700_000_100, 1_700_000_500]);
    expect(await delivery(older.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await delivery(newer.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('skips an event older than the one applied to the same object', async () => {
    const apply = vi.fn(async () => ({}));
    const t = await setup({ apply });
    const newer = invoiceEvent({ created: 1_700_000_500, invoiceId: 'in_ordered' });
    const older = invoiceEvent({ created: 1_700_000_100, invoiceId: 'in_ordered' });

    await t.run(await t.enqueue([newer]));
    await t.run(await t.enqueue([older]));

    expect(apply).toHaveBeenCalledTimes(1);
    expect(await delivery(older.id)).toMatchObject({ status: 'SKIPPED_STALE' });
  });

  it('leaves a retryable failure on the queue with a back-off, recording the error', async () => {
    const t = await setup({
      apply: async () => {
        throw new RetryableError('NetSuite answered 429: concurrency limit reached', {
          retryAfterMs: 30_000,
        });
      },
    });
    const event = invoiceEvent();
    const records = await t.enqueue([event]);

    const response = await t.run(records);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: { kind: 'retryable', message: 'NetSuite answered 429: concurrency limit reached' },
    });
    const visibleNow = await r.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: t.queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(visibleNow.Messages ?? []).toEqual([]);
    expect(await t.depth('queue')).toBe(1);
  });

  it('parks a permanent failure in the dead-letter queue at once, FAILED with the reason', async () => {
    const t = await setup({
      apply: async () => {
        throw new PermanentError(
          'Subsidiary 3 does not accept currency JPY: map the currency in NetSuite.',
        );
      },
    });
    const event = invoiceEvent();

    const response = await t.run(await t.enqueue([event]));

    expect(response.batchItemFailures).toEqual([]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'FAILED',
      lastError: { kind: 'permanent', message: expect.stringContaining('Subsidiary 3') },
    });
    expect(await t.depth('dlq')).toBe(1);
  });

  it('parks a retryable failure on its last allowed receive as DEAD', async () => {
    const t = await setup({
      apply: async () => {
        throw Object.assign(new Error('upstream 503'), { status: 503 });
      },
    });
    const event = invoiceEvent();
    const records = await t.enqueue([event]);
    for (const record of records) record.attributes.ApproximateReceiveCount = '5';

    const response = await t.run(records);

    expect(response.batchItemFailures).toEqual([]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'DEAD',
      lastError: { kind: 'retryable', httpStatus: 503 },
    });
    expect(await t.depth('dlq')).toBe(1);
  });

  it('refuses an event of an API version the connector cannot map, without applying it', async () => {
    const apply = vi.fn(async () => ({}));
    const t = await setup({ apply, supportsApiVersion: (v) => v === '2026-10-28.endive' });
    const event = invoiceEvent({ apiVersion: '2020-03-02' });

    await t.run(await t.enqueue([event]));

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

  it('parks messages it cannot trust: not ours, or for an event the ledger does not know', async () => {
    const apply = vi.fn(async () => ({}));
    const t = await setup({ apply });
    await r.sqs.send(new SendMessageCommand({ QueueUrl: t.queueUrl, MessageBody: 'not json' }));
    const records = await t.enqueue([invoiceEvent()], { record: false });

    const response = await t.run(records);

    expect(records).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([]);
    expect(apply).not.toHaveBeenCalled();
    expect(await t.depth('dlq')).toBe(2);
  });

  it('fails only the failing record of a batch', async () => {
    const good = invoiceEvent({ created: 1_700_000_001 });
    const bad = invoiceEvent({ created: 1_700_000_002 });
    const t = await setup({
      apply: async (event) => {
        if (event.id === bad.id) throw new RetryableError('timeout');
        return {};
      },
    });
    const records = await t.enqueue([good, bad]);

    const response = await t.run(records);

    const badRecord = records.find((rec) => rec.body.includes(bad.id));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: badRecord?.messageId }]);
    expect(await delivery(good.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await delivery(bad.id)).toMatchObject({ status: 'PENDING' });
  });
});
