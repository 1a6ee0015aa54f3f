/**
 * The simulator's connected app through jsforce: the client credentials flow (form and Basic
 * auth), the JWT bearer flow with a key pair made here, OAuth's error answers, and sessions that
 * expire (on demand or by lifetime) with jsforce logging in again through its refreshFn.
 */
import { Connection } from '@jsforce/jsforce-node';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SALESFORCE_CLIENT_ID,
  DEFAULT_SALESFORCE_CLIENT_SECRET,
  startSalesforceSimulator,
} from '../../../../local/simulators/salesforce/server.ts';
import {
  API_VERSION,
  anonymousConnection,
  apiPath,
  call,
  connect,
  rejectionOf,
  rsaKeyPair,
  signJwt,
  useSalesforceSimulator,
} from './support.ts';

const USERNAME = 'integration@switchyard.example';
const keys = rsaKeyPair();
const t = useSalesforceSimulator({ jwt: { publicKeyPem: keys.publicKeyPem, username: USERNAME } });

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

function jwtConnection(): Connection {
  return new Connection({ loginUrl: t.sim.loginUrl, version: API_VERSION });
}

describe('client credentials flow', () => {
  it('logs jsforce in and answers Salesforce’s token fields', async () => {
    // Prepare
    const conn = anonymousConnection(t.sim);

    // Act
    const user = await conn.authorize({ grant_type: 'client_credentials' });
    const accounts = await conn.query('SELECT Id FROM Account');

    // Assess
    expect(conn.instanceUrl).toBe(t.sim.url);
    expect(user.organizationId).toMatch(/^00D[A-Za-z0-9]{15}$/);
    expect(user.id).toMatch(/^005[A-Za-z0-9]{15}$/);
    expect(accounts.done).toBe(true);
  });

  it('takes the client id and secret as Basic auth too', async () => {
    // Prepare
    const basic = Buffer.from(
      `${DEFAULT_SALESFORCE_CLIENT_ID}:${DEFAULT_SALESFORCE_CLIENT_SECRET}`,
    );

    // Act
    const answer = await call(t.sim, 'POST', '/services/oauth2/token', {
      body: 'grant_type=client_credentials',
      headers: {
        authorization: `Basic ${basic.toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      token_type: 'Bearer',
      instance_url: t.sim.url,
      scope: 'api',
      access_token: expect.stringMatching(/^00D\w{12}!/),
      issued_at: expect.stringMatching(/^\d{13}$/),
      signature: expect.any(String),
      id: expect.stringContaining(`${t.sim.url}/id/00D`),
    });
  });

  it('refuses a wrong secret and an unknown client with OAuth errors', async () => {
    // Act
    const wrongSecret = await rejectionOf(
      anonymousConnection(t.sim, { clientSecret: 'nope' }).authorize({
        grant_type: 'client_credentials',
      }),
    );
    const unknownClient = await rejectionOf(
      anonymousConnection(t.sim, { clientId: 'someone-else' }).authorize({
        grant_type: 'client_credentials',
      }),
    );
    const password = await rejectionOf(
      anonymousConnection(t.sim).authorize({
        grant_type: 'password',
        username: 'u',
        password: 'p',
      }),
    );

    // Assess
    expect([wrongSecret, unknownClient, password].map((e) => `${e.name}: ${e.message}`)).toEqual([
      'invalid_client: invalid client credentials',
      'invalid_client_id: client identifier invalid',
      'unsupported_grant_type: grant type not supported',
    ]);
  });
});

describe('JWT bearer flow', () => {
  it('logs in with an assertion signed by the connected app’s key', async () => {
    // Prepare
    const conn = jwtConnection();
    const assertion = signJwt(keys.privateKey, {
      iss: DEFAULT_SALESFORCE_CLIENT_ID,
      sub: USERNAME,
      aud: t.sim.loginUrl,
      exp: inFiveMinutes(),
    });

    // Act
    await conn.authorize({ grant_type: JWT_GRANT, assertion });
    const limits = await conn.limits();

    // Assess
    expect(limits).toMatchObject({ DailyApiRequests: { Max: 100_000 } });
  });

  it('refuses another key, a past exp, a foreign audience and an unknown user', async () => {
    // Prepare
    const other = rsaKeyPair();
    const claims = {
      iss: DEFAULT_SALESFORCE_CLIENT_ID,
      sub: USERNAME,
      aud: t.sim.loginUrl,
      exp: inFiveMinutes(),
    };
    const assertions = [
      signJwt(other.privateKey, claims),
      signJwt(keys.privateKey, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 }),
      signJwt(keys.privateKey, { ...claims, aud: 'https://example.com' }),
      signJwt(keys.privateKey, { ...claims, sub: 'someone@else.example' }),
      signJwt(keys.privateKey, { ...claims, iss: 'another-app' }),
      'not.a.jwt',
    ];

    // Act
    const errors = await Promise.all(
      assertions.map((assertion) =>
        rejectionOf(jwtConnection().authorize({ grant_type: JWT_GRANT, assertion })),
      ),
    );

    // Assess
    expect(errors.map((e) => `${e.name}: ${e.message}`)).toEqual([
      'invalid_grant: invalid assertion',
      'invalid_grant: expired authorization code',
      'invalid_grant: audience is invalid',
      "invalid_grant: user hasn't approved this consumer",
      'invalid_client_id: client identifier invalid',
      'invalid_grant: invalid assertion',
    ]);
  });

  it('answers the JWT errors with a 400 and OAuth’s JSON body', async () => {
    // Prepare
    const assertion = signJwt(rsaKeyPair().privateKey, { iss: DEFAULT_SALESFORCE_CLIENT_ID });

    // Act
    const answer = await call(t.sim, 'POST', '/services/oauth2/token', {
      body: new URLSearchParams({ grant_type: JWT_GRANT, assertion }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });
});

describe('sessions', () => {
  it('answers 401 INVALID_SESSION_ID for no token and for an unknown one', async () => {
    // Act
    const answers = [
      await call(t.sim, 'GET', apiPath('/limits')),
      await call(t.sim, 'GET', apiPath('/limits'), { token: '00Dxx!forged' }),
    ];

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    }
  });

  it('lets jsforce log in again through refreshFn after the sessions are expired', async () => {
    // Prepare
    const conn = await connect(t.sim);
    const before = conn.accessToken;
    const tokensBefore = t.sim.org.calls.byKind.token;
    t.sim.expireSessions();

    // Act
    const result = await conn.query('SELECT COUNT() FROM Account');

    // Assess
    expect(result.totalSize).toBeGreaterThanOrEqual(0);
    expect(conn.accessToken).not.toBe(before);
    expect(t.sim.org.calls.byKind.token).toBe(tokensBefore + 1);
  });

  it('fails the call with INVALID_SESSION_ID when no refresh is possible', async () => {
    // Prepare
    const logged = await connect(t.sim);
    const conn = new Connection({
      instanceUrl: logged.instanceUrl,
      accessToken: logged.accessToken ?? '',
      version: API_VERSION,
    });
    t.sim.expireSessions();

    // Act
    const error = await rejectionOf(conn.query('SELECT Id FROM Account'));

    // Assess
    expect(error.errorCode).toBe('INVALID_SESSION_ID');
    expect(error.message).toBe('Session expired or invalid');
  });

  it('ends a token when its lifetime is over', async () => {
    // Prepare
    const sim = await startSalesforceSimulator({ port: 0, tokenLifetimeMs: 300 });
    try {
      const conn = await connect(sim);
      const token = conn.accessToken ?? '';
      await new Promise((resolve) => setTimeout(resolve, 350));

      // Act
      const expired = await call(sim, 'GET', apiPath('/limits'), { token });
      const refreshed = await conn.limits();

      // Assess
      expect(expired.status).toBe(401);
      expect(refreshed.DailyApiRequests?.Max).toBe(100_000);
    } finally {
      await sim.stop();
    }
  });
});
