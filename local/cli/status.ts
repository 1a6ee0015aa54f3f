/**
 * `switchyard status [--json]`: queue and dead-letter depths per connector, and the deliveries
 * that need attention (pending, failed, dead) by status.
 */
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { ConnectorName } from '../../shared/connectors.ts';
import { ATTENTION_STATUSES, type AttentionStatus } from '../../shared/ledger/records.ts';
import { queueDepth } from '../queue-depth.ts';
import type { Inspection } from './connect.ts';

export interface QueueStatus {
  connector: ConnectorName;
  visible: number;
  inFlight: number;
  delayed: number;
  deadLetters: number | null;
}

export interface StatusReport {
  where: string;
  queues: QueueStatus[];
  deliveries: Record<AttentionStatus, number>;
}

async function deadLetterDepth(inspection: Inspection, redrivePolicy: string | undefined) {
  if (!redrivePolicy) return null;
  const arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  const name = arn?.split(':').at(-1);
  if (!name) return null;
  const { QueueUrl } = await inspection.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  return QueueUrl ? (await queueDepth(inspection.sqs, QueueUrl)).visible : null;
}

/** Reads the queues' counters and counts the deliveries on the ledger's status index. */
export async function status(inspection: Inspection): Promise<StatusReport> {
  const queues: QueueStatus[] = [];
  for (const [connector, url] of Object.entries(inspection.queueUrls) as [
    ConnectorName,
    string,
  ][]) {
    const { redrivePolicy, ...depth } = await queueDepth(inspection.sqs, url);
    queues.push({
      connector,
      ...depth,
      deadLetters: await deadLetterDepth(inspection, redrivePolicy),
    });
  }
  const counts = await Promise.all(
    ATTENTION_STATUSES.map((s) => inspection.ledger.countByStatus({ status: s })),
  );
  const deliveries = Object.fromEntries(
    ATTENTION_STATUSES.map((s, i) => [s, counts[i] ?? 0]),
  ) as Record<AttentionStatus, number>;
  return { where: inspection.where, queues, deliveries };
}

/** The report as a person reads it. */
export function formatStatus(report: StatusReport): string {
  const lines = [
    `Switchyard status: ${report.where}`,
    '',
    'queue        waiting  in flight  delayed  dead letters',
  ];
  for (const q of report.queues) {
    lines.push(
      `${q.connector.padEnd(12)} ${String(q.visible).padStart(7)}  ${String(q.inFlight).padStart(9)}  ${String(q.delayed).padStart(7)}  ${String(q.deadLetters ?? '-').padStart(12)}`,
    );
  }
  lines.push('', 'deliveries that need attention');
  for (const [s, n] of Object.entries(report.deliveries)) lines.push(`  ${s.padEnd(8)} ${n}`);
  lines.push('', 'Trace one with: npx switchyard trace <evt_…|cus_…|in_…>');
  return lines.join('\n');
}
