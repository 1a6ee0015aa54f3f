/** A hub on the run's shared local servers, and what the tests do with it over HTTP. */
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Hub, type HubOptions, startHub } from '../../local/hub.ts';
import { queueDepth } from '../../local/queue-depth.ts';
import { createDocumentClient, createSqsClient } from '../../shared/aws.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import type { StripeEvent } from '../../shared/events/types.ts';
import { Ledger } from '../../shared/ledger/ledger.ts';
import type { ApplyResult, ConnectorLogic } from '../../shared/queue/consumer.ts';
import { localAws, uniquePrefix } from './aws.ts';
import { newSecret, sign } from './stripe.ts';

export interface TestHub extends Hub {
  secret: string;
  ledger: Ledger;
  sqs: SQSClient;
  /** POSTs a body signed with the hub's secret (or the given signature header). */
  post(
    body: string,
    options?: { signature?: string | null; secret?: string },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Messages waiting on a connector's queue (or its dead-letter queue). */
  depth(connector: ConnectorName, options?: { dlq?: boolean }): Promise<number>;
  /** Takes every waiting message off a connector's queue and returns their bodies. */
  drain(connector: ConnectorName): Promise<string[]>;
}

export async function startTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const secret = options.webhookSecrets?.[0] ?? newSecret();
  const aws = localAws();
  const hub = await startHub({
    port: 0,
    webhookSecrets: [secret],
    dynamodbEndpoint: aws.endpoints.dynamodb,
    sqsEndpoint: aws.endpoints.sqs,
    namePrefix: uniquePrefix(),
    logLevel: 'SILENT',
    ...options,
  });
  const documents = createDocumentClient(aws);
  const sqs = createSqsClient(aws);
  const ledger = new Ledger({ client: documents, tableName: hub.names.ledgerTable, ttlDays: 90 });
  return {
    ...hub,
    secret,
    ledger,
    sqs,
    async post(body, postOptions = {}) {
      const signature =
        postOptions.signature === undefined
          ? sign(body, postOptions.secret ?? secret)
          : postOptions.signature;
      const response = await fetch(hub.webhookUrl, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...(signature === null ? {} : { 'stripe-signature': signature }),
        },
      });
      const text = await response.text();
      return {
        status: response.status,
        json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async depth(connector, depthOptions = {}) {
      const queue = hub.queues[connector];
      const d = await queueDepth(sqs, depthOptions.dlq ? queue.dlqUrl : queue.queueUrl);
      return d.visible + d.inFlight;
    },
    async drain(connector) {
      const bodies: string[] = [];
      for (;;) {
        const page = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: hub.queues[connector].queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 600,
            WaitTimeSeconds: 0,
          }),
        );
        if (!page.Messages?.length) return bodies;
        bodies.push(...page.Messages.map((m) => m.Body ?? ''));
      }
    },
    async stop() {
      await hub.stop();
      documents.destroy();
      sqs.destroy();
    },
  };
}

/** Polls `check` until it returns true or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A consumer (e.g. the warehouse's) that accepts every API version and keeps each event it is
 * given, in order, in `applied`; each apply answers `result`.
 */
export function recordingConsumer(result: ApplyResult = {}): {
  logic: ConnectorLogic;
  applied: StripeEvent[];
} {
  const applied: StripeEvent[] = [];
  const logic: ConnectorLogic = {
    supportsApiVersion: () => true,
    apply: async (event) => {
      applied.push(event);
      return result;
    },
  };
  return { logic, applied };
}
