/**
 * `switchyard status [--json]`: queue and dead-letter depths per connector, deliveries by status.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { ConnectorName } from '../../shared/connectors.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../shared/ledger/records.ts';
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
  deliveries: Record<DeliveryStatus, number>;
}

async function depth(inspection: Inspection, queueUrl: string) {
  const result = await inspection.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return result.Attributes ?? {};
}

async function deadLetterDepth(inspection: Inspection, redrivePolicy: string | undefined) {
  if (!redrivePolicy) return null;
  const arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  const name = arn?.split(':').at(-1);
  if (!name) return null;
  const { QueueUrl } = await inspection.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!QueueUrl) return null;
  return Number((await depth(inspection, QueueUrl)).ApproximateNumberOfMessages ?? 0);
}

export async function status(inspection: Inspection): Promise<StatusReport> {
  const queues: QueueStatus[] = [];
  for (const [connector, url] of Object.entries(inspection.queueUrls) as [
    ConnectorName,
    string,
  ][]) {
    const a = await depth(inspection, url);
    queues.push({
      connector,
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
      deadLetters: await deadLetterDepth(inspection, a.RedrivePolicy),
    });
  }
  const counts = await Promise.all(
    DELIVERY_STATUSES.map((s) => inspection.ledger.countByStatus(s)),
  );
  const deliveries = Object.fromEntries(
    DELIVERY_STATUSES.map((s, i) => [s, counts[i] ?? 0]),
  ) as Record<DeliveryStatus, number>;
  return { where: inspection.where, queues, deliveries };
}

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
  lines.push('', 'deliveries by status');
  for (const [s, n] of Object.entries(report.deliveries)) lines.push(`  ${s.padEnd(14)} ${n}`);
  return lines.join('\n');
}
