/**
 * A connector consumer on a queue and dead-letter queue of the test's own, against the shared
 * local SQS and DynamoDB: record events as the ingress does, enqueue them, receive real SQS
 * batches and run the consumer on them.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context.ts';
import { queueDepth } from '../../local/queue-depth.ts';
import { toSqsRecord } from '../../local/sqs-poller.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import type { StripeEvent } from '../../shared/events/types.ts';
import { createLogger } from '../../shared/logger.ts';
import { PayloadStore } from '../../shared/queue/payload-store.ts';
import { QueuePublisher } from '../../shared/queue/publisher.ts';
import type { freshResources } from './aws.ts';
import { buildEvent, openapiObject } from './stripe.ts';

type Resources = Awaited<ReturnType<typeof freshResources>>;

/** What every consumer needs besides its logic, for the harness's own queues. */
export interface HarnessQueues {
  connector: ConnectorName;
  deliveries: Resources['deliveries'];
  payloads: PayloadStore;
  sqs: Resources['sqs'];
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  logger: ReturnType<typeof createLogger>;
}

export async function consumerHarness(options: {
  r: Resources;
  connector: ConnectorName;
  visibilitySeconds?: number;
  handler: (
    queues: HarnessQueues,
  ) => (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
}) {
  const { r, connector } = options;
  const name = `consumer-${randomBytes(4).toString('hex')}`;
  const queueUrl =
    (
      await r.sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { VisibilityTimeout: String(options.visibilitySeconds ?? 30) },
        }),
      )
    ).QueueUrl ?? '';
  const dlqUrl =
    (await r.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl ?? '';
  const handler = options.handler({
    connector,
    deliveries: r.deliveries,
    payloads: new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket }),
    sqs: r.sqs,
    queueUrl,
    dlqUrl,
    maxReceiveCount: 5,
    logger: createLogger('test', { logLevel: 'SILENT' }),
  });
  const publisher = new QueuePublisher({ client: r.sqs, queueUrls: { [connector]: queueUrl } });

  /** Records the events as the ingress does, enqueues each `copies` times, receives a batch. */
  async function enqueue(
    events: StripeEvent[],
    enqueueOptions: { copies?: number; record?: boolean } = {},
  ): Promise<SQSRecord[]> {
    for (const event of events) {
      const raw = JSON.stringify(event);
      if (enqueueOptions.record !== false) {
        await r.ledger.recordEvent({
          event,
          routes: [connector],
          receivedAt: new Date().toISOString(),
          payloadBytes: raw.length,
          payload: raw,
        });
      }
      for (let i = 0; i < (enqueueOptions.copies ?? 1); i++) {
        await publisher.publish({ event, rawBody: raw, connectors: [connector] });
      }
    }
    const records: SQSRecord[] = [];
    // SQS hands out at most 10 per receive; a batching window gathers more.
    for (;;) {
      const received = await r.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
          WaitTimeSeconds: records.length === 0 ? 1 : 0,
        }),
      );
      const messages = received.Messages ?? [];
      records.push(
        ...messages.map((m) =>
          toSqsRecord(m, { queueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` }),
        ),
      );
      if (messages.length === 0) return records;
    }
  }

  const run = (records: SQSRecord[]) =>
    handler(
      { Records: records },
      lambdaContext({ functionName: `connector-${connector}`, timeoutSeconds: 60 }),
    );
  const depth = async (which: 'queue' | 'dlq') => {
    const d = await queueDepth(r.sqs, which === 'queue' ? queueUrl : dlqUrl);
    return d.visible + d.inFlight;
  };
  /** The connector's delivery of an event, as the ledger holds it. */
  const delivery = async (eventId: string) =>
    (await r.ledger.getEvent(eventId, { consistent: true }))?.deliveries.find(
      (d) => d.connector === connector,
    );
  return { enqueue, run, depth, delivery, queueUrl, dlqUrl };
}

/** An `invoice.paid` event of a fixture invoice (a fresh id unless given). */
export function invoiceEvent(
  options: { created?: number; invoiceId?: string; apiVersion?: string } = {},
): StripeEvent {
  const invoice = openapiObject('invoice');
  invoice.id = options.invoiceId ?? `in_${Math.random().toString(36).slice(2, 10)}`;
  return buildEvent({
    type: 'invoice.paid',
    object: invoice,
    created: options.created ?? 1_700_000_000,
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  });
}
