/**
 * Fan-out messages against fauxqs and S3: what a connector receives is the event Stripe sent,
 * inline or behind an S3 pointer, and a queue that cannot be reached is reported, not hidden.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { parseConnectorMessage } from '../../../shared/queue/message.ts';
import { PayloadStore } from '../../../shared/queue/payload-store.ts';
import { fitsInMessage, QueuePublisher } from '../../../shared/queue/publisher.ts';
import { MAX_SQS_MESSAGE_BYTES } from '../../../shared/resources.ts';
import { freshResources } from '../../support/aws.ts';
import { buildEvent, openapiObject } from '../../support/stripe.ts';

const r = await freshResources();
const payloads = new PayloadStore({ client: async () => r.s3, bucket: r.names.payloadBucket });

async function receiveOne(queueUrl: string) {
  const { Messages = [] } = await r.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  expect(Messages).toHaveLength(1);
  return parseConnectorMessage(Messages[0]?.Body ?? '');
}

describe('QueuePublisher and PayloadStore', () => {
  it('sends the raw body inside the message, byte for byte', async () => {
    // Prepare: Stripe's own formatting, which re-serialising would change.
    const event = buildEvent({ type: 'customer.updated', object: openapiObject('customer') });
    const rawBody = JSON.stringify(event, null, 2);
    const publisher = new QueuePublisher({
      client: r.sqs,
      queueUrls: { netsuite: r.queues.netsuite.queueUrl },
    });

    // Act
    const outcome = await publisher.publish({ event, rawBody, connectors: ['netsuite'] });
    const message = await receiveOne(r.queues.netsuite.queueUrl);

    // Assess
    expect(outcome).toEqual({ sent: ['netsuite'], failed: [] });
    expect(message).toMatchObject({
      v: 1,
      connector: 'netsuite',
      eventId: event.id,
      type: 'customer.updated',
      created: event.created,
    });
    expect(await payloads.resolve(message)).toEqual(event);
  });

  it('sends a pointer for a payload too large for one message, and resolves it', async () => {
    const event = buildEvent({ type: 'invoice.updated', object: openapiObject('invoice') });
    event.data.object.metadata = { big: 'x'.repeat(MAX_SQS_MESSAGE_BYTES) };
    const rawBody = JSON.stringify(event);
    expect(fitsInMessage(Buffer.byteLength(rawBody))).toBe(false);
    const publisher = new QueuePublisher({
      client: r.sqs,
      queueUrls: { avalara: r.queues.avalara.queueUrl },
    });

    const payloadRef = await payloads.put({ eventId: event.id, rawBody });
    await publisher.publish({ event, rawBody, payloadRef, connectors: ['avalara'] });
    const message = await receiveOne(r.queues.avalara.queueUrl);

    expect(message).toMatchObject({
      payloadRef: {
        bucket: r.names.payloadBucket,
        key: expect.stringMatching(/^events\/evt_\w+\.[0-9a-f]{16}\.json$/),
      },
    });
    expect(await payloads.resolve(message)).toEqual(event);
  });

  it('reports the connectors it could not reach and still sends to the others', async () => {
    const event = buildEvent({ type: 'customer.created', object: openapiObject('customer') });
    const publisher = new QueuePublisher({
      client: r.sqs,
      queueUrls: {
        warehouse: r.queues.warehouse.queueUrl,
        salesforce: `${r.queues.salesforce.queueUrl}-that-does-not-exist`,
      },
    });

    const outcome = await publisher.publish({
      event,
      rawBody: JSON.stringify(event),
      connectors: ['salesforce', 'warehouse', 'netsuite'],
    });

    expect(outcome.sent).toEqual(['warehouse']);
    expect(outcome.failed.map((f) => f.connector)).toEqual(['salesforce', 'netsuite']);
    expect(String(outcome.failed[1]?.error)).toMatch(
      /No queue URL is configured for the netsuite connector/,
    );
    expect((await receiveOne(r.queues.warehouse.queueUrl)).eventId).toBe(event.id);
  });

  it('refuses a message the ingress did not write', () => {
    expect(() => parseConnectorMessage('{"hello":"world"}')).toThrow(
      /not a Switchyard v1 connector message/,
    );
    expect(() => parseConnectorMessage('<xml/>')).toThrow(/not JSON/);
  });
});
