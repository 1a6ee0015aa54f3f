/**
 * Requests no client library would send: each gets a Salesforce-shaped 4xx (a JSON array of
 * `{message, errorCode}`), never a crash, and the simulator keeps answering afterwards.
 */
import { connect as netConnect } from 'node:net';
import type { Connection } from '@jsforce/jsforce-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiPath, call, connect, useSalesforceSimulator } from './support.ts';

const t = useSalesforceSimulator();
let conn: Connection;
let token: string;
beforeAll(async () => {
  conn = await connect(t.sim);
  token = conn.accessToken ?? '';
});

const json = { 'content-type': 'application/json' };
const KEY = 'Stripe_Customer_Id__c';

/** `status errorCode` of an answer. */
function shape(answer: { status: number; json: unknown }): string {
  if (Array.isArray(answer.json)) {
    return `${answer.status} ${(answer.json[0] as { errorCode?: string } | undefined)?.errorCode}`;
  }
  return `${answer.status} ${(answer.json as { error?: string } | undefined)?.error}`;
}

/** Writes raw bytes to the simulator and reads the answer. */
function rawRequest(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(t.sim.port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('garbage requests', () => {
  it('answers bad bodies of record calls with JSON_PARSER_ERROR, 415 or 413', async () => {
    // Prepare
    const upsert = apiPath(`/sobjects/Account/${KEY}/cus_garbage`);
    const collection = apiPath(`/composite/sobjects/Account/${KEY}`);

    // Act
    const answers = [
      await call(t.sim, 'PATCH', upsert, { token, body: '{"Name": ', headers: json }),
      await call(t.sim, 'PATCH', upsert, { token, body: '[1, 2]', headers: json }),
      await call(t.sim, 'PATCH', upsert, { token, body: '', headers: json }),
      await call(t.sim, 'PATCH', upsert, {
        token,
        body: '{"Name":"x"}',
        headers: { 'content-type': 'text/plain' },
      }),
      await call(t.sim, 'PATCH', collection, { token, body: '{"records": {}}', headers: json }),
      await call(t.sim, 'PATCH', collection, {
        token,
        body: '{"allOrNone": "yes", "records": []}',
        headers: json,
      }),
      await call(t.sim, 'PATCH', collection, { token, body: '{"records": [42]}', headers: json }),
      await call(t.sim, 'PATCH', upsert, {
        token,
        body: '{"Name":"x","constructor":1}',
        headers: json,
      }),
      await call(t.sim, 'PATCH', upsert, {
        token,
        body: '{"Name":"x","__proto__":{"Id":"1"}}',
        headers: json,
      }),
      await call(t.sim, 'PATCH', collection, {
        token,
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
        headers: json,
      }),
    ];

    // Assess
    expect(answers.map(shape)).toEqual([
      '400 JSON_PARSER_ERROR',
      '400 JSON_PARSER_ERROR',
      '400 JSON_PARSER_ERROR',
      '415 UNSUPPORTED_MEDIA_TYPE',
      '400 JSON_PARSER_ERROR',
      '400 JSON_PARSER_ERROR',
      '400 JSON_PARSER_ERROR',
      '400 INVALID_FIELD',
      '400 INVALID_FIELD',
      '413 EXCEEDED_MAX_SIZE_REQUEST',
    ]);
    expect(t.sim.org.record('Account', KEY, 'cus_garbage')).toBeUndefined();
  });

  it('answers unknown paths, methods and versions with 404 and 405', async () => {
    // Act
    const answers = [
      await call(t.sim, 'GET', '/services/data/v62.0/unicorns', { token }),
      await call(t.sim, 'GET', '/nothing/here'),
      await call(t.sim, 'DELETE', apiPath('/query'), { token }),
      await call(t.sim, 'GET', '/services/data/v61.0/query?q=SELECT+Id+FROM+Account', { token }),
      await call(t.sim, 'GET', '/services/data/latest/limits', { token }),
      await call(t.sim, 'GET', apiPath('/sobjects/Account/%E0%A4%A'), { token }),
      await call(t.sim, 'GET', apiPath('/query/01gnonsense-2000'), { token }),
      await call(t.sim, 'GET', apiPath('/query'), { token }),
    ];

    // Assess
    expect(answers.map(shape)).toEqual([
      '404 NOT_FOUND',
      '404 NOT_FOUND',
      '405 METHOD_NOT_ALLOWED',
      '404 NOT_FOUND',
      '404 NOT_FOUND',
      '404 NOT_FOUND',
      '400 INVALID_QUERY_LOCATOR',
      '400 MALFORMED_QUERY',
    ]);
    expect(answers[2]?.json).toEqual([
      {
        message: "HTTP Method 'DELETE' not allowed. Allowed are GET",
        errorCode: 'METHOD_NOT_ALLOWED',
      },
    ]);
  });

  it('answers garbage at the token endpoint with OAuth errors', async () => {
    // Act
    const answers = [
      await call(t.sim, 'POST', '/services/oauth2/token', {
        body: '{"grant_type":"client_credentials"}',
        headers: json,
      }),
      await call(t.sim, 'POST', '/services/oauth2/token'),
      await call(t.sim, 'GET', '/services/oauth2/token'),
      await call(t.sim, 'POST', '/services/oauth2/token', {
        body: 'grant_type=client_credentials&client_id=%ZZ',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ];

    // Assess
    expect(answers.map(shape)).toEqual([
      '400 invalid_request',
      '400 unsupported_grant_type',
      '405 METHOD_NOT_ALLOWED',
      '400 invalid_client_id',
    ]);
  });

  it('answers bytes that are not HTTP with a JSON 400 and keeps serving', async () => {
    // Act
    const answer = await rawRequest('BLAH /\u0001 HTTP/1.1\r\n\r\n');
    const after = await conn.query('SELECT COUNT() FROM Account');

    // Assess
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(answer).toContain('"errorCode":"BAD_REQUEST"');
    expect(after.done).toBe(true);
  });

  it('lists the versions without a session and answers a version’s resources with one', async () => {
    // Act
    const versions = await call(t.sim, 'GET', '/services/data/');
    const resources = await conn.request(apiPath('/'));

    // Assess
    expect(versions.status).toBe(200);
    expect(versions.headers.get('sforce-limit-info')).toBeNull();
    expect(versions.json).toContainEqual({
      version: '62.0',
      label: "Winter '25",
      url: '/services/data/v62.0',
    });
    expect((versions.json as { version: string }[]).every((v) => Number(v.version) >= 62)).toBe(
      true,
    );
    expect(resources).toMatchObject({
      query: '/services/data/v62.0/query',
      sobjects: '/services/data/v62.0/sobjects',
    });
  });
});
