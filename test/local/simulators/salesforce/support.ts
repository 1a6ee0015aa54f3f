/**
 * What the Salesforce simulator's tests share: one simulator per test file, jsforce connections
 * logged in through the simulator's OAuth endpoint (re-authenticating on INVALID_SESSION_ID like
 * the connector will), RS256 JWTs signed with node:crypto, and raw fetch for what jsforce cannot
 * send.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'vitest';
import {
  DEFAULT_SALESFORCE_CLIENT_ID,
  DEFAULT_SALESFORCE_CLIENT_SECRET,
  type SalesforceSimulator,
} from '../../../../local/simulators/salesforce/server.ts';

/** The API version the connector uses. */
export const API_VERSION = '62.0';

/** One simulator per test file: the same helper the connector's tests use. */
export { type SalesforceHandle, useSalesforceSimulator } from '../../../support/salesforce.ts';

/** A connection that has not logged in, for the simulator's connected app. */
export function anonymousConnection(
  sim: SalesforceSimulator,
  client: { clientId?: string; clientSecret?: string } = {},
): Connection {
  return new Connection({
    loginUrl: sim.loginUrl,
    version: API_VERSION,
    oauth2: {
      loginUrl: sim.loginUrl,
      clientId: client.clientId ?? DEFAULT_SALESFORCE_CLIENT_ID,
      clientSecret: client.clientSecret ?? DEFAULT_SALESFORCE_CLIENT_SECRET,
    },
    // Without a refresh token, jsforce's default refresh cannot work: log in again instead.
    refreshFn: (conn, callback) => {
      conn.oauth2
        .requestToken({ grant_type: 'client_credentials' })
        .then((res) => {
          conn.accessToken = res.access_token;
          callback(null, res.access_token, res);
        })
        .catch((error: Error) => callback(error));
    },
  });
}

/** A connection logged in with the client credentials flow. */
export async function connect(sim: SalesforceSimulator): Promise<Connection> {
  const conn = anonymousConnection(sim);
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A fresh RSA key pair: the private key signs, the PEM public key goes to the simulator. */
export function rsaKeyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** An RS256 JWT bearer assertion with `claims`, signed with `privateKey`. */
export function signJwt(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url');
  return `${unsigned}.${signature}`;
}

/** The error `promise` rejects with; the test fails if it resolves. */
export async function rejectionOf(
  promise: PromiseLike<unknown>,
): Promise<Error & Record<string, unknown>> {
  const outcome = await Promise.resolve(promise).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) expect.fail(`Expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error & Record<string, unknown>;
}

/** A raw request to the simulator; `token` is sent as a Bearer token when given. */
export async function call(
  sim: SalesforceSimulator,
  method: string,
  path: string,
  init: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const headers: Record<string, string> = {
    ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    ...init.headers,
  };
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? undefined : JSON.parse(text),
  };
}

/** `/services/data/v62.0` + `path`. */
export function apiPath(path: string): string {
  return `/services/data/v${API_VERSION}${path}`;
}
