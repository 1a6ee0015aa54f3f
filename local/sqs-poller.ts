/**
 * The laptop's event source mapping: long-polls a queue, hands real SQS batches to a consumer
 * handler as Lambda would, deletes what succeeded and leaves `batchItemFailures` for SQS to
 * redeliver (and, past the queue's maxReceiveCount, to move to the dead-letter queue).
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

export type SqsHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>;

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  timeoutSeconds: number;
  /** At most this many messages per batch (SQS hands out 10 per receive; more are gathered). */
  batchSize?: number;
  /** How long to keep gathering a batch once its first message arrived (the batching window). */
  batchWindowMs?: number;
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

/** The record Lambda's SQS event source would build from a received message. */
export function toSqsRecord(message: Message, options: { queueArn: string }): SQSRecord {
  const a = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: 'us-east-1',
  };
}

export interface SqsPoller {
  stop(): Promise<void>;
}

/** Polls one queue until `stop()`, which waits for the batch in hand to finish. */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  let running = true;
  const abort = new AbortController();
  const batchSize = options.batchSize ?? 10;
  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const received = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return received.Messages ?? [];
  };
  /** One batch: a long poll for the first messages, then more until full or the window ends. */
  const gather = async (): Promise<Message[]> => {
    const messages = await receive(batchSize, options.waitTimeSeconds ?? 1);
    const until = Date.now() + (options.batchWindowMs ?? 0);
    while (messages.length > 0 && messages.length < batchSize && Date.now() < until && running) {
      // Stopping ends the window: the messages in hand are still handled, not stranded.
      const more = await receive(batchSize - messages.length, 0).catch((error: unknown) => {
        if (running) throw error;
        return [];
      });
      messages.push(...more);
      if (more.length === 0)
        await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())));
    }
    return messages;
  };
  const loop = (async () => {
    while (running) {
      try {
        const messages = await gather();
        if (messages.length === 0) continue;
        const records = messages.map((m) => toSqsRecord(m, options));
        const context = lambdaContext({
          functionName: options.functionName,
          timeoutSeconds: options.timeoutSeconds,
        });
        let failed: Set<string>;
        try {
          const response = await options.handler({ Records: records }, context);
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          // A thrown handler fails the whole batch, as in Lambda.
          options.onError?.(error);
          failed = new Set(records.map((r) => r.messageId));
        }
        const done = records.filter((r) => !failed.has(r.messageId));
        // SQS deletes at most 10 messages per call; a gathered batch holds more.
        for (let i = 0; i < done.length; i += 10) {
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done
                .slice(i, i + 10)
                .map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
