/**
 * `switchyard trace <evt_…|cus_…|sub_…|in_…> [--json]`: what happened to an event, or to every
 * event about a Stripe object, in every connector.
 */
import type { TracedEvent } from '../../shared/ledger/ledger.ts';
import type { Inspection } from './connect.ts';

export interface TraceResult {
  target: string;
  events: TracedEvent[];
}

export async function trace(inspection: Inspection, target: string): Promise<TraceResult> {
  if (target.startsWith('evt_')) {
    const traced = await inspection.ledger.getEvent(target);
    return { target, events: traced ? [traced] : [] };
  }
  return { target, events: await inspection.ledger.lineage(target) };
}

function when(created: number): string {
  return new Date(created * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The trace as a person reads it: events oldest first, each with its deliveries. */
export function formatTrace(result: TraceResult): string {
  if (result.events.length === 0) {
    return `Nothing in the ledger for ${result.target}. Check the id, or whether the event reached this hub (Stripe Dashboard → Developers → Webhooks).`;
  }
  const lines = [`${result.target}: ${result.events.length} event(s)`];
  for (const { event, deliveries } of result.events) {
    lines.push('');
    lines.push(
      `${when(event.created)}  ${event.eventId}  ${event.type}  object ${event.objectId ?? '-'}  api ${event.apiVersion ?? '-'}  received ${event.receivedAt}`,
    );
    if (deliveries.length === 0) lines.push('    (routed to no connector)');
    for (const d of [...deliveries].sort((a, b) => a.connector.localeCompare(b.connector))) {
      const parts = [
        `    ${d.connector.padEnd(11)}`,
        d.status.padEnd(13),
        `attempts ${d.attempts}`,
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
