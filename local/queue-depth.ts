import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** How many messages a queue holds: waiting, being processed, and delayed. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  /** The queue's redrive policy, when it has a dead-letter queue. */
  redrivePolicy?: string;
}

/** Reads a queue's approximate depth (SQS's own counters). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    ...(a.RedrivePolicy ? { redrivePolicy: a.RedrivePolicy } : {}),
  };
}
