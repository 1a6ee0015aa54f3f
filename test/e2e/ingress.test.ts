/**
 * Signed Stripe events over HTTP into the local hub: what Stripe (or an attacker) sends, what the
 * hub answers, and what ends up in the ledger and on the queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../shared/connectors.ts';
import { Router } from '../../shared/events/routing.ts';
import type { StripeEvent } from '../../shared/events/types.ts';
import { parseConnectorMessage } from '../../shared/queue/message.ts';
import { eventually, recordingConsumer, startTestHub, type TestHub } from '../support/hub.ts';
import {
  buildEvent,
  eventId,
  fixtureEvents,
  newSecret,
  openapiObject,
  sign,
} from '../support/stripe.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.stop();
});

function customerEvent(overrides: { livemode?: boolean } = {}): StripeEvent {
  const customer = openapiObject('customer');
  customer.id = `cus_${Math.random().toString(36).slice(2, 12)}`;
  return buildEvent({ type: 'customer.created', object: customer, ...overrides });
}

async function totalDepth(): Promise<number> {
  const depths = await Promise.all(CONNECTORS.map((c) => hub.depth(c)));
  return depths.reduce((a, b) => a + b, 0);
}

describe('bad input gets a clear answer and stores nothing', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['a missing signature', () => null, 'missing_signature'],
    ['a garbled signature', () => 'garbage', 'malformed_signature'],
    [
      'a signature made with the wrong secret',
      (body: string) => sign(body, newSecret()),
      'signature_mismatch',
    ],
    [
      'an expired signature',
      (body: string) => sign(body, hub.secret, now() - 600),
      'timestamp_outside_tolerance',
    ],
  ])('%s → 400 with a reason', async (_name, signature, reason) => {
    // Prepare
    const event = customerEvent();
    const body = JSON.stringify(event);
    const before = await totalDepth();

    // Act
    const response = await hub.post(body, { signature: signature(body) });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { reason } });
    expect(await hub.ledger.getEvent(event.id)).toBeUndefined();
    expect(await totalDepth()).toBe(before);
  });

  it('a signed body that is not a Stripe event → 400', async () => {
    const response = await hub.post(JSON.stringify({ hello: 'world' }));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { reason: 'not_a_stripe_event' } });
  });

  it('a body over 1 MiB → 413', async () => {
    const event = customerEvent();
    event.data.object.metadata = { padding: 'x'.repeat(1_100_000) };
    const response = await hub.post(JSON.stringify(event));
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ error: { reason: 'payload_too_large' } });
    expect(await hub.ledger.getEvent(event.id)).toBeUndefined();
  });

  it('a live-mode event on a test-mode hub → 400', async () => {
    const event = customerEvent({ livemode: true });
    const response = await hub.post(JSON.stringify(event));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { reason: 'livemode_mismatch' } });
    expect(await hub.ledger.getEvent(event.id)).toBeUndefined();
  });
});

describe('secret rotation', () => {
  it('accepts events signed with the old and the new secret while both are configured', async () => {
    const older = newSecret();
    const newer = newSecret();
    const rotating = await startTestHub({ webhookSecrets: [older, newer] });
    try {
      for (const secret of [older, newer]) {
        const response = await rotating.post(JSON.stringify(customerEvent()), { secret });
        expect(response.status).toBe(200);
      }
      const stranger = await rotating.post(JSON.stringify(customerEvent()), {
        secret: newSecret(),
      });
      expect(stranger.status).toBe(400);
    } finally {
      await rotating.stop();
    }
  });
});

describe('each event is fanned out once', () => {
  it('the same event sent twice in a row is enqueued once; the second answer says duplicate', async () => {
    const event = customerEvent();
    const body = JSON.stringify(event);
    const before = await hub.depth('salesforce');

    const first = await hub.post(body);
    const second = await hub.post(body);

    expect(first).toEqual({
      status: 200,
      json: {
        received: true,
        id: event.id,
        duplicate: false,
        routes: ['salesforce', 'netsuite', 'warehouse'],
      },
    });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ received: true, id: event.id, duplicate: true });
    expect(await hub.depth('salesforce')).toBe(before + 1);
  });

  it('an event id reused for another event type → 409, and the first event stands', async () => {
    const event = customerEvent();
    await hub.post(JSON.stringify(event));

    const reused = await hub.post(JSON.stringify({ ...event, type: 'customer.deleted' }));

    expect(reused.status).toBe(409);
    expect(reused.json).toMatchObject({ error: { reason: 'event_id_reused' } });
    expect((await hub.ledger.getEvent(event.id))?.event.type).toBe('customer.created');
  });

  it('the same event sent 20 times at once is enqueued once', async () => {
    // Prepare: a hub of its own, so queue depths count only this event.
    const quiet = await startTestHub();
    try {
      const body = JSON.stringify(customerEvent());

      // Act
      const answers = await Promise.all(Array.from({ length: 20 }, () => quiet.post(body)));
      const retried = await Promise.all(
        answers.map((a) => (a.status === 503 ? quiet.post(body) : Promise.resolve(a))),
      );

      // Assess
      expect(answers.filter((a) => a.status === 200 && a.json.duplicate === false)).toHaveLength(1);
      for (const a of answers) {
        const expected =
          a.status === 200 ? { received: true } : { error: { reason: 'in_progress' } };
        expect(a.json).toMatchObject(expected);
      }
      expect(retried.every((a) => a.status === 200)).toBe(true);
      expect(retried.filter((a) => a.json.duplicate === false)).toHaveLength(1);
      for (const connector of ['salesforce', 'netsuite', 'warehouse'] as const) {
        expect(await quiet.depth(connector)).toBe(1);
      }
      expect(await quiet.depth('avalara')).toBe(0);
    } finally {
      await quiet.stop();
    }
  });
});

describe('every event type is accepted and routed by the table', () => {
  const router = new Router();
  const currentShapes: [string, string][] = [
    ['customer.updated', 'customer'],
    ['customer.subscription.created', 'subscription'],
    ['subscription_schedule.updated', 'subscription_schedule'],
    ['invoice.finalized', 'invoice'],
    ['invoice.paid', 'invoice'],
    ['invoice_payment.paid', 'invoice_payment'],
    ['credit_note.created', 'credit_note'],
    ['refund.created', 'refund'],
    ['charge.refunded', 'charge'],
    ['payment_intent.succeeded', 'payment_intent'],
  ];
  // The fixtures come from a test suite that reuses event ids across types; Stripe never does,
  // so each gets an id of its own (the raw text is otherwise sent as it is in the file).
  const events: { name: string; event: StripeEvent; raw: string }[] = [
    ...fixtureEvents().map((f) => {
      const id = eventId();
      return { name: f.file, event: { ...f.event, id }, raw: f.raw.replace(f.event.id, id) };
    }),
    ...currentShapes.map(([type, resource]) => {
      const event = buildEvent({ type, object: openapiObject(resource) });
      return { name: `${type} (current shape)`, event, raw: JSON.stringify(event) };
    }),
  ];

  it(`accepts all ${events.length} events and enqueues each to exactly its routes`, async () => {
    // One fixture is a live-mode event: it goes to a live-mode hub, the rest to a test-mode hub.
    const hubs = { test: await startTestHub(), live: await startTestHub({ livemode: true }) };
    try {
      for (const { name, event, raw } of events) {
        const target = event.livemode ? hubs.live : hubs.test;
        const response = await target.post(raw);
        expect(response.status, name).toBe(200);
        expect(response.json.routes, name).toEqual(router.route(event.type));
        const recorded = await target.ledger.getEvent(event.id);
        expect(recorded?.event.apiVersion, name).toBe(event.api_version);
        expect(recorded?.deliveries.map((d) => d.connector).sort(), name).toEqual(
          [...router.route(event.type)].sort(),
        );
      }
      for (const connector of CONNECTORS) {
        const messages = [
          ...(await hubs.test.drain(connector)),
          ...(await hubs.live.drain(connector)),
        ].map(parseConnectorMessage);
        const expected = events.filter((e) => router.route(e.event.type).includes(connector));
        expect(messages.map((m) => m.eventId).sort(), connector).toEqual(
          expected.map((e) => e.event.id).sort(),
        );
      }
    } finally {
      await Promise.all([hubs.test.stop(), hubs.live.stop()]);
    }
  });
});

describe('large events', () => {
  it('an event larger than one SQS message reaches the consumer whole', async () => {
    // Prepare: a warehouse consumer that keeps what it is given.
    const { logic: warehouse, applied: received } = recordingConsumer({
      targetIds: { rows: '1' },
    });
    const large = await startTestHub({ consumers: { warehouse } });
    try {
      const event = customerEvent();
      event.data.object.metadata = { notes: 'n'.repeat(600_000) };

      // Act
      const response = await large.post(JSON.stringify(event));
      await eventually(async () => received.length > 0);

      // Assess
      expect(response.status).toBe(200);
      expect(received).toEqual([event]);
      const recorded = await large.ledger.getEvent(event.id);
      expect(recorded?.event.payloadRef?.key).toMatch(
        new RegExp(`^events/${event.id}\\.[0-9a-f]{16}\\.json$`),
      );
      expect(recorded?.event.payload).toBeUndefined();
      expect(recorded?.event.payloadBytes).toBeGreaterThan(600_000);
    } finally {
      await large.stop();
    }
  });
});
