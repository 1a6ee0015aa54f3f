/** The Salesforce connector's settings: both sign-in flows, secrets, and errors that name the fix. */
import { describe, expect, it } from 'vitest';
import {
  parseCredentialSecret,
  parseSalesforceConfig,
} from '../../../../shared/connectors/salesforce/config.ts';

describe('parseSalesforceConfig', () => {
  it('signs in with client credentials at the org’s My Domain, API version 62.0 by default', () => {
    // Act
    const config = parseSalesforceConfig({
      SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_CLIENT_SECRET: 'secret',
    });

    // Assess
    expect(config).toEqual({
      loginUrl: 'https://acme.my.salesforce.com',
      jwtAudience: 'https://login.salesforce.com',
      apiVersion: '62.0',
      credentials: {
        kind: 'env',
        credentials: { flow: 'client_credentials', clientId: 'key', clientSecret: 'secret' },
      },
      fieldMapOverride: undefined,
    });
  });

  it('takes the JWT bearer flow when a user name and private key are set, restoring escaped newlines', () => {
    // Act
    const config = parseSalesforceConfig({
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_USERNAME: 'integration@example.com',
      SALESFORCE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
      SALESFORCE_LOGIN_URL: 'https://test.salesforce.com/',
    });

    // Assess
    expect(config.loginUrl).toBe('https://test.salesforce.com');
    expect(config.jwtAudience).toBe('https://test.salesforce.com');
    expect(config.credentials).toEqual({
      kind: 'env',
      credentials: {
        flow: 'jwt_bearer',
        clientId: 'key',
        username: 'integration@example.com',
        privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
      },
    });
  });

  it.each([
    ['https://acme.my.salesforce.com', 'https://login.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce.com', 'https://test.salesforce.com'],
    ['http://127.0.0.1:12112', 'http://127.0.0.1:12112'],
  ])('gives the JWT bearer flow the audience Salesforce expects for %s', (login, audience) => {
    // Act
    const config = parseSalesforceConfig({
      SALESFORCE_LOGIN_URL: login,
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_USERNAME: 'integration@example.com',
      SALESFORCE_PRIVATE_KEY: 'pem',
    });

    // Assess
    expect(config.jwtAudience).toBe(audience);
  });

  it('refuses the client credentials flow at login.salesforce.com, naming My Domain', () => {
    // Act & Assess
    expect(() =>
      parseSalesforceConfig({ SALESFORCE_CLIENT_ID: 'key', SALESFORCE_CLIENT_SECRET: 'secret' }),
    ).toThrow(/client credentials flow signs in at the org's own My Domain/);
  });

  it('reads credentials from Secrets Manager when only the secret ARN is set', () => {
    // Act
    const config = parseSalesforceConfig({ SALESFORCE_SECRET_ARN: 'arn:aws:secretsmanager:x' });

    // Assess
    expect(config.credentials).toEqual({
      kind: 'secretsManager',
      secretArn: 'arn:aws:secretsmanager:x',
    });
  });

  it.each([
    [{}, /Neither SALESFORCE_CLIENT_ID nor SALESFORCE_SECRET_ARN is set/],
    [{ SALESFORCE_CLIENT_ID: 'key' }, /Neither SALESFORCE_CLIENT_SECRET nor SALESFORCE_USERNAME/],
    [
      {
        SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
        SALESFORCE_CLIENT_ID: 'k',
        SALESFORCE_CLIENT_SECRET: 's',
        SALESFORCE_API_VERSION: '58.0',
      },
      /SALESFORCE_API_VERSION is "58.0".*62\.0 or newer/,
    ],
    [
      { SALESFORCE_CLIENT_ID: 'k', SALESFORCE_CLIENT_SECRET: 's', SALESFORCE_LOGIN_URL: 'login' },
      /SALESFORCE_LOGIN_URL is "login"/,
    ],
  ])('refuses %o, naming the setting', (env, message) => {
    // Act & Assess
    expect(() => parseSalesforceConfig(env)).toThrow(message);
  });
});

describe('parseCredentialSecret', () => {
  it('reads either flow from the secret JSON', () => {
    // Act
    const credentials = parseCredentialSecret(
      JSON.stringify({ clientId: 'key', clientSecret: 'secret' }),
      'arn:secret',
    );

    // Assess
    expect(credentials).toEqual({
      flow: 'client_credentials',
      clientId: 'key',
      clientSecret: 'secret',
    });
  });

  it('says what to store when the secret is not JSON, without repeating its value', () => {
    // Act
    const parse = () => parseCredentialSecret('sk-not-json-hunter2', 'arn:secret');

    // Assess
    expect(parse).toThrow(/Secret arn:secret is not JSON: store \{"clientId"/);
    expect(parse).not.toThrow(/hunter2/);
  });
});
