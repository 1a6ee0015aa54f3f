/**
 * Stripe does not promise order and delivers duplicates. Through the whole local hub (HTTP,
 * ledger, SQS, poller, consumer), a shuffled and duplicated history of one invoice must end with
 * the newest state applied, nothing applied twice, and every delivery settled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEvent } from '../../shared/events/types.ts';
import { eventually, recordingConsumer, startTestHub, type TestHub } from '../support/hub.ts';
import { buildEvent, openapiObject } from '../support/stripe.ts';

let hub: TestHub;
const { logic: warehouse, applied } = recordingConsumer();

beforeAll(async () => {
  hub = await startTestHub({ consumers: { warehouse } });
});

afterAll(async () => {
  await hub?.stop();
});

describe('out of order and duplicated events', () => {
  it('end with the newest state applied once, older ones skipped, duplicates dropped', async () => {
    // Prepare: an invoice's life, sent newest first and with resends.
    const invoice = openapiObject('invoice');
    invoice.id = 'in_chaos';
    const life = ['invoice.created', 'invoice.finalized', 'invoice.paid'].map((type, i) =>
      buildEvent({
        type,
        object: { ...invoice, status: type.split('.')[1] },
        created: 1_700_000_000 + i * 60,
      }),
    );
    const [created, finalized, paid] = life as [StripeEvent, StripeEvent, StripeEvent];
    const sent = [paid, created, paid, finalized, created, paid];

    // Act
    for (const event of sent) expect((await hub.post(JSON.stringify(event))).status).toBe(200);
    await eventually(async () => {
      const { events } = await hub.ledger.lineage('in_chaos');
      return (
        events.length === 3 &&
        events.every((t) =>
          t.deliveries.some((d) => d.connector === 'warehouse' && d.status !== 'PENDING'),
        )
      );
    });

    // Assess
    const { events } = await hub.ledger.lineage('in_chaos');
    const warehouse = Object.fromEntries(
      events.map((t) => [
        t.event.type,
        t.deliveries.find((d) => d.connector === 'warehouse')?.status,
      ]),
    );
    expect(applied.filter((e) => e.id === paid.id)).toHaveLength(1);
    expect(new Set(applied.map((e) => e.id)).size).toBe(applied.length);
    expect(warehouse['invoice.paid']).toBe('SUCCEEDED');
    expect(applied.at(-1)?.id).toBe(paid.id);
    for (const event of [created, finalized]) {
      const outcome = warehouse[event.type];
      // Older events either arrived before the newest and were applied first, or after and skipped.
      expect(['SUCCEEDED', 'SKIPPED_STALE']).toContain(outcome);
      expect(applied.filter((e) => e.id === event.id)).toHaveLength(
        outcome === 'SUCCEEDED' ? 1 : 0,
      );
    }
  });
});
