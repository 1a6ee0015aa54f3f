/**
 * When our side fails, Stripe must be told to retry (5xx), and the retry must be fanned out
 * exactly once: DynamoDB down, SQS down, and a function that dies between recording and
 * enqueueing.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { toApiGatewayEvent } from '../../local/http-host.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { createDynamoDbClient, createSqsClient } from '../../shared/aws.ts';
import { Router } from '../../shared/events/routing.ts';
import type { StripeEvent } from '../../shared/events/types.ts';
import { createIngress } from '../../shared/ingress/ingress.ts';
import { WebhookVerifier } from '../../shared/ingress/verify.ts';
import { createLogger } from '../../shared/logger.ts';
import { PayloadStore } from '../../shared/queue/payload-store.ts';
import { QueuePublisher } from '../../shared/queue/publisher.ts';
import { freshResources, localAws } from '../support/aws.ts';
import { startTestHub } from '../support/hub.ts';
import { buildEvent, newSecret, openapiObject, sign } from '../support/stripe.ts';
import { startToggleProxy } from '../support/toggle-proxy.ts';

const aws = localAws();
const dynamoProxy = await startToggleProxy(aws.endpoints.dynamodb ?? '');
const sqsProxy = await startToggleProxy(aws.endpoints.sqs ?? '');

afterAll(async () => {
  await Promise.all([dynamoProxy.close(), sqsProxy.close()]);
});

function invoiceEvent(): StripeEvent {
  const invoice = openapiObject('invoice');
  invoice.id = `in_${Math.random().toString(36).slice(2, 12)}`;
  return buildEvent({ type: 'invoice.finalized', object: invoice });
}

const ROUTES = ['salesforce', 'netsuite', 'avalara', 'warehouse'] as const;

describe.each([
  ['DynamoDB', dynamoProxy],
  ['SQS', sqsProxy],
])('%s down', (_name, proxy) => {
  it('answers 5xx so Stripe retries, and the retry is fanned out exactly once', async () => {
    // Prepare
    const hub = await startTestHub({
      dynamodbEndpoint: dynamoProxy.endpoint,
      sqsEndpoint: sqsProxy.endpoint,
    });
    try {
      const body = JSON.stringify(invoiceEvent());

      // Act
      proxy.down();
      const during = await hub.post(body);
      proxy.up();
      const retry = await hub.post(body);
      const again = await hub.post(body);

      // Assess
      expect(during.status).toBe(503);
      expect(during.json).toMatchObject({ error: { reason: 'temporarily_unavailable' } });
      expect(retry).toMatchObject({ status: 200, json: { duplicate: false } });
      expect(again).toMatchObject({ status: 200, json: { duplicate: true } });
      for (const connector of ROUTES) expect(await hub.depth(connector), connector).toBe(1);
    } finally {
      proxy.up();
      await hub.stop();
    }
  });
});

describe('a function that dies between recording and enqueueing', () => {
  it('loses nothing: after the lock expires, Stripe’s retry is fanned out exactly once', async () => {
    // Prepare: two "containers" on the same tables and queues; the first never finishes
    // sending, as if it crashed right after writing the ledger.
    const r = await freshResources();
    const secret = newSecret();
    const queueUrls = Object.fromEntries(ROUTES.map((c) => [c, r.queues[c].queueUrl]));
    const container = (publisher: QueuePublisher) =>
      createIngress({
        verifier: new WebhookVerifier({ toleranceSeconds: 300, livemode: false }),
        secrets: async () => [secret],
        router: new Router(),
        ledger: r.ledger,
        publisher,
        payloads: new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket }),
        idempotencyStore: new DynamoDBPersistenceLayer({
          tableName: r.names.idempotencyTable,
          awsSdkV3Client: createDynamoDbClient(r.aws),
        }),
        logger: createLogger('test', { logLevel: 'SILENT' }),
      });
    const working = new QueuePublisher({ client: createSqsClient(r.aws), queueUrls });
    const crashing = Object.assign(Object.create(QueuePublisher.prototype) as QueuePublisher, {
      publish: () => new Promise<never>(() => undefined),
    });
    const event = invoiceEvent();
    const body = JSON.stringify(event);
    const request = () =>
      toApiGatewayEvent({
        method: 'POST',
        url: '/webhooks/stripe',
        rawHeaders: ['content-type', 'application/json', 'stripe-signature', sign(body, secret)],
        body: Buffer.from(body),
        routeKey: 'POST /webhooks/stripe',
      });
    const context = () => lambdaContext({ functionName: 'stripe-webhook', timeoutSeconds: 1 });

    // Act
    void container(crashing)(request(), context());
    while (!(await r.ledger.getEvent(event.id))) await new Promise((s) => setTimeout(s, 20));
    const whileLocked = await container(working)(request(), context());
    await new Promise((s) => setTimeout(s, 1_200));
    const afterExpiry = await container(working)(request(), context());

    // Assess
    expect(whileLocked.statusCode).toBe(503);
    expect(JSON.parse(whileLocked.body ?? '{}')).toMatchObject({
      error: { reason: 'in_progress' },
    });
    expect(afterExpiry.statusCode).toBe(200);
    expect(JSON.parse(afterExpiry.body ?? '{}')).toMatchObject({ id: event.id, duplicate: false });
    for (const connector of ROUTES) {
      const attributes = await r.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: r.queues[connector].queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      expect(Number(attributes.Attributes?.ApproximateNumberOfMessages), connector).toBe(1);
    }
  });
});
