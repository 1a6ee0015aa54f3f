/**
 * The Salesforce connector's settings, parsed from the environment at cold start. Credentials
 * come from the environment (the laptop, where `npm start` points them at the simulator) or from
 * a Secrets Manager secret (AWS), read on first use.
 */
import { ConfigError, type Env, settings } from '../../config.ts';

/** Environment variable names, shared by the CDK stack, the local runtime and the function. */
export const SALESFORCE_ENV = {
  loginUrl: 'SALESFORCE_LOGIN_URL',
  apiVersion: 'SALESFORCE_API_VERSION',
  clientId: 'SALESFORCE_CLIENT_ID',
  clientSecret: 'SALESFORCE_CLIENT_SECRET',
  username: 'SALESFORCE_USERNAME',
  privateKey: 'SALESFORCE_PRIVATE_KEY',
  secretArn: 'SALESFORCE_SECRET_ARN',
  jwtAudience: 'SALESFORCE_JWT_AUDIENCE',
  fieldMap: 'SALESFORCE_FIELD_MAP',
} as const;

/** The oldest REST API version whose sObject Collections upsert the connector relies on. */
export const MIN_SALESFORCE_API_VERSION = 62;
export const DEFAULT_SALESFORCE_API_VERSION = '62.0';
export const DEFAULT_SALESFORCE_LOGIN_URL = 'https://login.salesforce.com';

/**
 * How the connector signs in: the OAuth 2.0 client credentials flow (a connected app with a
 * run-as user), or the JWT bearer flow (a connected app with a certificate, pre-authorised for
 * the integration user).
 */
export type SalesforceCredentials =
  | { flow: 'client_credentials'; clientId: string; clientSecret: string }
  | { flow: 'jwt_bearer'; clientId: string; username: string; privateKey: string };

export type SalesforceCredentialSource =
  | { kind: 'env'; credentials: SalesforceCredentials }
  | { kind: 'secretsManager'; secretArn: string };

export interface SalesforceConfig {
  loginUrl: string;
  /**
   * The JWT bearer flow's `aud`: Salesforce takes only https://login.salesforce.com (production
   * and its My Domains), https://test.salesforce.com (sandboxes) or an Experience Cloud site,
   * whatever the login URL is.
   */
  jwtAudience: string;
  apiVersion: string;
  credentials: SalesforceCredentialSource;
  /** The user's field-map override as JSON text, if any (merged over the default). */
  fieldMapOverride: string | undefined;
}

const SECRET_SHAPE =
  '{"clientId": "…", "clientSecret": "…"} for the client credentials flow, or {"clientId": "…", "username": "…", "privateKey": "-----BEGIN PRIVATE KEY-----…"} for the JWT bearer flow';

/**
 * Reads credentials from named values (environment variables, or a secret's JSON keys).
 * `names` says how to call each value in an error.
 */
export function credentialsFrom(
  values: {
    clientId?: string | undefined;
    clientSecret?: string | undefined;
    username?: string | undefined;
    privateKey?: string | undefined;
  },
  names: { clientId: string; clientSecret: string; username: string; privateKey: string },
): SalesforceCredentials {
  const { clientId, clientSecret, username, privateKey } = values;
  if (!clientId) {
    throw new ConfigError(
      `${names.clientId} is not set: set it to the consumer key of the Salesforce connected app.`,
    );
  }
  if (username && privateKey) {
    // Secrets stored through a shell often carry the key's newlines as the two characters \n.
    return { flow: 'jwt_bearer', clientId, username, privateKey: privateKey.replace(/\\n/g, '\n') };
  }
  if (clientSecret) return { flow: 'client_credentials', clientId, clientSecret };
  throw new ConfigError(
    `Neither ${names.clientSecret} nor ${names.username} with ${names.privateKey} is set: set the connected app's consumer secret (client credentials flow), or the integration user's name and the app's private key (JWT bearer flow).`,
  );
}

/** Parses a Secrets Manager secret's value into credentials. */
export function parseCredentialSecret(raw: string, secretArn: string): SalesforceCredentials {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`Secret ${secretArn} is not JSON: store ${SECRET_SHAPE}.`, { cause });
  }
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(`Secret ${secretArn} is not a JSON object: store ${SECRET_SHAPE}.`);
  }
  const text = (key: string) => {
    const v = (value as Record<string, unknown>)[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  return credentialsFrom(
    {
      clientId: text('clientId'),
      clientSecret: text('clientSecret'),
      username: text('username'),
      privateKey: text('privateKey'),
    },
    {
      clientId: `"clientId" in secret ${secretArn}`,
      clientSecret: `"clientSecret" in secret ${secretArn}`,
      username: `"username" in secret ${secretArn}`,
      privateKey: `"privateKey" in secret ${secretArn}`,
    },
  );
}

function loginUrl(env: Env): string {
  const raw = settings.present(env, SALESFORCE_ENV.loginUrl) ?? DEFAULT_SALESFORCE_LOGIN_URL;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.pathname !== '/') {
    throw new ConfigError(
      `${SALESFORCE_ENV.loginUrl} is "${raw}": set it to https://login.salesforce.com (production), https://test.salesforce.com (sandbox), your My Domain URL, or the simulator's URL.`,
    );
  }
  return url.origin;
}

function apiVersion(env: Env): string {
  const raw = settings.present(env, SALESFORCE_ENV.apiVersion) ?? DEFAULT_SALESFORCE_API_VERSION;
  const match = /^(\d+)\.0$/.exec(raw);
  if (match === null || Number(match[1]) < MIN_SALESFORCE_API_VERSION) {
    throw new ConfigError(
      `${SALESFORCE_ENV.apiVersion} is "${raw}": set it to a REST API version such as ${DEFAULT_SALESFORCE_API_VERSION} (${MIN_SALESFORCE_API_VERSION}.0 or newer).`,
    );
  }
  return raw;
}

const SALESFORCE_HOST = /(^|\.)(salesforce|force)\.com$/;

/** The audience Salesforce expects for a login URL (a sandbox's My Domain is a sandbox). */
function jwtAudience(env: Env, login: string): string {
  const set = settings.present(env, SALESFORCE_ENV.jwtAudience);
  if (set !== undefined) return set;
  const host = new URL(login).hostname;
  // Not Salesforce (the simulator): it checks the audience against its own URL.
  if (!SALESFORCE_HOST.test(host)) return login;
  const sandbox = host === 'test.salesforce.com' || host.includes('.sandbox.');
  return sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** Parses the connector's settings; throws {@link ConfigError} naming the variable. */
export function parseSalesforceConfig(env: Env): SalesforceConfig {
  const secretArn = settings.present(env, SALESFORCE_ENV.secretArn);
  if (secretArn === undefined && settings.present(env, SALESFORCE_ENV.clientId) === undefined) {
    throw new ConfigError(
      `Neither ${SALESFORCE_ENV.clientId} nor ${SALESFORCE_ENV.secretArn} is set: set the connected app's consumer key (with its secret, or a user name and private key), or the ARN of a secret holding ${SECRET_SHAPE}.`,
    );
  }
  const credentials: SalesforceCredentialSource =
    secretArn !== undefined && settings.present(env, SALESFORCE_ENV.clientId) === undefined
      ? { kind: 'secretsManager', secretArn }
      : {
          kind: 'env',
          credentials: credentialsFrom(
            {
              clientId: settings.present(env, SALESFORCE_ENV.clientId),
              clientSecret: settings.present(env, SALESFORCE_ENV.clientSecret),
              username: settings.present(env, SALESFORCE_ENV.username),
              privateKey: settings.present(env, SALESFORCE_ENV.privateKey),
            },
            SALESFORCE_ENV,
          ),
        };
  const login = loginUrl(env);
  const host = new URL(login).hostname;
  if (
    credentials.kind === 'env' &&
    credentials.credentials.flow === 'client_credentials' &&
    (host === 'login.salesforce.com' || host === 'test.salesforce.com')
  ) {
    throw new ConfigError(
      `${SALESFORCE_ENV.loginUrl} is ${login}, but the client credentials flow signs in at the org's own My Domain: set it to https://<your-domain>.my.salesforce.com (or use the JWT bearer flow).`,
    );
  }
  return {
    loginUrl: login,
    jwtAudience: jwtAudience(env, login),
    apiVersion: apiVersion(env),
    credentials,
    fieldMapOverride: settings.present(env, SALESFORCE_ENV.fieldMap),
  };
}
