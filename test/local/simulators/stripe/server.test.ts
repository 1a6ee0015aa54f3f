/**
 * The Stripe simulator's HTTP surface through the official SDK: authentication, Stripe's error
 * bodies, idempotency, the rate-limit switch, cursor pagination, `expand[]` and `created` filters.
 * Garbage requests are in `garbage.test.ts`.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ now: () => clock });
/** The simulator's clock (Unix seconds); tests move it forward. */
let clock = 1_800_000_000;

const uniqueEmail = () => `user-${randomBytes(5).toString('hex')}@example.com`;

/** A request with fetch, authenticated with a test key unless `key` is false. */
async function call(method: string, path: string, init: RequestInit = {}, key = true) {
  const auth: Record<string, string> = key ? { authorization: 'Bearer sk_test_fetch' } : {};
  const headers = { ...auth, 'content-type': 'application/x-www-form-urlencoded', ...init.headers };
  const response = await fetch(`${t.sim.url}${path}`, { ...init, method, headers });
  const json = (await response.json()) as { id?: string; error?: Record<string, unknown> };
  return { status: response.status, headers: response.headers, json };
}

describe('authentication and errors', () => {
  it('answers no key, an unknown route and a body over 1 MiB with Stripe’s JSON errors', async () => {
    // Act
    const answers = [
      await call('GET', '/v1/customers', {}, false),
      await call('GET', '/v1/unicorns'),
      await call('POST', '/v1/customers', { body: Buffer.alloc(1024 * 1024 + 1, 'a') }),
    ];

    // Assess
    const statuses = answers.map((a) => `${a.status} ${a.json.error?.type}`);
    expect(statuses).toEqual([401, 404, 413].map((status) => `${status} invalid_request_error`));
    expect(answers.map((a) => a.json.error?.message)).toEqual([
      expect.stringMatching(/^You did not provide an API key/),
      expect.stringMatching(/^Unrecognized request URL \(GET: \/v1\/unicorns\)\./),
      expect.stringMatching(/too large/),
    ]);
  });

  it('refuses a live key through the SDK with a StripeAuthenticationError that masks the key', async () => {
    // Prepare
    const key = 'sk_live_51HsecretSECRETsecret9876';
    const live = new Stripe(key, { host: '127.0.0.1', port: t.sim.port, protocol: 'http' });

    // Act
    const error = await rejectionOf(live.customers.list());

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.raw).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toMatch(/^Invalid API Key provided: .*9876$/);
    expect(error.message).not.toContain('secretSECRET');
  });

  it('answers bad requests with StripeInvalidRequestErrors naming the parameter', async () => {
    // Act
    const errors = [
      await rejectionOf(t.stripe.customers.retrieve('cus_doesnotexist')),
      await rejectionOf(
        t.stripe.customers.create({ emial: 'a@b.c' } as Stripe.CustomerCreateParams),
      ),
      await rejectionOf(t.stripe.customers.list({ limit: 'abc' as unknown as number })),
      await rejectionOf(t.stripe.customers.list({ limit: 101 })),
    ];

    // Assess
    for (const error of errors)
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(errors.map((e) => `${e.statusCode} ${e.code} ${e.param}`)).toEqual([
      '404 resource_missing id',
      '400 parameter_unknown emial',
      '400 parameter_invalid_integer limit',
      '400 parameter_invalid_integer limit',
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      "No such customer: 'cus_doesnotexist'",
      'Received unknown parameter: emial',
      expect.stringContaining('abc'),
      expect.stringContaining('100'),
    ]);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and parameters, marked as replayed', async () => {
    // Prepare
    const key = randomBytes(8).toString('hex');
    const body = `email=${encodeURIComponent(uniqueEmail())}`;
    const post = () => call('POST', '/v1/customers', { body, headers: { 'Idempotency-Key': key } });
    const first = await post();

    // Act
    const second = await post();

    // Assess
    expect(second.json.id).toBe(first.json.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses the same key with other parameters, creating nothing', async () => {
    // Prepare
    const idempotencyKey = randomBytes(8).toString('hex');
    const [email, other] = [uniqueEmail(), uniqueEmail()];
    const created = await t.stripe.customers.create({ email }, { idempotencyKey });

    // Act
    const error = await rejectionOf(
      t.stripe.customers.create({ email: other }, { idempotencyKey }),
    );

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((await t.stripe.customers.list({ email: other })).data).toEqual([]);
    expect((await t.stripe.customers.list({ email })).data.map((c) => c.id)).toEqual([created.id]);
  });
});

describe('rate limit switch', () => {
  const viaControlApi = async (rate: number) => {
    const body = JSON.stringify({ rate });
    expect((await call('POST', '/_simulator/rate_limit', { body })).status).toBe(200);
  };

  it.each([
    ['setRateLimit', async (rate: number) => t.sim.setRateLimit(rate)],
    ['POST /_simulator/rate_limit', viaControlApi],
  ])('answers 429 rate_limit while on, then normally (%s)', async (_, setRate) => {
    // Prepare
    await setRate(1);

    // Act
    const error = await rejectionOf(t.stripe.customers.list({ limit: 1 }));
    await setRate(0);
    const after = await t.stripe.customers.list({ limit: 1 });

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect(after.object).toBe('list');
  });
});

describe('lists', () => {
  it('pages 25 customers newest first, each exactly once, both ways', async () => {
    // Prepare
    const email = uniqueEmail();
    const newestFirst: string[] = [];
    for (let i = 0; i < 25; i++)
      newestFirst.unshift((await t.stripe.customers.create({ email })).id);

    // Act
    const page = (cursor: Omit<Stripe.CustomerListParams, 'email' | 'limit'> = {}) =>
      t.stripe.customers.list({ email, limit: 10, ...cursor });
    const pages = [await page()];
    while (pages.at(-1)?.has_more)
      pages.push(await page({ starting_after: pages.at(-1)?.data.at(-1)?.id }));
    const back = await page({ ending_before: pages[2]?.data[0]?.id });
    const all = await t.stripe.customers
      .list({ email, limit: 7 })
      .autoPagingToArray({ limit: 100 });

    // Assess
    expect(pages.map((p) => `${p.data.length}/${p.has_more}`)).toEqual([
      '10/true',
      '10/true',
      '5/false',
    ]);
    expect(pages.flatMap((p) => p.data.map((c) => c.id))).toEqual(newestFirst);
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
    expect(all.map((c) => c.id)).toEqual(newestFirst);
  });

  it('filters by created[gte]', async () => {
    // Prepare
    const email = uniqueEmail();
    const old = await t.stripe.customers.create({ email });
    clock += 100;
    const recent = await t.stripe.customers.create({ email });

    // Act
    const listed = await t.stripe.customers.list({ email, created: { gte: recent.created } });

    // Assess
    expect(recent.created - old.created).toBe(100);
    expect(listed.data.map((c) => c.id)).toEqual([recent.id]);
  });

  it('expands a price’s product on retrieve and on list; refuses a field that is no id', async () => {
    // Prepare
    const product_data = { name: 'Expandable' };
    const price = await t.stripe.prices.create({ currency: 'usd', unit_amount: 500, product_data });
    const product = price.product as string;

    // Act
    const retrieved = await t.stripe.prices.retrieve(price.id, { expand: ['product'] });
    const listed = await t.stripe.prices.list({ product, expand: ['data.product'] });
    const error = await rejectionOf(t.stripe.prices.retrieve(price.id, { expand: ['currency'] }));

    // Assess
    expect(retrieved.product).toMatchObject({ object: 'product', id: product, name: 'Expandable' });
    expect(listed.data[0]?.product).toMatchObject({ object: 'product', id: product });
    expect(error).toMatchObject({ statusCode: 400, param: 'expand' });
  });

  it.each(['id', 'object', 'metadata', 'constructor', 'hasOwnProperty.x', 'email'])(
    'refuses to expand `%s`, which names no stored object',
    async (path) => {
      // Prepare
      const customer = await t.stripe.customers.create({ email: uniqueEmail() });

      // Act
      const error = await rejectionOf(t.stripe.customers.retrieve(customer.id, { expand: [path] }));

      // Assess
      expect(error).toMatchObject({
        statusCode: 400,
        param: 'expand',
        message: `This property cannot be expanded (${path.split('.')[0]}).`,
      });
    },
  );

  it('leaves a null id null, and expands a path twice over without complaint', async () => {
    // Prepare
    const product_data = { name: 'Twice' };
    const price = await t.stripe.prices.create({ currency: 'usd', unit_amount: 100, product_data });
    const customer = await t.stripe.customers.create({ email: uniqueEmail() });

    // Act
    const retrieved = await t.stripe.customers.retrieve(customer.id, {
      expand: ['test_clock', 'invoice_settings.default_payment_method'],
    });
    const twice = await t.stripe.prices.retrieve(price.id, { expand: ['product', 'product'] });

    // Assess
    expect(retrieved).toMatchObject({
      id: customer.id,
      test_clock: null,
      invoice_settings: { default_payment_method: null },
    });
    expect(twice.product).toMatchObject({ object: 'product', name: 'Twice' });
  });
});
