/**
 * The hub's Stripe client against the Stripe simulator: the official SDK reaches the base URL,
 * sends the pinned API version and Switchyard's app info, and turns Stripe's error answers into
 * the SDK's typed errors.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SIMULATOR_API_KEY,
  type StripeSimulator,
  startStripeSimulator,
} from '../../../local/simulators/stripe/server.ts';
import { STRIPE_API_VERSION } from '../../../shared/events/api-version.ts';
import { createStripeClient, STRIPE_CLIENT_DEFAULTS } from '../../../shared/stripe/client.ts';

let simulator: StripeSimulator;

beforeAll(async () => {
  simulator = await startStripeSimulator({ port: 0 });
});

afterAll(async () => {
  await simulator?.stop();
});

describe('createStripeClient', () => {
  it('reaches the base URL and gets Stripe’s 404 as a StripeInvalidRequestError', async () => {
    // Prepare
    const stripe = createStripeClient({ apiKey: SIMULATOR_API_KEY, baseUrl: simulator.url });
    const versions: string[] = [];
    stripe.on('request', (event: { api_version: string }) => versions.push(event.api_version));

    // Act
    const error: unknown = await stripe.rawRequest('GET', '/v1/nonexistent').catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      type: 'StripeInvalidRequestError',
      message: expect.stringMatching(/Unrecognized request URL \(GET: \/v1\/nonexistent\)/),
      requestId: expect.stringMatching(/^req_/),
    });
    expect(versions).toEqual([STRIPE_API_VERSION]);
  });

  it('answers a key the API refuses with a StripeAuthenticationError', async () => {
    const stripe = createStripeClient({ apiKey: 'sk_live_refused', baseUrl: simulator.url });

    const error: unknown = await stripe.rawRequest('GET', '/v1/nonexistent').catch((e) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401 });
  });

  it('sends Switchyard’s app info and the pinned version, with the default retries', async () => {
    // Prepare: a server that only records what it was sent.
    let headers: IncomingHttpHeaders = {};
    const server = createServer((req, res) => {
      headers = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"balance"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stripe = createStripeClient({ apiKey: 'sk_test_1', baseUrl: `http://127.0.0.1:${port}` });

    // Act
    const answer: unknown = await stripe.rawRequest('GET', '/v1/balance');
    server.close();

    // Assess
    expect(answer).toMatchObject({ object: 'balance' });
    expect(headers['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(headers['user-agent']).toMatch(/ Switchyard$/);
    expect(headers.authorization).toBe('Bearer sk_test_1');
    expect(stripe.getMaxNetworkRetries()).toBe(STRIPE_CLIENT_DEFAULTS.maxNetworkRetries);
  });
});
