/**
 * The daily API limit (`Sforce-Limit-Info`, 403 REQUEST_LIMIT_EXCEEDED), failures injected for
 * connector tests (row locks per record and per call, 503, 500, request limits, expired
 * sessions), the HTTP control surface, and the call counters.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../../../local/simulators/salesforce/faults.ts';
import { ApiLimits } from '../../../../local/simulators/salesforce/limits.ts';
import { apiPath, call, connect, rejectionOf, useSalesforceSimulator } from './support.ts';

const t = useSalesforceSimulator({ dailyApiLimit: 1_000 });
let conn: Connection;
beforeAll(async () => {
  conn = await connect(t.sim);
});
afterEach(() => {
  t.sim.faults.clear();
  t.sim.setDailyLimit(1_000, 0);
});

const KEY = 'Stripe_Customer_Id__c';

describe('daily API limit', () => {
  it('counts every API call in Sforce-Limit-Info, and jsforce reads it', async () => {
    // Prepare
    t.sim.setDailyLimit(1_000, 41);

    // Act
    const answer = await call(t.sim, 'GET', apiPath('/limits'), { token: conn.accessToken ?? '' });
    await conn.query('SELECT Id FROM Account');

    // Assess
    expect(answer.headers.get('sforce-limit-info')).toBe('api-usage=42/1000');
    expect(answer.json).toEqual({ DailyApiRequests: { Max: 1_000, Remaining: 958 } });
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 43, limit: 1_000 } });
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the allowance is used up', async () => {
    // Prepare
    t.sim.setDailyLimit(10, 10);

    // Act
    const error = await rejectionOf(conn.query('SELECT Id FROM Account'));
    const versions = await call(t.sim, 'GET', '/services/data/');

    // Assess
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(error.message).toBe('TotalRequests Limit exceeded.');
    expect(versions.status).toBe(200);
    expect(t.sim.apiUsage()).toEqual({ used: 10, max: 10 });
  });
});

describe('faults', () => {
  it('fails chosen records of a collection with UNABLE_TO_LOCK_ROW inside a 200', async () => {
    // Prepare
    t.sim.faults.inject({ kind: FAULT_KINDS.lockRow, records: [1] });
    const records = [1, 2, 3].map((i) => ({ Name: `Locked ${i}`, [KEY]: `cus_lock${i}` }));

    // Act
    const results = (await conn.sobject('Account').upsert(records, KEY)) as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];

    // Assess
    expect(results.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual([
      'ok',
      'UNABLE_TO_LOCK_ROW',
      'ok',
    ]);
    expect(t.sim.org.record('Account', KEY, 'cus_lock2')).toBeUndefined();
  });

  it('fails whole calls for the next N matching calls, then answers normally', async () => {
    // Prepare
    const token = conn.accessToken ?? '';
    const json = { 'content-type': 'application/json' };
    t.sim.faults.inject({ kind: FAULT_KINDS.unavailable, times: 2, callKind: 'query' });
    t.sim.faults.inject({
      kind: FAULT_KINDS.serverError,
      method: 'PATCH',
      path: '/composite/sobjects/Account',
    });
    t.sim.faults.inject({
      kind: FAULT_KINDS.lockRow,
      path: /\/sobjects\/Account\/Stripe_Customer_Id__c\//,
      wholeCall: true,
    });
    t.sim.faults.inject({ kind: FAULT_KINDS.requestLimit, status: 429, callKind: 'read' });

    // Act
    const queries = [
      await call(t.sim, 'GET', apiPath('/query?q=SELECT+Id+FROM+Account'), { token }),
      await call(t.sim, 'GET', apiPath('/query?q=SELECT+Id+FROM+Account'), { token }),
      await call(t.sim, 'GET', apiPath('/query?q=SELECT+Id+FROM+Account'), { token }),
    ];
    const collection = await rejectionOf(
      conn.sobject('Account').upsert([{ Name: 'X', [KEY]: 'cus_f1' }], KEY),
    );
    const single = await call(t.sim, 'PATCH', apiPath(`/sobjects/Account/${KEY}/cus_f2`), {
      token,
      body: '{"Name":"Y"}',
      headers: json,
    });
    const read = await call(t.sim, 'GET', apiPath(`/sobjects/Account/${KEY}/cus_f2`), { token });

    // Assess
    expect(queries.map((q) => q.status)).toEqual([503, 503, 200]);
    expect(queries[0]?.json).toEqual([
      {
        message: 'Server temporarily unavailable. Please try again later.',
        errorCode: 'SERVER_UNAVAILABLE',
      },
    ]);
    expect(collection.errorCode).toBe('UNKNOWN_EXCEPTION');
    expect(single.status).toBe(400);
    expect(single.json).toEqual([
      {
        message: 'unable to obtain exclusive access to this record',
        errorCode: 'UNABLE_TO_LOCK_ROW',
      },
    ]);
    expect(read.status).toBe(429);
    expect(read.json).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(t.sim.faults.pending()).toEqual([]);
  });

  it('is retried by jsforce itself on a GET (not on a PATCH): know this when counting calls', async () => {
    // Prepare
    t.sim.faults.inject({ kind: FAULT_KINDS.unavailable, callKind: 'query' });
    const before = t.sim.org.calls.byKind.query;

    // Act
    const result = await conn.query('SELECT Id FROM Account LIMIT 1');

    // Assess
    expect(result.done).toBe(true);
    expect(t.sim.org.calls.byKind.query - before).toBe(2);
  });

  it('answers INVALID_SESSION_ID once and jsforce logs in again', async () => {
    // Prepare
    t.sim.faults.inject({ kind: FAULT_KINDS.invalidSession });
    const tokens = t.sim.org.calls.byKind.token;

    // Act
    const result = await conn.query('SELECT COUNT() FROM Account');

    // Assess
    expect(result.done).toBe(true);
    expect(t.sim.org.calls.byKind.token).toBe(tokens + 1);
  });
});

describe('control surface and counters', () => {
  it('queues faults, sets the limit and reports state over HTTP', async () => {
    // Act
    const fault = await call(t.sim, 'POST', '/_simulator/faults', {
      body: JSON.stringify({ kind: 'SERVER_UNAVAILABLE', callKind: 'query' }),
    });
    const badFault = await call(t.sim, 'POST', '/_simulator/faults', { body: '{"kind":"METEOR"}' });
    const failed = await call(t.sim, 'GET', apiPath('/query?q=SELECT+Id+FROM+Account'), {
      token: conn.accessToken ?? '',
    });
    await call(t.sim, 'POST', '/_simulator/limits', { body: '{"max": 500, "used": 7}' });
    const state = await call(t.sim, 'GET', '/_simulator/state');
    await call(t.sim, 'POST', '/_simulator/sessions/expire');
    const expired = await call(t.sim, 'GET', apiPath('/limits'), { token: conn.accessToken ?? '' });

    // Assess
    expect(fault).toMatchObject({ status: 200, json: { pending: 1 } });
    expect(badFault.status).toBe(400);
    expect(failed.status).toBe(503);
    expect(state.json).toMatchObject({
      apiUsage: { used: 7, max: 500 },
      faults: [],
      calls: { byKind: { token: expect.any(Number), query: expect.any(Number) } },
      records: { Account: expect.any(Number), Stripe_Invoice__c: 0 },
    });
    expect(expired.status).toBe(401);
  });

  it('counts calls per kind', async () => {
    // Prepare
    const fresh = await connect(t.sim);
    t.sim.org.calls.reset();

    // Act
    await fresh.sobject('Account').upsert([{ Name: 'Counted', [KEY]: 'cus_count' }], KEY);
    await fresh.sobject('Account').upsert({ Name: 'Counted', [KEY]: 'cus_count' }, KEY);
    await fresh.query('SELECT Id FROM Account');
    await fresh.request(apiPath(`/sobjects/Account/${KEY}/cus_count`));

    // Assess
    expect(t.sim.org.calls.total).toBe(4);
    expect(t.sim.org.calls.byKind).toMatchObject({
      collections: 1,
      upsert: 1,
      query: 1,
      read: 1,
      token: 0,
    });
    expect(t.sim.org.calls.entries.map((e) => `${e.method} ${e.status}`)).toEqual([
      'PATCH 200',
      'PATCH 200',
      'GET 200',
      'GET 200',
    ]);
  });
});

describe('ApiLimits', () => {
  it('starts a new day’s count a day after the count began', () => {
    // Prepare
    let now = 0;
    const limits = new ApiLimits(2, () => now);
    limits.consume();
    limits.consume();

    // Act
    const spent = limits.consume();
    now = 24 * 60 * 60 * 1000;
    const nextDay = limits.consume();

    // Assess
    expect(spent).toBe(false);
    expect(nextDay).toBe(true);
    expect(limits.header()).toBe('api-usage=1/2');
  });
});
