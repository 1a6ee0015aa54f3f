/**
 * The simulator's webhooks against a real local receiver: Stripe-signed deliveries equal to the
 * API's events, retries on a schedule, `pending_webhooks`, `enabled_events`, delivery chaos
 * (duplicates, seeded reordering, delay), the control API's backlog, and `/v1/events` listing.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  type StripeSimulatorOptions,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { simulatorClient } from '../../../support/simulator.ts';

interface Received {
  raw: string;
  signature: string;
  at: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An HTTP receiver that records each delivery and answers `statusFor(n)` to the n-th (from 1). */
async function startReceiver(statusFor: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        raw: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['stripe-signature']),
        at: Date.now(),
      });
      res.writeHead(statusFor(received.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const events = () => received.map((r) => JSON.parse(r.raw) as Stripe.Event);
  return { url, received, events };
}

/** A simulator delivering to a fresh receiver with a known secret, with fast retries. */
async function setup(
  options: { statusFor?: (n: number) => number; endpoint?: boolean } & StripeSimulatorOptions = {},
) {
  const { statusFor, endpoint = true, ...simOptions } = options;
  const receiver = await startReceiver(statusFor);
  const secret = `whsec_${randomBytes(16).toString('hex')}`;
  const sim: StripeSimulator = await startStripeSimulator({
    port: 0,
    retryScheduleMs: [50, 100],
    ...(endpoint ? { webhookEndpoints: [{ url: receiver.url, secret }] } : {}),
    ...simOptions,
  });
  cleanups.push(() => sim.stop());
  return { sim, stripe: simulatorClient(sim), receiver, secret };
}

async function control(sim: StripeSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: 'Bearer sk_test_switchyard_tests' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('deliveries', () => {
  it('delivers customer.created, signed, equal to the event the API returns', async () => {
    // Prepare
    const { sim, stripe, receiver, secret } = await setup();

    // Act
    const customer = await stripe.customers.create({ email: 'jenny@example.com' });
    await sim.webhooks.idle();

    // Assess
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const event = Stripe.webhooks.constructEvent(
      delivery?.raw ?? '',
      delivery?.signature ?? '',
      secret,
    );
    expect(event).toMatchObject({
      type: 'customer.created',
      data: { object: { id: customer.id } },
    });
    const fromApi = await stripe.events.retrieve(event.id);
    // Delivered while pending; by now acknowledged.
    expect(fromApi).toEqual({ ...event, pending_webhooks: 0 });
    expect(event.pending_webhooks).toBe(1);
  });

  it('retries on the schedule until a 2xx, then counts the event as delivered', async () => {
    // Prepare
    const { sim, stripe, receiver } = await setup({ statusFor: (n) => (n <= 2 ? 500 : 200) });

    // Act
    await stripe.customers.create({ name: 'Retry' });
    await sim.webhooks.idle();

    // Assess
    const [first, second, third] = receiver.received.map((r) => r.at);
    expect(receiver.received).toHaveLength(3);
    expect(sim.webhooks.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(45);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(95);
    const id = receiver.events()[0]?.id ?? '';
    expect((await stripe.events.retrieve(id)).pending_webhooks).toBe(0);
    expect((await stripe.events.list({ limit: 1 })).data[0]).toMatchObject({
      id,
      pending_webhooks: 0,
    });
  });

  it('gives up after the schedule and keeps the event pending', async () => {
    // Prepare
    const { sim, stripe, receiver } = await setup({ statusFor: () => 503 });

    // Act
    await stripe.customers.create({ name: 'Never acknowledged' });
    await sim.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 250));

    // Assess
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.events().map((e) => e.id)).size).toBe(1);
    expect((await stripe.events.list({ limit: 1 })).data[0]?.pending_webhooks).toBe(1);
  });

  it('sends only the enabled events to an endpoint made through the API', async () => {
    // Prepare
    const { sim, stripe, receiver } = await setup({ endpoint: false });
    const endpoint = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['customer.updated'],
    });

    // Act
    const customer = await stripe.customers.create({ name: 'Before' });
    await stripe.customers.update(customer.id, { name: 'After' });
    await stripe.products.create({ name: 'Unwanted' });
    await sim.webhooks.idle();
    const retrieved = await stripe.webhookEndpoints.retrieve(endpoint.id);

    // Assess
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(retrieved.secret).toBeUndefined();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const event = Stripe.webhooks.constructEvent(
      delivery?.raw ?? '',
      delivery?.signature ?? '',
      endpoint.secret ?? '',
    );
    expect(event).toMatchObject({
      type: 'customer.updated',
      data: { previous_attributes: { name: 'Before' } },
    });
  });
});

describe('webhook endpoints', () => {
  it('applies an update silently: Stripe has no webhook_endpoint.updated event', async () => {
    // Prepare
    const { stripe } = await setup({ endpoint: false });
    const url = 'http://127.0.0.1:9/hook';
    const endpoint = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] });

    // Act
    const updated = await stripe.webhookEndpoints.update(endpoint.id, { description: 'Renamed' });

    // Assess
    expect(updated.description).toBe('Renamed');
    expect((await stripe.events.list()).data.map((e) => e.type)).toEqual([]);
  });
});

describe('chaos', () => {
  it('delivers every event twice with duplicateRate 1', async () => {
    // Prepare
    const { sim, stripe, receiver } = await setup({ chaos: { duplicateRate: 1 } });

    // Act
    for (const name of ['a', 'b', 'c']) await stripe.customers.create({ name });
    await sim.webhooks.idle();

    // Assess
    const ids = receiver.events().map((e) => e.id);
    expect(ids).toHaveLength(6);
    expect([...new Set(ids)].map((id) => ids.filter((i) => i === id).length)).toEqual([2, 2, 2]);
  });

  /** The names of 20 customers, in the order their customer.created deliveries arrived. */
  async function arrivalOrder(configure: (sim: StripeSimulator) => Promise<void>) {
    const { sim, stripe, receiver } = await setup();
    await configure(sim);
    for (let i = 0; i < 20; i++) await stripe.customers.create({ name: `c${i}` });
    await sim.webhooks.idle();
    return receiver.events().map((e) => (e.data.object as Stripe.Customer).name);
  }

  it('reorders within the window, the same way for the same seed', async () => {
    // Prepare
    const chaos = { reorderWindowMs: 1_000, seed: 42 };
    const emitted = Array.from({ length: 20 }, (_, i) => `c${i}`);

    // Act
    const first = await arrivalOrder(async (sim) => sim.webhooks.setChaos(chaos));
    const second = await arrivalOrder(async (sim) => {
      await control(sim, 'POST', '/_simulator/chaos', chaos);
    });
    const otherSeed = await arrivalOrder(async (sim) =>
      sim.webhooks.setChaos({ ...chaos, seed: 43 }),
    );

    // Assess
    expect([...first].sort()).toEqual([...emitted].sort());
    expect(first).not.toEqual(emitted);
    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('delays the first attempt by delayMs and reports the backlog meanwhile', async () => {
    // Prepare
    const { sim, stripe, receiver } = await setup({ chaos: { delayMs: 400 } });
    const started = Date.now();

    // Act
    await stripe.customers.create({ name: 'Delayed' });
    const during = await control(sim, 'GET', '/_simulator/webhooks');
    await sim.webhooks.idle();
    const after = await control(sim, 'GET', '/_simulator/webhooks');

    // Assess
    expect((receiver.received[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(395);
    expect(during).toMatchObject({ backlog: 1, attempts: 0, chaos: { delayMs: 400 } });
    expect(after).toMatchObject({ backlog: 0, attempts: 1 });
  });
});

describe('GET /v1/events', () => {
  it('filters by type wildcard, types[], created, pages, and keeps 30 days', async () => {
    // Prepare
    let clock = 1_800_000_000;
    const { stripe } = await setup({ endpoint: false, now: () => clock });
    const customer = await stripe.customers.create({ name: 'Old' });
    clock += 60;
    await stripe.customers.update(customer.id, { name: 'New' });
    clock += 60;
    await stripe.products.create({ name: 'Widget' });
    const all = (await stripe.events.list()).data;
    const created = all.find((e) => e.type === 'customer.created');

    // Act
    const wildcard = await stripe.events.list({ type: 'customer.*' });
    const types = await stripe.events.list({ types: ['product.created', 'customer.updated'] });
    const since = await stripe.events.list({ created: { gte: 1_800_000_060 } });
    const page = await stripe.events.list({ limit: 2 });
    const rest = await stripe.events.list({ limit: 2, starting_after: page.data[1]?.id ?? '' });
    clock = 1_800_000_000 + 30 * 86_400 + 30;
    const later = await stripe.events.list();
    const expired = await stripe.events.retrieve(created?.id ?? '').catch((e: unknown) => e);

    // Assess
    expect(all.map((e) => e.type)).toEqual([
      'product.created',
      'customer.updated',
      'customer.created',
    ]);
    expect(wildcard.data.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect(types.data.map((e) => e.type)).toEqual(['product.created', 'customer.updated']);
    expect(since.data.map((e) => e.type)).toEqual(['product.created', 'customer.updated']);
    expect([page.has_more, rest.has_more]).toEqual([true, false]);
    expect([...page.data, ...rest.data].map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(later.data.map((e) => e.type)).toEqual(['product.created', 'customer.updated']);
    expect(expired).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(expired).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
