import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpHost, startHttpHost } from '../../local/http-host.ts';

let host: HttpHost;
const seen: APIGatewayProxyEventV2[] = [];

beforeAll(async () => {
  host = await startHttpHost({
    port: 0,
    routes: [
      {
        method: 'POST',
        path: '/echo',
        functionName: 'echo',
        timeoutSeconds: 5,
        handler: async (event, context) => {
          seen.push(event);
          return {
            statusCode: 201,
            headers: { 'x-remaining': String(context.getRemainingTimeInMillis() > 0) },
            body: 'ok',
          };
        },
      },
      {
        method: 'POST',
        path: '/crash',
        functionName: 'crash',
        timeoutSeconds: 5,
        handler: async () => {
          throw new Error('bug');
        },
      },
    ],
  });
});

afterAll(async () => {
  await host.close();
});

describe('local API Gateway (HTTP API, payload v2.0)', () => {
  it('passes a text body byte for byte and builds a v2 event', async () => {
    const body = '{"a":"ünïcødé",\r\n  "b": 1}\n';

    const response = await fetch(`${host.url}/echo?x=1&x=2&y=3`, {
      method: 'POST',
      body,
      headers: {
        'Content-Type': 'application/json',
        'Stripe-Signature': 't=1,v1=a',
        Cookie: 'a=1; b=2',
      },
    });
    const event = seen.at(-1);

    expect(response.status).toBe(201);
    expect(response.headers.get('x-remaining')).toBe('true');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /echo',
      rawPath: '/echo',
      rawQueryString: 'x=1&x=2&y=3',
      queryStringParameters: { x: '1,2', y: '3' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      body,
      requestContext: { http: { method: 'POST', path: '/echo' }, stage: '$default' },
    });
    expect(event?.headers['stripe-signature']).toBe('t=1,v1=a');
    expect(event?.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a body that is not text', async () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    await fetch(`${host.url}/echo`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const event = seen.at(-1);
    expect(event?.isBase64Encoded).toBe(true);
    expect(Buffer.from(event?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('answers 404 for an unknown route and 500 when the function throws, as API Gateway does', async () => {
    expect((await fetch(`${host.url}/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${host.url}/echo`, { method: 'GET' })).status).toBe(404);
    const crashed = await fetch(`${host.url}/crash`, { method: 'POST', body: '{}' });
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toEqual({ message: 'Internal Server Error' });
  });
});
