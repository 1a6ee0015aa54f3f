/**
 * `switchyard trace` lists an object's events oldest first; within one second (Stripe's
 * resolution) in the order the hub received them, not by their random ids.
 */
import { describe, expect, it } from 'vitest';
import { inOrder } from '../../local/cli/trace.ts';
import type { TracedEvent } from '../../shared/ledger/ledger.ts';

function traced(eventId: string, created: number, receivedAt: string): TracedEvent {
  return { event: { eventId, created, receivedAt } as TracedEvent['event'], deliveries: [] };
}

describe('trace order', () => {
  it('sorts by second, then by when the hub received each event', () => {
    // Prepare: ids sort the other way round from arrival.
    const events = [
      traced('evt_c', 100, '2026-11-26T10:00:00.300Z'),
      traced('evt_z', 99, '2026-11-26T10:00:05.000Z'),
      traced('evt_a', 100, '2026-11-26T10:00:00.900Z'),
      traced('evt_b', 100, '2026-11-26T10:00:00.100Z'),
    ];

    // Act
    const ordered = inOrder(events).map((t) => t.event.eventId);

    // Assess
    expect(ordered).toEqual(['evt_z', 'evt_b', 'evt_c', 'evt_a']);
  });
});
