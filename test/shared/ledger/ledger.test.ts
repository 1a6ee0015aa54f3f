import { describe, expect, it } from 'vitest';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const { ledger } = await freshResources();

function invoiceEvent(options: {
  type: string;
  created: number;
  invoice?: string;
  customer?: string;
}) {
  const invoice = openapiObject('invoice');
  invoice.id = options.invoice ?? 'in_ledger1';
  invoice.customer = options.customer ?? 'cus_ledger1';
  return buildEvent({ type: options.type, object: invoice, created: options.created });
}

async function record(
  event: ReturnType<typeof invoiceEvent>,
  routes: ('netsuite' | 'warehouse')[] = ['warehouse'],
) {
  const payload = JSON.stringify(event);
  return ledger.recordEvent({
    event,
    routes,
    receivedAt: new Date().toISOString(),
    payloadBytes: payload.length,
    payload,
  });
}

describe('Ledger (DynamoDB Local)', () => {
  it('records an event once, with a PENDING delivery per route', async () => {
    // Prepare
    const event = invoiceEvent({ type: 'invoice.finalized', created: 1_700_000_000 });

    // Act
    const first = await record(event, ['netsuite', 'warehouse']);
    const second = await record(event, ['netsuite', 'warehouse']);
    const traced = await ledger.getEvent(event.id, { consistent: true });

    // Assess
    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(traced?.event).toMatchObject({
      eventId: event.id,
      type: 'invoice.finalized',
      objectId: 'in_ledger1',
      apiVersion: event.api_version,
      routes: ['netsuite', 'warehouse'],
      payload: JSON.stringify(event),
    });
    expect(traced?.deliveries.map((d) => [d.connector, d.status, d.attempts])).toEqual([
      ['netsuite', 'PENDING', 0],
      ['warehouse', 'PENDING', 0],
    ]);
    expect(traced?.event.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
  });

  it('notes which connectors the event was enqueued to, as a set', async () => {
    const event = invoiceEvent({ type: 'invoice.paid', created: 1_700_000_010, invoice: 'in_enq' });
    await record(event, ['netsuite', 'warehouse']);

    await ledger.markEnqueued({ eventId: event.id, connectors: ['warehouse'] });
    await ledger.markEnqueued({ eventId: event.id, connectors: ['netsuite', 'warehouse'] });

    expect((await ledger.getEvent(event.id, { consistent: true }))?.event.enqueuedTo).toEqual([
      'netsuite',
      'warehouse',
    ]);
    await expect(
      ledger.markEnqueued({ eventId: 'evt_never', connectors: ['netsuite'] }),
    ).rejects.toThrow(/conditional/i);
  });

  it('gives the lineage of an object and of its customer, oldest first', async () => {
    const later = invoiceEvent({
      type: 'invoice.paid',
      created: 1_700_000_100,
      invoice: 'in_lin',
      customer: 'cus_lin',
    });
    const earlier = invoiceEvent({
      type: 'invoice.created',
      created: 1_700_000_050,
      invoice: 'in_lin',
      customer: 'cus_lin',
    });
    for (const event of [later, earlier]) await record(event);

    const byInvoice = await ledger.lineage('in_lin');
    const byCustomer = await ledger.lineage('cus_lin');

    expect(byInvoice.events.map((t) => t.event.type)).toEqual(['invoice.created', 'invoice.paid']);
    expect(byCustomer.events.map((t) => t.event.eventId)).toEqual([earlier.id, later.id]);
    expect(byCustomer.truncated).toBe(false);
    expect(await ledger.lineage('cus_nobody')).toEqual({ events: [], truncated: false });
  });

  it('keeps the newest events of a long history when limited', async () => {
    const events = [0, 1, 2, 3, 4].map((i) =>
      invoiceEvent({ type: 'invoice.updated', created: 1_700_001_000 + i, invoice: 'in_long' }),
    );
    for (const event of events) await record(event);

    const lineage = await ledger.lineage('in_long', { limit: 3 });

    expect(lineage.truncated).toBe(true);
    expect(lineage.events.map((t) => t.event.eventId)).toEqual(events.slice(2).map((e) => e.id));
  });
});
