/**
 * When our side fails, Stripe must be told to retry (5xx), and the retry must be fanned out
 * exactly once: DynamoDB down, SQS down, and a function that dies between recording and
 * enqueueing.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { afterAll, describe, expect, it } from 'vitest';
import { toApiGatewayEvent } from '../../local/http-host.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { queueDepth } from '../../local/queue-depth.ts';
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

/**
 * Ingress "containers" sharing one set of tables and queues, each with its ports replaceable,
 * called directly with API Gateway events (no HTTP), so a test can stop one mid-way.
 */
async function containers() {
  const r = await freshResources();
  const secret = newSecret();
  const queueUrls = Object.fromEntries(ROUTES.map((c) => [c, r.queues[c].queueUrl]));
  const working = new QueuePublisher({ client: createSqsClient(r.aws), queueUrls });
  const store = () =>
    new DynamoDBPersistenceLayer({
      tableName: r.names.idempotencyTable,
      awsSdkV3Client: createDynamoDbClient(r.aws),
    });
  const container = (
    ports: { publisher?: QueuePublisher; idempotencyStore?: BasePersistenceLayer } = {},
  ) =>
    createIngress({
      verifier: new WebhookVerifier({ toleranceSeconds: 300, livemode: false }),
      secrets: async () => [secret],
      router: new Router(),
      ledger: r.ledger,
      publisher: ports.publisher ?? working,
      payloads: new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket }),
      idempotencyStore: ports.idempotencyStore ?? store(),
      logger: createLogger('test', { logLevel: 'SILENT' }),
    });
  const event = invoiceEvent();
  const body = JSON.stringify(event);
  const send = async (handler: ReturnType<typeof container>, timeoutSeconds = 2) => {
    const response = await handler(
      toApiGatewayEvent({
        method: 'POST',
        url: '/webhooks/stripe',
        rawHeaders: ['content-type', 'application/json', 'stripe-signature', sign(body, secret)],
        body: Buffer.from(body),
        routeKey: 'POST /webhooks/stripe',
      }),
      lambdaContext({ functionName: 'stripe-webhook', timeoutSeconds }),
    );
    return {
      status: response.statusCode,
      json: JSON.parse(response.body ?? '{}') as Record<string, unknown>,
    };
  };
  const depths = async () =>
    Object.fromEntries(
      await Promise.all(
        ROUTES.map(async (c) => {
          const d = await queueDepth(r.sqs, r.queues[c].queueUrl);
          return [c, d.visible + d.inFlight] as const;
        }),
      ),
    );
  /** Retries as Stripe does until the answer is not "in progress" (the lock has expired). */
  const retryUntilUnlocked = async (handler: ReturnType<typeof container>) => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const answer = await send(handler);
      if (answer.status !== 503) return answer;
      await new Promise((s) => setTimeout(s, 250));
    }
    throw new Error('the lock never expired');
  };
  return { r, event, container, working, store, send, depths, retryUntilUnlocked };
}

const ONE_EACH = { salesforce: 1, netsuite: 1, avalara: 1, warehouse: 1 };

describe('a function that dies between recording and enqueueing', () => {
  it('loses nothing: after the lock expires, Stripe’s retry is fanned out exactly once', async () => {
    // Prepare: the first container never finishes sending, as if it crashed after the ledger write.
    const t = await containers();
    const crashing = Object.assign(Object.create(QueuePublisher.prototype) as QueuePublisher, {
      publish: () => new Promise<never>(() => undefined),
    });

    // Act
    void t.send(t.container({ publisher: crashing }));
    while (!(await t.r.ledger.getEvent(t.event.id))) await new Promise((s) => setTimeout(s, 20));
    const whileLocked = await t.send(t.container());
    const afterExpiry = await t.retryUntilUnlocked(t.container());

    // Assess
    expect(whileLocked).toMatchObject({ status: 503, json: { error: { reason: 'in_progress' } } });
    expect(afterExpiry).toMatchObject({ status: 200, json: { id: t.event.id, duplicate: false } });
    expect(await t.depths()).toEqual(ONE_EACH);
  });
});

describe('a fan-out that reaches only some queues', () => {
  it('answers 5xx, and the retry sends only to the queues that were missed', async () => {
    // Prepare: the netsuite queue refuses the first send.
    const t = await containers();
    let refusals = 1;
    const flaky = Object.assign(Object.create(QueuePublisher.prototype) as QueuePublisher, {
      publish: async (input: Parameters<QueuePublisher['publish']>[0]) => {
        if (refusals-- <= 0) return t.working.publish(input);
        const others = input.connectors.filter((c) => c !== 'netsuite');
        const outcome = await t.working.publish({ ...input, connectors: others });
        return {
          ...outcome,
          failed: [{ connector: 'netsuite' as const, error: new Error('503 from SQS') }],
        };
      },
    });
    const handler = t.container({ publisher: flaky });

    // Act
    const first = await t.send(handler);
    const retry = await t.send(handler);

    // Assess
    expect(first).toMatchObject({
      status: 503,
      json: { error: { reason: 'temporarily_unavailable' } },
    });
    expect(retry).toMatchObject({ status: 200, json: { duplicate: false } });
    expect(await t.depths()).toEqual(ONE_EACH);
    expect((await t.r.ledger.getEvent(t.event.id, { consistent: true }))?.event.enqueuedTo).toEqual(
      [...ROUTES].sort(),
    );
  });
});

describe('an idempotency store that fails after the fan-out', () => {
  it('answers 200 (the ledger holds the truth), and a later resend sends nothing again', async () => {
    // Prepare: the store cannot save COMPLETE once.
    const t = await containers();
    class FailingOnce extends DynamoDBPersistenceLayer {
      failures = 1;
      protected override async _updateRecord(
        record: Parameters<DynamoDBPersistenceLayer['_updateRecord']>[0],
      ) {
        if (this.failures-- > 0) throw new Error('DynamoDB is unavailable');
        return super._updateRecord(record);
      }
    }
    const store = new FailingOnce({
      tableName: t.r.names.idempotencyTable,
      awsSdkV3Client: createDynamoDbClient(t.r.aws),
    });

    // Act
    const first = await t.send(t.container({ idempotencyStore: store }));
    const resend = await t.retryUntilUnlocked(t.container());

    // Assess
    expect(first).toMatchObject({ status: 200, json: { id: t.event.id, duplicate: false } });
    expect(resend).toMatchObject({ status: 200, json: { duplicate: true, routes: [...ROUTES] } });
    expect(await t.depths()).toEqual(ONE_EACH);
  });
});
