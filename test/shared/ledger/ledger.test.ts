import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUS } from '../../../shared/ledger/records.ts';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const resources = await freshResources();
const { ledger } = resources;

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

describe('Ledger (DynamoDB Local)', () => {
  it('records an event once, with a PENDING delivery per route', async () => {
    const event = invoiceEvent({ type: 'invoice.finalized', created: 1_700_000_000 });
    const input = {
      event,
      routes: ['netsuite', 'warehouse'] as const,
      receivedAt: '2026-01-01T00:00:00.000Z',
      payloadBytes: 10,
      payload: JSON.stringify(event),
    };

    const first = await ledger.recordEvent(input);
    const second = await ledger.recordEvent(input);
    const traced = await ledger.getEvent(event.id);

    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(traced?.event).toMatchObject({
      eventId: event.id,
      type: 'invoice.finalized',
      objectId: 'in_ledger1',
      apiVersion: event.api_version,
      routes: ['netsuite', 'warehouse'],
    });
    expect(traced?.deliveries.map((d) => [d.connector, d.status, d.attempts])).toEqual([
      ['netsuite', 'PENDING', 0],
      ['warehouse', 'PENDING', 0],
    ]);
    expect(traced?.event.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
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
    for (const event of [later, earlier]) {
      await ledger.recordEvent({
        event,
        routes: ['warehouse'],
        receivedAt: new Date().toISOString(),
        payloadBytes: 1,
        payload: '{}',
      });
    }

    const invoiceLineage = await ledger.lineage('in_lin');
    const customerLineage = await ledger.lineage('cus_lin');

    expect(invoiceLineage.map((t) => t.event.type)).toEqual(['invoice.created', 'invoice.paid']);
    expect(customerLineage.map((t) => t.event.eventId)).toEqual([earlier.id, later.id]);
    expect(await ledger.lineage('cus_nobody')).toEqual([]);
  });

  it('records delivery outcomes, attempts, errors and target ids, and finds them by status', async () => {
    const event = invoiceEvent({
      type: 'invoice.voided',
      created: 1_700_000_200,
      invoice: 'in_status',
    });
    await ledger.recordEvent({
      event,
      routes: ['salesforce', 'netsuite'],
      receivedAt: new Date().toISOString(),
      payloadBytes: 1,
      payload: '{}',
    });

    await ledger.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: DELIVERY_STATUS.PENDING,
      attempted: true,
      error: { kind: 'retryable', name: 'RetryableError', message: 'NetSuite concurrency limit' },
    });
    await ledger.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: DELIVERY_STATUS.SUCCEEDED,
      attempted: true,
      targetIds: { invoice: '123' },
    });
    await ledger.updateDelivery({
      eventId: event.id,
      connector: 'salesforce',
      status: DELIVERY_STATUS.FAILED,
      attempted: true,
      error: {
        kind: 'permanent',
        name: 'PermanentError',
        message: 'Field Amount__c is not writable',
      },
    });

    const traced = await ledger.getEvent(event.id);
    const netsuite = traced?.deliveries.find((d) => d.connector === 'netsuite');
    const salesforce = traced?.deliveries.find((d) => d.connector === 'salesforce');
    const failed = await ledger.deliveriesByStatus(DELIVERY_STATUS.FAILED);

    expect(netsuite).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      targetIds: { invoice: '123' },
    });
    expect(netsuite?.lastError).toBeUndefined();
    expect(salesforce).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: { kind: 'permanent' },
    });
    expect(failed.map((d) => [d.eventId, d.connector])).toContainEqual([event.id, 'salesforce']);
    expect(await ledger.countByStatus(DELIVERY_STATUS.FAILED)).toBeGreaterThanOrEqual(1);
  });

  it('refuses to update a delivery that was never recorded', async () => {
    await expect(
      ledger.updateDelivery({ eventId: 'evt_never', connector: 'netsuite', status: 'SUCCEEDED' }),
    ).rejects.toThrow(/conditional/i);
  });

  it('applies versions in order: an older event for the same object is stale', async () => {
    const claim = (created: number, eventId: string) =>
      ledger.claimVersion({ connector: 'salesforce', objectId: 'sub_version', created, eventId });

    expect(await claim(200, 'evt_b')).toBe(true);
    expect(await claim(100, 'evt_a')).toBe(false);
    expect(await claim(200, 'evt_c')).toBe(true);
    expect(await claim(300, 'evt_d')).toBe(true);
    expect(await ledger.appliedVersion('salesforce', 'sub_version')).toMatchObject({
      created: 300,
      eventId: 'evt_d',
    });
    expect(
      await ledger.claimVersion({
        connector: 'netsuite',
        objectId: 'sub_version',
        created: 100,
        eventId: 'evt_a',
      }),
    ).toBe(true);
  });
});
