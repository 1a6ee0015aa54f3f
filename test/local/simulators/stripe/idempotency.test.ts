/**
 * `Idempotency-Key` replay: the store stays bounded (expired keys swept on save, the oldest
 * dropped past the cap), and a request that failed after it began executing (a 5xx) is saved,
 * so an SDK retry with the same key gets the same answer instead of running it again; a
 * validation error is not saved.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FormObject } from '../../../../local/simulators/stripe/form.ts';
import { IdempotencyStore } from '../../../../local/simulators/stripe/idempotency.ts';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { simulatorClient } from '../../../support/simulator.ts';

/** A POST to /v1/customers under `key`, as the store sees it. */
const request = (key: string, form: FormObject = {}) => ({
  apiKey: 'sk_test_a',
  key,
  method: 'POST',
  path: '/v1/customers',
  form,
});

const answer = (n: number) => ({ status: 200, body: `{"n":${n}}` });

describe('IdempotencyStore', () => {
  it('sweeps expired keys when it saves, and no longer replays them', () => {
    // Prepare
    let now = 0;
    const store = new IdempotencyStore({ ttlMs: 1_000, now: () => now });
    store.save(request('a'), answer(1));
    store.save(request('b'), answer(2));
    now = 1_500;

    // Act
    store.save(request('c'), answer(3));

    // Assess
    expect(store.size).toBe(1);
    expect(store.lookup(request('a'))).toBeUndefined();
    expect(store.lookup(request('c'))).toEqual(answer(3));
  });

  it('keeps at most maxKeys keys, dropping the oldest first', () => {
    // Prepare
    const store = new IdempotencyStore({ maxKeys: 3 });

    // Act
    for (let n = 1; n <= 5; n++) store.save(request(`k${n}`), answer(n));

    // Assess
    expect(store.size).toBe(3);
    expect(['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => store.lookup(request(k))?.body)).toEqual([
      undefined,
      undefined,
      '{"n":3}',
      '{"n":4}',
      '{"n":5}',
    ]);
  });

  it('refuses a key re-used with other parameters, and keeps keys apart per API key', () => {
    // Prepare
    const store = new IdempotencyStore();
    store.save(request('k', { email: 'a@example.com' }), answer(1));

    // Act
    const other = () => store.lookup(request('k', { email: 'b@example.com' }));
    const otherAccount = store.lookup({ ...request('k'), apiKey: 'sk_test_b' });

    // Assess
    expect(other).toThrow(/can only be used with the same parameters/);
    expect(otherAccount).toBeUndefined();
  });
});

describe('saved failures', () => {
  let sim: StripeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
  });

  /** POSTs a customer with `body` under `key`: status, replayed header, and JSON body. */
  async function create(body: string, key: string) {
    const response = await fetch(`${sim?.url}/v1/customers`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk_test_idempotency',
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': key,
      },
      body,
    });
    const replayed = response.headers.get('idempotent-replayed') === 'true';
    return { status: response.status, replayed, json: (await response.json()) as object };
  }

  it('replays a 500 from a half-run request instead of running it again', async () => {
    // Prepare: the first customer.created crashes the handler after the customer is stored.
    sim = await startStripeSimulator({ port: 0 });
    let crashes = 1;
    sim.world.listen('customer.created', () => {
      if (crashes-- > 0) throw new Error('boom');
    });
    const email = `half-${randomBytes(4).toString('hex')}@example.com`;
    const key = randomBytes(8).toString('hex');

    // Act
    const first = await create(`email=${encodeURIComponent(email)}`, key);
    const retry = await create(`email=${encodeURIComponent(email)}`, key);

    // Assess
    expect([first.status, first.replayed]).toEqual([500, false]);
    expect([retry.status, retry.replayed]).toEqual([500, true]);
    expect(retry.json).toEqual(first.json);
    const customers = await simulatorClient(sim).customers.list({ email });
    expect(customers.data).toHaveLength(1);
  });

  it('does not save a validation error: a retry with the same key is checked again', async () => {
    // Prepare
    sim = await startStripeSimulator({ port: 0 });
    const key = randomBytes(8).toString('hex');
    const first = await create('email=a%40example.com&emial=typo', key);

    // Act
    const retry = await create('email=a%40example.com&emial=typo', key);

    // Assess
    expect([first.status, retry.status, retry.replayed]).toEqual([400, 400, false]);
  });
});
