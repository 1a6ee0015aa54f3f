/**
 * `switchyard trace` and `status` against a running local hub: what support and finance see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Inspection } from '../../local/cli/connect.ts';
import { formatStatus, status } from '../../local/cli/status.ts';
import { formatTrace, trace } from '../../local/cli/trace.ts';
import { PermanentError } from '../../shared/errors.ts';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { buildEvent, openapiObject } from '../support/stripe.ts';

let hub: TestHub;
let inspection: Inspection;

beforeAll(async () => {
  hub = await startTestHub({
    consumers: {
      warehouse: {
        supportsApiVersion: () => true,
        apply: async () => ({ targetIds: { table: 'invoices' } }),
      },
      netsuite: {
        supportsApiVersion: () => true,
        apply: async () => {
          throw new PermanentError('Customer cus_trace has no subsidiary: set one in NetSuite.');
        },
      },
    },
  });
  // The hub's own environment names its ledger and queues, as a deployed hub's would.
  inspection = connect(hub.env);
});

afterAll(async () => {
  inspection?.close();
  await hub?.stop();
});

describe('trace and status', () => {
  it('show an invoice’s events with every connector’s outcome, and the queues', async () => {
    // Prepare
    const invoice = openapiObject('invoice');
    invoice.id = 'in_trace';
    invoice.customer = 'cus_trace';
    const finalized = buildEvent({
      type: 'invoice.finalized',
      object: invoice,
      created: 1_700_000_000,
    });
    const paid = buildEvent({ type: 'invoice.paid', object: invoice, created: 1_700_000_060 });
    const settled = async (eventId: string) => {
      const traced = await hub.ledger.getEvent(eventId, { consistent: true });
      return (traced?.deliveries ?? [])
        .filter((d) => d.connector === 'warehouse' || d.connector === 'netsuite')
        .every((d) => d.status !== 'PENDING');
    };
    for (const event of [finalized, paid]) {
      expect((await hub.post(JSON.stringify(event))).status).toBe(200);
      await eventually(() => settled(event.id));
    }

    // Act
    const byInvoice = await trace(inspection, { target: 'in_trace' });
    const byCustomer = await trace(inspection, { target: 'cus_trace' });
    const byEvent = await trace(inspection, { target: paid.id });
    const text = formatTrace(byInvoice);
    const report = await status(inspection);

    // Assess
    expect(byInvoice.events.map((e) => e.event.type)).toEqual([
      'invoice.finalized',
      'invoice.paid',
    ]);
    expect(byCustomer.events.map((e) => e.event.eventId)).toEqual([finalized.id, paid.id]);
    expect(byEvent.events).toHaveLength(1);
    expect(text).toMatch(/invoice\.finalized/);
    expect(text).toMatch(/warehouse\s+SUCCEEDED\s+attempts 1/);
    expect(text).toMatch(/targets table=invoices/);
    expect(text).toMatch(/netsuite\s+FAILED/);
    expect(text).toMatch(
      /last error \(permanent\): PermanentError: Customer cus_trace has no subsidiary/,
    );
    expect(text).toMatch(/salesforce\s+PENDING\s+attempts 0\s+on its queue/);
    expect(report.deliveries.FAILED).toBe(2);
    expect(report.deliveries.PENDING).toBe(4);
    expect(report.queues.find((q) => q.connector === 'netsuite')?.deadLetters).toBe(2);
    expect(report.queues.find((q) => q.connector === 'salesforce')?.visible).toBe(2);
    expect(formatStatus(report)).toMatch(/netsuite\s+0\s+0\s+0\s+2/);
  });

  it('say plainly when nothing is known', async () => {
    const result = await trace(inspection, { target: 'in_unknown' });
    expect(result.events).toEqual([]);
    expect(formatTrace(result)).toMatch(/Nothing in the ledger for in_unknown/);
  });
});
