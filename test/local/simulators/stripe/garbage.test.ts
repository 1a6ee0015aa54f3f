/**
 * The Stripe simulator never crashes on bad input: random garbage requests each get a JSON 4xx,
 * sparse list indexes (`expand[3]=…`, `items[1][price]=…`) read like dense ones, and a webhook
 * endpoint created with a sparse `enabled_events` cannot break later requests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ retryScheduleMs: [] });

const uniqueEmail = () => `user-${randomBytes(5).toString('hex')}@example.com`;

/** A form-encoded request with fetch: its status and JSON body. */
async function post(method: string, path: string, body?: string) {
  const response = await fetch(`${t.sim.url}${path}`, {
    method,
    headers: {
      authorization: 'Bearer sk_test_sparse',
      'content-type': 'application/x-www-form-urlencoded',
    },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A raw request (node:http sends paths fetch would normalise): its status, and if it is JSON. */
function send(method: string, path: string, body: Buffer, contentType: string) {
  return new Promise<{ status: number; json: boolean }>((resolve, reject) => {
    // Content-Length always: Node sends a GET's body without one, and the server would take the
    // body for the next request. A connection of its own, so no request inherits another's bytes.
    const headers = {
      authorization: 'Bearer sk_test_garbage',
      'content-type': contentType,
      'content-length': String(body.length),
    };
    const options = { host: '127.0.0.1', port: t.sim.port, method, path, headers, agent: false };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let json = res.headers['content-type'] === 'application/json';
        try {
          json &&= typeof JSON.parse(Buffer.concat(chunks).toString()).error.message === 'string';
        } catch {
          json = false;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('garbage', () => {
  it('answers 250 random requests and the sparse cases each with a JSON 4xx, then works', async () => {
    // Prepare: choices are a hash of a counter, so a failure can be replayed.
    let draws = 0;
    const next = () => createHash('sha256').update(`${draws++}`).digest().readUInt32BE() / 2 ** 32;
    const n = (below: number) => Math.floor(next() * below);
    const pick = <T>(items: readonly T[]): T => items[n(items.length)] as T;
    const chars = [...'!$&\'()*+,;=:@[]{}|^`~%"<>\\é€\u0000\u00ff', 'a', 'Z', '9', '_'];
    const word = () => Array.from({ length: 1 + n(12) }, () => pick(chars)).join('');
    // Raw (`%`, `#`, `"`, `é` as a Latin-1 byte, …) but for what HTTP cannot carry at all.
    const pathPart = () => word().replace(/[^\u0021-\u00ff]/g, encodeURIComponent);
    const paths = [
      () => `/v1/customers/${pathPart()}`,
      () => `/v1/${pathPart()}`,
      () => `/v1/customers?zz=1&${pathPart()}=1&limit=${pathPart()}`,
      () => `/v1/events?zz=1&type[${pathPart()}]=x`,
      () => `/_simulator/${pathPart()}`,
      () => `/${pathPart()}/${pathPart()}`,
      () => `/v1/customers/%E0%A4%A/${pathPart()}`,
      () => `/v1/prices/x${String.fromCharCode(0x80 + n(127))}`,
    ];
    // Sparse list indexes (`expand[3]` alone) once crashed the simulator: each is also sent once.
    const sparsePaths = [
      () => `/v1/customers?expand[${1 + n(9)}]=${pick(['data', pathPart()])}`,
      () => `${pick(['/v1/subscriptions', '/v1/webhook_endpoints', '/v1/prices'])}?zz=1`,
      () => `/v1/invoices/in_${pathPart()}/add_lines`,
    ];
    const sparseBodies = [
      () => `items[${1 + n(5)}][price]=${word()}&expand[${1 + n(5)}]=data&lines[2][amount]=1`,
      () => `enabled_events[${1 + n(5)}]=*&url=http://127.0.0.1:9/x&metadata[${word()}]=1`,
    ];
    const bodies = [
      () => `${word()}=${word()}`,
      () => `name=%E0%A4%A&%zz${word()}=%`,
      () => `a${'[b]'.repeat(200 + n(2000))}=deep`,
      () => `${'k'.repeat(10_000 + n(100_000))}=huge`,
      () => Array.from({ length: 1 + n(512) }, () => String.fromCharCode(n(256))).join(''),
      () => JSON.stringify({ email: 'json@example.com', nested: { a: [1, 2] } }),
      () => `__proto__[polluted]=yes&constructor[prototype][polluted]=yes&items[0][${word()}]=1`,
      () => `expand[]=${word()}&expand[99999]=x&limit=-1`,
    ];
    const methods = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'];
    const types = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', ''];
    const answers: { request: string; status: number; json: boolean }[] = [];

    const requests = Array.from({ length: 250 }, () => [
      pick(methods),
      pick([...paths, ...sparsePaths])(),
      pick([...bodies, ...sparseBodies])(),
    ]);
    for (const path of sparsePaths) {
      for (const body of sparseBodies)
        requests.push(['GET', path(), body()], ['POST', path(), body()]);
    }

    // Act
    for (const [i, [method = 'GET', path = '/', body]] of requests.entries()) {
      const bytes = Buffer.from(`${body}&zz_${i}=1`, 'latin1'); // no endpoint takes zz_
      const answer = await send(method, path, bytes, pick(types));
      answers.push({ request: `${method} ${path.slice(0, 80)}`, ...answer });
    }
    const after = await t.stripe.customers.create({ email: uniqueEmail() });

    // Assess
    expect(answers.filter((a) => a.status < 400 || a.status >= 500 || !a.json)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(after.object).toBe('customer');
  });
});

describe('sparse list indexes', () => {
  it('reads `expand[3]`, `items[1]` and `lines[2]` like the first entry of a list', async () => {
    // Prepare
    const { stripe } = t;
    const customer = await stripe.customers.create({ email: uniqueEmail() });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 700,
      recurring: { interval: 'month' },
      product_data: { name: 'Sparse' },
    });
    const invoice = await stripe.invoices.create({ customer: customer.id });

    // Act
    const answers = [
      await post('GET', '/v1/customers?expand[3]=data'),
      await post('POST', '/v1/customers', `email=${uniqueEmail()}&expand[3]=test_clock`),
      await post(
        'POST',
        '/v1/subscriptions',
        `customer=${customer.id}&items[1][price]=${price.id}&payment_behavior=default_incomplete`,
      ),
      await post(
        'POST',
        `/v1/invoices/${invoice.id}/add_lines`,
        'lines[2][amount]=100&lines[2][description]=Setup',
      ),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([400, 200, 200, 200]);
    expect(answers[0]?.json.error).toMatchObject({
      param: 'expand',
      message: 'This property cannot be expanded (data).',
    });
    expect(answers[1]?.json.test_clock).toBeNull();
    expect(answers[2]?.json).toMatchObject({ items: { data: [{ price: { id: price.id } }] } });
    expect(answers[3]?.json).toMatchObject({ amount_due: 100 });
  });

  it('keeps working after an endpoint is made with `enabled_events[2]=*` and updated', async () => {
    // Prepare
    const endpoint = await post(
      'POST',
      '/v1/webhook_endpoints',
      'url=http://127.0.0.1:9/hook&enabled_events[2]=*',
    );
    const updated = await post(
      'POST',
      `/v1/webhook_endpoints/${String(endpoint.json.id)}`,
      'description=Renamed',
    );

    // Act
    const customer = await post('POST', '/v1/customers', `email=${uniqueEmail()}`);

    // Assess
    expect([endpoint.status, updated.status, customer.status]).toEqual([200, 200, 200]);
    expect(endpoint.json.enabled_events).toEqual(['*']);
    expect(updated.json).toMatchObject({ enabled_events: ['*'], description: 'Renamed' });
    expect(customer.json.object).toBe('customer');
  });
});
