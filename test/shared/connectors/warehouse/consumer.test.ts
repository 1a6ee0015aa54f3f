/**
 * The warehouse loader behind the real batch consumer, on real SQS and DynamoDB and the Data API
 * simulator: a statement failure that recurs is tried again, then every event of the batch is
 * FAILED with Redshift's message and parked in the dead-letter queue; a failure that may pass goes
 * back to the queue with a back-off, and is parked DEAD after the queue's last receive.
 */
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createBatchConsumer } from '../../../../shared/queue/batch.ts';
import { freshResources } from '../../../support/aws.ts';
import { consumerHarness } from '../../../support/consumer.ts';
import { useSimulator } from '../../../support/simulator.ts';
import { buildEvent, openapiObject } from '../../../support/stripe.ts';
import { counts, rows, useWarehouse, warehouseConnector } from './support.ts';

const r = await freshResources();
const stripeSim = useSimulator();
const wh = useWarehouse();

function setup() {
  return consumerHarness({
    r,
    connector: 'warehouse',
    handler: (queues) =>
      createBatchConsumer({ ...queues, ...warehouseConnector(wh, stripeSim.stripe) }),
  });
}

function customerEvents(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const customer = openapiObject('customer');
    Object.assign(customer, { id: `cus_${prefix}${i}`, name: `Customer ${i}` });
    return buildEvent({ type: 'customer.updated', object: customer, created: 1_800_000_000 + i });
  });
}

const TYPE_MISMATCH =
  'ERROR: column "balance" is of type bigint but expression is of type character varying';

/** The records as SQS hands them out on the n-th receive. */
const onReceive = (records: SQSRecord[], n: number): SQSRecord[] =>
  records.map((rec) => ({
    ...rec,
    attributes: { ...rec.attributes, ApproximateReceiveCount: String(n) },
  }));

describe('the warehouse loader behind the batch consumer', () => {
  it("tries a recurring failure again, then FAILS the batch with Redshift's message and parks it", async () => {
    // Prepare
    const t = await setup();
    const events = customerEvents('recurring', 3);
    const before = await counts(wh);
    const failedBefore = wh.sim.statements().filter((s) => s.Status === 'FAILED').length;
    wh.sim.faults.failNext({ count: 2, match: /^MERGE INTO/, error: TYPE_MISMATCH });

    // Act
    const response = await t.run(await t.enqueue(events));

    // Assess
    const failedNow = wh.sim.statements().filter((s) => s.Status === 'FAILED').length;
    expect(failedNow - failedBefore).toBe(2);
    expect(response.batchItemFailures).toEqual([]);
    for (const event of events) {
      const delivery = await t.delivery(event.id);
      expect(delivery?.status).toBe('FAILED');
      expect(delivery?.lastError?.message).toContain(TYPE_MISMATCH);
    }
    expect(await t.depth('dlq')).toBe(events.length);
    expect(await counts(wh)).toEqual(before);
  });

  it('sends a failure that may pass back to the queue, and loads the batch on a later receive', async () => {
    // Prepare
    const t = await setup();
    const events = customerEvents('passing', 2);
    const records = await t.enqueue(events);
    wh.sim.faults.failNext({ count: 1, match: /^MERGE INTO/, error: 'ERROR: Disk Full' });

    // Act
    const first = await t.run(records);
    const pending = await t.delivery(events[0]?.id ?? '');
    const second = await t.run(onReceive(records, 2));

    // Assess
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((rec) => rec.messageId).sort(),
    );
    expect(pending).toMatchObject({ status: 'PENDING' });
    expect(pending?.lastError?.message).toContain('ERROR: Disk Full');
    expect(second.batchItemFailures).toEqual([]);
    expect(await t.delivery(events[0]?.id ?? '')).toMatchObject({ status: 'SUCCEEDED' });
    expect(
      await rows(wh, "SELECT COUNT(*) AS n FROM {schema}.customers WHERE id LIKE 'cus_passing%'"),
    ).toEqual([{ n: 2 }]);
    expect(await t.depth('dlq')).toBe(0);
  });

  it("parks DEAD, with Redshift's message, a failure that is still there on the queue's last receive", async () => {
    // Prepare
    const t = await setup();
    const events = customerEvents('dead', 2);
    const records = await t.enqueue(events);
    wh.sim.faults.failNext({ count: 1, match: /^MERGE INTO/, error: 'ERROR: out of memory' });

    // Act
    const response = await t.run(onReceive(records, 5));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    for (const event of events) {
      const delivery = await t.delivery(event.id);
      expect(delivery?.status).toBe('DEAD');
      expect(delivery?.lastError?.message).toContain('ERROR: out of memory');
    }
    expect(await t.depth('dlq')).toBe(events.length);
  });
});
