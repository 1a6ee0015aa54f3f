/**
 * `switchyard trace <evt_…|cus_…|sub_…|in_…> [--json]`: what happened to an event, or to every
 * event about a Stripe object, in every connector.
 */
import type { TracedEvent } from '../../shared/ledger/ledger.ts';
import type { Inspection } from './connect.ts';

export interface TraceResult {
  target: string;
  events: TracedEvent[];
  /** Whether older events of the object were left out (see `limit`). */
  truncated: boolean;
}

/** An event's deliveries, or an object's lineage: its newest `limit` events, oldest first. */
export async function trace(
  inspection: Inspection,
  options: { target: string; limit?: number },
): Promise<TraceResult> {
  const { target } = options;
  if (target.startsWith('evt_')) {
    const traced = await inspection.ledger.getEvent(target);
    return { target, events: traced ? [traced] : [], truncated: false };
  }
  const lineage = await inspection.ledger.lineage(
    target,
    options.limit === undefined ? {} : { limit: options.limit },
  );
  return { target, truncated: lineage.truncated, events: inOrder(lineage.events) };
}

/**
 * Oldest first. Stripe's `created` has one-second resolution and a story's events mostly share
 * a second, so within one the hub's receive time orders them (the ledger's own sort key falls
 * back to the event id, which is random).
 */
export function inOrder(events: TracedEvent[]): TracedEvent[] {
  return [...events].sort(
    (a, b) =>
      a.event.created - b.event.created || a.event.receivedAt.localeCompare(b.event.receivedAt),
  );
}

function when(created: number): string {
  return new Date(created * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The trace as a person reads it: events oldest first, each with its deliveries. */
export function formatTrace(result: TraceResult): string {
  if (result.events.length === 0) {
    return `Nothing in the ledger for ${result.target}. Check the id, or whether the event reached this hub (Stripe Dashboard → Developers → Webhooks).`;
  }
  const lines = [
    `${result.target}: ${result.events.length} event(s)${result.truncated ? ' (the newest; older ones left out, see --limit)' : ''}`,
  ];
  for (const { event, deliveries } of result.events) {
    lines.push('');
    lines.push(
      `${when(event.created)}  ${event.eventId}  ${event.type}  object ${event.objectId ?? '-'}  api ${event.apiVersion ?? '-'}  received ${event.receivedAt}`,
    );
    if (deliveries.length === 0) lines.push('    (routed to no connector)');
    const enqueued = new Set(event.enqueuedTo ?? []);
    for (const d of [...deliveries].sort((a, b) => a.connector.localeCompare(b.connector))) {
      const parts = [
        `    ${d.connector.padEnd(11)}`,
        d.status.padEnd(13),
        `attempts ${d.attempts}`,
        ...(d.status === 'PENDING'
          ? [enqueued.has(d.connector) ? 'on its queue' : 'not known to be enqueued']
          : []),
        `updated ${d.updatedAt}`,
      ];
      if (d.targetIds && Object.keys(d.targetIds).length > 0) {
        parts.push(
          `targets ${Object.entries(d.targetIds)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        );
      }
      lines.push(parts.join('  '));
      if (d.lastError) {
        lines.push(
          `        last error (${d.lastError.kind}): ${d.lastError.name}: ${d.lastError.message}`,
        );
      }
    }
  }
  return lines.join('\n');
}
