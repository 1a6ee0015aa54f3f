import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUS } from '../../../shared/ledger/records.ts';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const { ledger, deliveries } = await freshResources();

async function recordedEvent(routes: ('salesforce' | 'netsuite')[] = ['salesforce', 'netsuite']) {
  const invoice = openapiObject('invoice');
  invoice.id = `in_${Math.random().toString(36).slice(2, 10)}`;
  const event = buildEvent({ type: 'invoice.voided', object: invoice });
  await ledger.recordEvent({
    event,
    routes,
    receivedAt: new Date().toISOString(),
    payloadBytes: 2,
    payload: '{}',
  });
  return event;
}

async function delivery(eventId: string, connector: 'salesforce' | 'netsuite') {
  const traced = await ledger.getEvent(eventId, { consistent: true });
  return traced?.deliveries.find((d) => d.connector === connector);
}

describe('Deliveries (DynamoDB Local)', () => {
  it('records outcomes, attempts, errors and target ids', async () => {
    const event = await recordedEvent();

    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: DELIVERY_STATUS.PENDING,
      attempted: true,
      error: { kind: 'retryable', name: 'RetryableError', message: 'NetSuite concurrency limit' },
    });
    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: DELIVERY_STATUS.SUCCEEDED,
      attempted: true,
      targetIds: { invoice: '123' },
    });

    const netsuite = await delivery(event.id, 'netsuite');
    expect(netsuite).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      targetIds: { invoice: '123' },
    });
    expect(netsuite?.lastError).toBeUndefined();
    expect(netsuite?.deliveryStatus).toBeUndefined();
  });

  it('never lets a late outcome overwrite a skip', async () => {
    const event = await recordedEvent();
    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: 'SKIPPED_STALE',
      attempted: true,
    });

    const changed = await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: 'DEAD',
      attempted: true,
    });

    expect(changed).toBe(false);
    expect(await delivery(event.id, 'netsuite')).toMatchObject({ status: 'SKIPPED_STALE' });
  });

  it('never lets a late outcome overwrite a success', async () => {
    const event = await recordedEvent();
    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'salesforce',
      status: 'SUCCEEDED',
      attempted: true,
    });

    const changed = await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'salesforce',
      status: DELIVERY_STATUS.FAILED,
      error: { kind: 'permanent', name: 'PermanentError', message: 'late' },
    });

    expect(changed).toBe(false);
    expect(await delivery(event.id, 'salesforce')).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
    });
  });

  it('refuses to record an outcome for a delivery that was never recorded', async () => {
    await expect(
      deliveries.updateDelivery({
        eventId: 'evt_never',
        connector: 'netsuite',
        status: 'SUCCEEDED',
      }),
    ).rejects.toThrow(/The ledger has no netsuite delivery of evt_never/);
  });

  it('lets one consumer claim a delivery at a time, and none once it is settled', async () => {
    const event = await recordedEvent();
    const claim = () =>
      deliveries.claimDelivery({ eventId: event.id, connector: 'netsuite', leaseSeconds: 60 });

    const [first, second] = await Promise.all([claim(), claim()]);
    expect([first, second].sort()).toEqual(['busy', 'claimed']);

    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: 'SUCCEEDED',
      attempted: true,
    });
    expect(await claim()).toBe('settled');
    expect(
      await deliveries.claimDelivery({
        eventId: 'evt_never',
        connector: 'netsuite',
        leaseSeconds: 60,
      }),
    ).toBe('missing');
  });

  it('releases the lease with the outcome, so a retry can claim it again', async () => {
    const event = await recordedEvent();
    const claim = () =>
      deliveries.claimDelivery({ eventId: event.id, connector: 'salesforce', leaseSeconds: 60 });
    expect(await claim()).toBe('claimed');

    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'salesforce',
      status: 'PENDING',
      attempted: true,
    });

    expect(await claim()).toBe('claimed');
  });

  it('keeps only deliveries that need attention on the status index', async () => {
    const event = await recordedEvent();
    await deliveries.updateDelivery({
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
    await deliveries.updateDelivery({
      eventId: event.id,
      connector: 'netsuite',
      status: 'SUCCEEDED',
      attempted: true,
    });

    const failed = await ledger.deliveriesByStatus({ status: 'FAILED' });
    const pending = await ledger.deliveriesByStatus({ status: 'PENDING', limit: 1_000 });

    expect(failed.map((d) => [d.eventId, d.connector, d.lastError?.message])).toContainEqual([
      event.id,
      'salesforce',
      'Field Amount__c is not writable',
    ]);
    expect(pending.some((d) => d.eventId === event.id)).toBe(false);
    expect(await ledger.countByStatus({ status: 'FAILED' })).toBeGreaterThanOrEqual(1);
  });

  it('applies versions in order: an older event for the same object is stale', async () => {
    const claim = async (created: number, eventId: string) => {
      const input = { connector: 'salesforce' as const, objectId: 'sub_version', created, eventId };
      const result = await deliveries.claimVersion({ ...input, lockSeconds: 60 });
      await deliveries.releaseVersion(input);
      return result.outcome;
    };

    expect(await claim(200, 'evt_b')).toBe('fresh');
    expect(await claim(100, 'evt_a')).toBe('stale');
    expect(await claim(200, 'evt_c')).toBe('fresh');
    expect(await claim(300, 'evt_d')).toBe('fresh');
    expect(
      await deliveries.appliedVersion({ connector: 'salesforce', objectId: 'sub_version' }),
    ).toMatchObject({ created: 300, eventId: 'evt_d' });
    const otherConnector = await deliveries.claimVersion({
      connector: 'netsuite',
      objectId: 'sub_version',
      created: 100,
      eventId: 'evt_a',
      lockSeconds: 60,
    });
    expect(otherConnector).toEqual({ outcome: 'fresh', tie: false });
  });

  it('locks an object while one event is applied, so a newer one waits instead of racing', async () => {
    const base = { connector: 'netsuite' as const, objectId: 'in_locked' };
    const claim = (created: number, eventId: string) =>
      deliveries.claimVersion({ ...base, created, eventId, lockSeconds: 60 });

    const older = await claim(100, 'evt_old');
    const newerWhileLocked = await claim(200, 'evt_new');
    const olderAgain = await claim(100, 'evt_old');
    await deliveries.releaseVersion({ ...base, eventId: 'evt_new' });
    const stillLocked = await claim(200, 'evt_new');
    await deliveries.releaseVersion({ ...base, eventId: 'evt_old' });
    const newerAfterRelease = await claim(200, 'evt_new');

    expect(older).toEqual({ outcome: 'fresh', tie: false });
    expect(newerWhileLocked).toEqual({ outcome: 'locked', by: 'evt_old' });
    expect(olderAgain).toEqual({ outcome: 'fresh', tie: false });
    expect(stillLocked).toEqual({ outcome: 'locked', by: 'evt_old' });
    expect(newerAfterRelease).toEqual({ outcome: 'fresh', tie: false });
  });

  it('tells a connector to re-read the object when another event of the same second was applied', async () => {
    // Prepare
    const base = { connector: 'salesforce' as const, objectId: 'in_same_second', lockSeconds: 60 };
    const claim = async (eventId: string, created: number) => {
      const result = await deliveries.claimVersion({ ...base, created, eventId });
      await deliveries.releaseVersion({ ...base, eventId });
      return result;
    };

    // Act
    const first = await claim('evt_first', 500);
    const sameEventAgain = await claim('evt_first', 500);
    const otherSameSecond = await claim('evt_second', 500);
    const nextSecond = await claim('evt_third', 501);

    // Assess
    expect(first).toEqual({ outcome: 'fresh', tie: false });
    expect(sameEventAgain).toEqual({ outcome: 'fresh', tie: false });
    expect(otherSameSecond).toEqual({ outcome: 'fresh', tie: true });
    expect(nextSecond).toEqual({ outcome: 'fresh', tie: false });
  });

  it('lets a lock that was never released expire', async () => {
    const base = { connector: 'avalara' as const, objectId: 'in_expiring' };
    await deliveries.claimVersion({ ...base, created: 100, eventId: 'evt_dead', lockSeconds: 1 });

    const next = () =>
      deliveries.claimVersion({ ...base, created: 200, eventId: 'evt_next', lockSeconds: 60 });
    const blocked = await next();
    await new Promise((r) => setTimeout(r, 1_100));
    const afterExpiry = await next();

    expect(blocked.outcome).toBe('locked');
    expect(afterExpiry.outcome).toBe('fresh');
  });
});
