/**
 * The webhook sender on its own, against local receivers: `stop()` aborts deliveries in flight,
 * memory stays bounded (attempts capped, events forgotten once every delivery has ended) while
 * `pending_webhooks` keeps counting endpoints that never acknowledged, and `enabled_events`
 * matching survives a malformed list.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  endpointWants,
  WebhookSender,
  type WebhookSenderOptions,
} from '../../../../local/simulators/stripe/webhooks.ts';
import { pollUntil } from '../../../support/simulator.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A receiver answering `status`, or holding every request open when `status` is 'hold'. */
async function startReceiver(status: number | 'hold') {
  const held: ServerResponse[] = [];
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    req.resume();
    if (status === 'hold') held.push(res);
    else res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, held, received: () => received };
}

/** A sender delivering to the given receivers (as endpoints `we_0`, `we_1`, …). */
function sender(urls: string[], options: WebhookSenderOptions = {}) {
  const webhooks = new WebhookSender({ retryScheduleMs: [], ...options });
  cleanups.push(() => webhooks.stop());
  urls.forEach((url, i) => {
    webhooks.endpoints.push({
      id: `we_${i}`,
      url,
      secret: 'whsec_test',
      enabledEvents: ['*'],
      enabled: true,
    });
  });
  const settled: [string, number][] = [];
  webhooks.onSettled = (eventId, pending) => settled.push([eventId, pending]);
  return { webhooks, settled };
}

const event = (n: number) => ({ id: `evt_${n}`, object: 'event', type: 'customer.created' });

describe('stop()', () => {
  it('aborts a delivery in flight instead of waiting for its timeout', async () => {
    // Prepare
    const receiver = await startReceiver('hold');
    const { webhooks } = sender([receiver.url], { timeoutMs: 10_000 });
    webhooks.enqueue(event(1));
    await pollUntil(() => receiver.held.length === 1 || undefined, { intervalMs: 5 });
    const started = Date.now();

    // Act
    webhooks.stop();
    await webhooks.idle();

    // Assess
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(webhooks.backlog).toBe(0);
    expect(webhooks.attempts).toEqual([]);
  });
});

describe('bounded memory', () => {
  it('keeps only the latest maxAttempts attempts', async () => {
    // Prepare
    const receiver = await startReceiver(200);
    const { webhooks } = sender([receiver.url], { maxAttempts: 3 });

    // Act
    for (let n = 1; n <= 5; n++) webhooks.enqueue(event(n));
    await webhooks.idle();

    // Assess
    expect(receiver.received()).toBe(5);
    expect(webhooks.attempts.map((a) => a.eventId)).toEqual(['evt_3', 'evt_4', 'evt_5']);
  });

  it('forgets an event once acknowledged by one endpoint and given up on by the other', async () => {
    // Prepare
    const [ok, failing] = [await startReceiver(200), await startReceiver(503)];
    const { webhooks, settled } = sender([ok.url, failing.url], { retryScheduleMs: [10, 10] });

    // Act
    webhooks.enqueue(event(1));
    await webhooks.idle();

    // Assess
    expect(failing.received()).toBe(3);
    expect(settled).toEqual([['evt_1', 1]]); // The failing endpoint is still counted as pending.
    expect(webhooks.unsettled).toBe(0);
  });

  it('settles a duplicated delivery once', async () => {
    // Prepare
    const receiver = await startReceiver(200);
    const { webhooks, settled } = sender([receiver.url], { chaos: { duplicateRate: 1 } });

    // Act
    webhooks.enqueue(event(1));
    await webhooks.idle();

    // Assess
    expect(receiver.received()).toBe(2);
    expect(settled).toEqual([['evt_1', 0]]);
    expect(webhooks.unsettled).toBe(0);
  });
});

describe('endpointWants', () => {
  it('matches only the strings of a malformed enabled_events list', () => {
    // Act
    const wants = [
      endpointWants([null, 3, '*'], 'customer.created'),
      endpointWants([null, undefined, { a: 1 }], 'customer.created'),
      endpointWants([null, 'invoice.*'], 'invoice.paid'),
    ];

    // Assess
    expect(wants).toEqual([true, false, true]);
  });
});
