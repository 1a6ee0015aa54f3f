/**
 * The batch consumer against real SQS (fauxqs) and DynamoDB Local: one call per batch, an
 * outcome per event, the version guard collapsing an object's events, and failures that fail
 * only their own records.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ConnectorName } from '../../../shared/connectors.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import {
  type BatchConnectorLogic,
  type BatchEntry,
  createBatchConsumer,
  type EntryOutcome,
} from '../../../shared/queue/batch.ts';
import { freshResources } from '../../support/aws.ts';
import { consumerHarness, invoiceEvent } from '../../support/consumer.ts';

const r = await freshResources();
const connector: ConnectorName = 'salesforce';

function setup(logic: Partial<BatchConnectorLogic> & Pick<BatchConnectorLogic, 'applyBatch'>) {
  return consumerHarness({
    r,
    connector,
    handler: (queues) =>
      createBatchConsumer({
        ...queues,
        supportsApiVersion: () => true,
        versionGuard: 'ledger',
        ...logic,
      }),
  });
}

/** A connector that succeeds for every entry and remembers what it was given. */
function succeeding() {
  const calls: BatchEntry[][] = [];
  const applyBatch = vi.fn(async (entries: readonly BatchEntry[]) => {
    calls.push([...entries]);
    return new Map<string, EntryOutcome>(
      entries.map((e) => [e.event.id, { ok: true, targetIds: { record: `sf-${e.event.id}` } }]),
    );
  });
  return { applyBatch, calls };
}

describe('createBatchConsumer', () => {
  it('applies a whole batch in one call and records each event with its target ids', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup(connectorLogic);
    const events = Array.from({ length: 15 }, (_, i) =>
      invoiceEvent({ created: 1_700_000_000 + i }),
    );

    // Act
    const response = await t.run(await t.enqueue(events));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(connectorLogic.applyBatch).toHaveBeenCalledTimes(1);
    expect(connectorLogic.calls[0]?.map((e) => e.event.id)).toEqual(events.map((e) => e.id));
    for (const event of events) {
      expect(await t.delivery(event.id)).toMatchObject({
        status: 'SUCCEEDED',
        targetIds: { record: `sf-${event.id}` },
      });
    }
  });

  it('hands over only the newest event of an object; older ones are skipped, same-second ones re-read', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup(connectorLogic);
    const invoiceId = `in_collapse${Date.now()}`;
    const older = invoiceEvent({ invoiceId, created: 1_700_000_100 });
    const newest = invoiceEvent({ invoiceId, created: 1_700_000_200 });
    const sameSecond = invoiceEvent({ invoiceId, created: 1_700_000_200 });

    // Act
    const response = await t.run(await t.enqueue([sameSecond, older, newest]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [entries] = connectorLogic.calls;
    expect(entries).toHaveLength(1);
    expect(entries?.[0]?.refetch).toBe(true);
    expect(await t.delivery(older.id)).toMatchObject({ status: 'SKIPPED_STALE' });
    const applied = entries?.[0]?.event.id ?? '';
    expect(await t.delivery(newest.id)).toMatchObject({
      status: 'SUCCEEDED',
      targetIds: { record: `sf-${applied}` },
    });
    expect(await t.delivery(sameSecond.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('fails older events of an object with its newest when the newest fails, so none is lost', async () => {
    // Prepare
    const t = await setup({
      applyBatch: async (entries) =>
        new Map<string, EntryOutcome>(
          entries.map((e) => [e.event.id, { ok: false, error: new PermanentError('refused') }]),
        ),
    });
    const invoiceId = `in_lost${Date.now()}`;
    const older = invoiceEvent({ invoiceId, created: 1_700_000_100 });
    const newest = invoiceEvent({ invoiceId, created: 1_700_000_200 });

    // Act
    await t.run(await t.enqueue([older, newest]));

    // Assess
    expect(await t.delivery(newest.id)).toMatchObject({ status: 'FAILED' });
    expect(await t.delivery(older.id)).toMatchObject({
      status: 'FAILED',
      lastError: { message: 'refused' },
    });
    expect(await t.depth('dlq')).toBe(2);
  });

  it('skips every event of an object whose applied version is newer', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup(connectorLogic);
    const invoiceId = `in_stale${Date.now()}`;
    await t.run(await t.enqueue([invoiceEvent({ invoiceId, created: 1_700_000_500 })]));
    const late = invoiceEvent({ invoiceId, created: 1_700_000_400 });
    const other = invoiceEvent({ created: 1_700_000_400 });

    // Act
    const response = await t.run(await t.enqueue([late, other]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(connectorLogic.calls[1]?.map((e) => e.event.id)).toEqual([other.id]);
    expect(await t.delivery(late.id)).toMatchObject({ status: 'SKIPPED_STALE' });
  });

  it('re-reads an object when an event of the same second was applied in an earlier batch', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup(connectorLogic);
    const invoiceId = `in_tie${Date.now()}`;
    await t.run(await t.enqueue([invoiceEvent({ invoiceId, created: 1_700_000_600 })]));

    // Act
    await t.run(await t.enqueue([invoiceEvent({ invoiceId, created: 1_700_000_600 })]));

    // Assess
    expect(connectorLogic.calls.map((entries) => entries[0]?.refetch)).toEqual([false, true]);
  });

  it('fails only the records whose entries failed: permanent ones parked, retryable ones retried', async () => {
    // Prepare
    const good = invoiceEvent();
    const invalid = invoiceEvent();
    const locked = invoiceEvent();
    const t = await setup({
      applyBatch: async (entries) =>
        new Map<string, EntryOutcome>(
          entries.map((e) => {
            if (e.event.id === invalid.id) {
              return [
                e.event.id,
                { ok: false, error: new PermanentError('Amount__c: value too large') },
              ];
            }
            if (e.event.id === locked.id) {
              return [e.event.id, { ok: false, error: new RetryableError('UNABLE_TO_LOCK_ROW') }];
            }
            return [e.event.id, { ok: true }];
          }),
        ),
    });
    const records = await t.enqueue([good, invalid, locked]);

    // Act
    const response = await t.run(records);

    // Assess
    const lockedRecord = records.find((rec) => rec.body.includes(locked.id));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: lockedRecord?.messageId }]);
    expect(await t.delivery(good.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await t.delivery(invalid.id)).toMatchObject({
      status: 'FAILED',
      lastError: { message: 'Amount__c: value too large' },
    });
    expect(await t.delivery(locked.id)).toMatchObject({
      status: 'PENDING',
      lastError: { message: 'UNABLE_TO_LOCK_ROW' },
    });
    expect(await t.depth('dlq')).toBe(1);
  });

  it('retries every record when the connector throws, and frees the objects for the retry', async () => {
    // Prepare
    let fail = true;
    const t = await setup({
      applyBatch: async (entries) => {
        if (fail) throw new Error('socket hang up');
        return new Map(entries.map((e) => [e.event.id, { ok: true } as const]));
      },
    });
    const events = [invoiceEvent(), invoiceEvent()];
    const records = await t.enqueue(events);

    // Act
    const first = await t.run(records);
    fail = false;
    const second = await t.run(records);

    // Assess
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((rec) => rec.messageId).sort(),
    );
    expect(second.batchItemFailures).toEqual([]);
    for (const event of events) {
      expect(await t.delivery(event.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    }
  });

  it('applies two copies of one message once', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup(connectorLogic);
    const event = invoiceEvent();

    // Act
    const response = await t.run(await t.enqueue([event], { copies: 2 }));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(connectorLogic.calls.flat().map((e) => e.event.id)).toEqual([event.id]);
  });

  it('passes every event on, older ones too, when the connector guards order itself', async () => {
    // Prepare
    const connectorLogic = succeeding();
    const t = await setup({ ...connectorLogic, versionGuard: 'none' });
    const invoiceId = `in_all${Date.now()}`;
    const events = [
      invoiceEvent({ invoiceId, created: 1_700_000_300 }),
      invoiceEvent({ invoiceId, created: 1_700_000_100 }),
    ];

    // Act
    await t.run(await t.enqueue(events));

    // Assess
    expect(connectorLogic.calls[0]?.map((e) => e.event.id)).toEqual([events[1]?.id, events[0]?.id]);
    expect(await t.delivery(events[1]?.id ?? '')).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('records a connector that forgets an event as FAILED, naming the bug', async () => {
    // Prepare
    const t = await setup({ applyBatch: async () => new Map() });
    const event = invoiceEvent();

    // Act
    await t.run(await t.enqueue([event]));

    // Assess
    expect((await t.delivery(event.id))?.lastError?.message).toMatch(/answered no outcome/);
    expect(await t.depth('dlq')).toBe(1);
  });
});
