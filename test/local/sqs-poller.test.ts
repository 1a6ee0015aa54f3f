/**
 * The laptop's event source mapping against real SQS (fauxqs): it gathers a batch past SQS's 10
 * messages per receive within the batching window, deletes what succeeded, and leaves what the
 * handler reported as failed for SQS to deliver again.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { queueDepth } from '../../local/queue-depth.ts';
import { startSqsPoller } from '../../local/sqs-poller.ts';
import { freshResources } from '../support/aws.ts';
import { eventually } from '../support/hub.ts';

const r = await freshResources();

async function queueWith(count: number): Promise<string> {
  const queueUrl =
    (
      await r.sqs.send(
        new CreateQueueCommand({
          QueueName: `poller-${randomBytes(4).toString('hex')}`,
          Attributes: { VisibilityTimeout: '1' },
        }),
      )
    ).QueueUrl ?? '';
  for (let i = 0; i < count; i += 10) {
    await r.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          Id: String(j),
          MessageBody: `message ${i + j}`,
        })),
      }),
    );
  }
  return queueUrl;
}

describe('startSqsPoller', () => {
  it('gathers a batch of more than ten, deletes the successes and leaves the failures', async () => {
    // Prepare
    const queueUrl = await queueWith(35);
    const batches: SQSEvent[] = [];
    let failOnce = 'message 7';

    // Act
    const poller = startSqsPoller({
      client: r.sqs,
      queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:poller',
      functionName: 'test',
      timeoutSeconds: 10,
      batchSize: 100,
      batchWindowMs: 300,
      handler: async (event) => {
        batches.push(event);
        const failed = event.Records.filter((record) => record.body === failOnce);
        failOnce = '';
        return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.messageId })) };
      },
    });
    await eventually(async () => {
      const depth = await queueDepth(r.sqs, queueUrl);
      return batches.length >= 2 && depth.visible + depth.inFlight === 0;
    }, 15_000);
    await poller.stop();

    // Assess
    expect(batches[0]?.Records.length).toBe(35);
    expect(batches.slice(1).flatMap((b) => b.Records.map((record) => record.body))).toEqual([
      'message 7',
    ]);
  });
});
