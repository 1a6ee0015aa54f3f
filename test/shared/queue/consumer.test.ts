import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectorName } from '../../../shared/connectors.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import type { StripeEvent } from '../../../shared/events/types.ts';
import { Deliveries, type UpdateDeliveryInput } from '../../../shared/ledger/deliveries.ts';
import { type ConnectorLogic, createConnectorConsumer } from '../../../shared/queue/consumer.ts';
import { freshResources } from '../../support/aws.ts';
import { consumerHarness, invoiceEvent } from '../../support/consumer.ts';

const r = await freshResources();
const connector: ConnectorName = 'netsuite';
const ANY_VERSION = () => true;

/** The consumer's logic and settings for one test. */
interface SetupOptions extends Pick<ConnectorLogic, 'apply'> {
  supportsApiVersion?: ConnectorLogic['supportsApiVersion'];
  deliveries?: Deliveries;
  leaseSeconds?: number;
  visibilitySeconds?: number;
}

/** A queue and dead-letter queue of the test's own, and the consumer on them. */
function setup(options: SetupOptions) {
  const { deliveries = r.deliveries, leaseSeconds, visibilitySeconds, ...logic } = options;
  return consumerHarness({
    r,
    connector,
    ...(visibilitySeconds === undefined ? {} : { visibilitySeconds }),
    handler: (queues) =>
      createConnectorConsumer({
        ...queues,
        deliveries,
        ...(leaseSeconds === undefined ? {} : { leaseSeconds }),
        supportsApiVersion: ANY_VERSION,
        ...logic,
      }),
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
    expect(apply).toHaveBeenCalledWith(event, { refetch: false });
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

  it('leaves a retryable failure on the queue for the vendor’s Retry-After, recording the error', async () => {
    // Prepare: a queue whose own visibility timeout is 1 s, so only the consumer can hide longer.
    const t = await setup({
      visibilitySeconds: 1,
      apply: async () => {
        throw new RetryableError('NetSuite answered 429: concurrency limit reached', {
          retryAfterMs: 30_000,
        });
      },
    });
    const event = invoiceEvent();
    const records = await t.enqueue([event]);

    // Act
    const response = await t.run(records);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
    expect(await delivery(event.id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: { kind: 'retryable', message: 'NetSuite answered 429: concurrency limit reached' },
    });
    const visibleAfter2s = await r.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: t.queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(visibleAfter2s.Messages ?? []).toEqual([]);
    expect(await t.depth('queue')).toBe(1);
  });

  it('drops a copy while another consumer holds the delivery', async () => {
    const apply = vi.fn(async () => ({}));
    const t = await setup({ apply });
    const event = invoiceEvent();
    const records = await t.enqueue([event]);
    await r.deliveries.claimDelivery({ eventId: event.id, connector, leaseSeconds: 60 });

    const response = await t.run(records);

    expect(response.batchItemFailures).toEqual([]);
    expect(apply).not.toHaveBeenCalled();
    expect(await delivery(event.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('does not blame the connector when only the outcome cannot be written', async () => {
    // Prepare: the ledger refuses the SUCCEEDED write once; leases last 1 s.
    class FailingOnce extends Deliveries {
      failures = 1;
      override async updateDelivery(input: UpdateDeliveryInput) {
        if (input.status === 'SUCCEEDED' && this.failures-- > 0)
          throw new Error('ThrottlingException');
        return super.updateDelivery(input);
      }
    }
    const apply = vi.fn(async () => ({ targetIds: { invoice: '9' } }));
    const t = await setup({
      apply,
      leaseSeconds: 1,
      deliveries: new FailingOnce({
        client: r.documents,
        tableName: r.names.ledgerTable,
        ttlDays: 90,
      }),
    });
    const event = invoiceEvent();
    const records = await t.enqueue([event]);

    // Act: the first try fails on the outcome; the message comes back after the lease.
    const first = await t.run(records);
    const afterFirst = await delivery(event.id);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const record of records) record.attributes.ApproximateReceiveCount = '2';
    const second = await t.run(records);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(afterFirst).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(afterFirst?.lastError).toBeUndefined();
    expect(second.batchItemFailures).toEqual([]);
    expect(apply).toHaveBeenCalledTimes(2);
    expect(await delivery(event.id)).toMatchObject({
      status: 'SUCCEEDED',
      targetIds: { invoice: '9' },
    });
  });

  it('never applies an older event after a newer one, even from two functions at once', async () => {
    // Prepare: the older event's apply waits until the test lets it finish.
    const applied: number[] = [];
    let finishOlder: () => void = () => undefined;
    const olderMayFinish = new Promise<void>((resolve) => {
      finishOlder = resolve;
    });
    const apply = async (event: StripeEvent) => {
      if (event.created === 1_700_000_100) await olderMayFinish;
      applied.push(event.created);
      return {};
    };
    const a = await setup({ apply });
    const b = await setup({ apply });
    const older = invoiceEvent({ created: 1_700_000_100, invoiceId: 'in_two_functions' });
    const newer = invoiceEvent({ created: 1_700_000_200, invoiceId: 'in_two_functions' });

    // Act
    const runningOlder = a.run(await a.enqueue([older]));
    while (
      (
        await r.deliveries.appliedVersion(
          { connector, objectId: 'in_two_functions' },
          { consistent: true },
        )
      )?.lockedBy !== older.id
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const newerRecords = await b.enqueue([newer]);
    const whileLocked = await b.run(newerRecords);
    finishOlder();
    await runningOlder;
    for (const record of newerRecords) record.attributes.ApproximateReceiveCount = '2';
    const afterwards = await b.run(newerRecords);

    // Assess
    expect(whileLocked.batchItemFailures).toHaveLength(1);
    expect(afterwards.batchItemFailures).toEqual([]);
    expect(applied).toEqual([1_700_000_100, 1_700_000_200]);
    expect(await delivery(newer.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
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
