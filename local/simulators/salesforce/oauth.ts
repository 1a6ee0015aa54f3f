/**
 * The connected app and its sessions: `POST /services/oauth2/token` with the client credentials
 * flow (id and secret in the form or as Basic auth) or the JWT bearer flow (an RS256 assertion
 * signed with the app's private key, checked against its certificate), access tokens with a
 * lifetime, and revocation. Errors are OAuth's `{error, error_description}` with a 400, worded as
 * Salesforce words them (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
 */
import {
  createHmac,
  createPublicKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
  verify,
  X509Certificate,
} from 'node:crypto';
import { OAuthError } from './errors.ts';
import type { IdFactory } from './ids.ts';

/** The connected app's settings. */
export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** The JWT bearer flow: the app's certificate or public key (PEM) and the user it logs in. */
  jwt?: { publicKeyPem: string; username: string };
  /** How long an access token lives (Salesforce's default session timeout is two hours). */
  tokenLifetimeMs: number;
}

/** The token endpoint's successful answer. */
export interface TokenResponse {
  access_token: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
  signature: string;
  scope: string;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/** Issues and checks access tokens. */
export class Sessions {
  readonly #expiries = new Map<string, number>();
  readonly #app: ConnectedApp;
  readonly #ids: IdFactory;
  readonly #publicKey: KeyObject | undefined;

  constructor(app: ConnectedApp, ids: IdFactory) {
    this.#app = app;
    this.#ids = ids;
    this.#publicKey = app.jwt ? publicKeyOf(app.jwt.publicKeyPem) : undefined;
  }

  /** Whether `token` is a live access token. */
  check(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.#expiries.get(token);
    if (expiry === undefined) return false;
    if (expiry <= Date.now()) {
      this.#expiries.delete(token);
      return false;
    }
    return true;
  }

  /** Ends every session: the next API call with any token answers INVALID_SESSION_ID. */
  expireAll(): void {
    this.#expiries.clear();
  }

  /** Ends one session (`POST /services/oauth2/revoke`). */
  revoke(token: string): void {
    this.#expiries.delete(token);
  }

  /**
   * Answers a token request. `form` is the decoded body; `authorization` the Basic header a
   * client may send its id and secret in; `baseUrl` the simulator's URL (the instance and the
   * audience a JWT must name).
   */
  token(form: URLSearchParams, authorization: string | undefined, baseUrl: string): TokenResponse {
    const grant = form.get('grant_type');
    if (grant === CLIENT_CREDENTIALS_GRANT) this.#checkClient(form, authorization);
    else if (grant === JWT_GRANT) this.#checkAssertion(form.get('assertion') ?? '', baseUrl);
    else throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    const token = `${this.#ids.orgId.slice(0, 15)}!${randomBytes(36).toString('base64url')}`;
    this.#expiries.set(token, Date.now() + this.#app.tokenLifetimeMs);
    const id = `${baseUrl}/id/${this.#ids.orgId}/${this.#ids.userId}`;
    const issuedAt = String(Date.now());
    const signature = createHmac('sha256', this.#app.clientSecret)
      .update(id + issuedAt)
      .digest('base64');
    return {
      access_token: token,
      instance_url: baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      signature,
      scope: 'api',
    };
  }

  #checkClient(form: URLSearchParams, authorization: string | undefined): void {
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = formDecoded(decoded.slice(0, Math.max(colon, 0)));
      secret = formDecoded(decoded.slice(colon + 1));
    }
    if (clientId !== this.#app.clientId) {
      throw new OAuthError('invalid_client_id', 'client identifier invalid');
    }
    if (secret === undefined || !sameText(secret, this.#app.clientSecret)) {
      throw new OAuthError('invalid_client', 'invalid client credentials');
    }
  }

  #checkAssertion(assertion: string, baseUrl: string): void {
    const parts = assertion.split('.');
    const [header, claims, signature] = parts;
    const decoded = parts.length === 3 ? decodeJwt(header ?? '', claims ?? '') : undefined;
    if (decoded?.header.alg !== 'RS256' || signature === undefined) {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    const { iss, sub, aud, exp } = decoded.claims;
    if (iss !== this.#app.clientId) {
      throw new OAuthError('invalid_client_id', 'client identifier invalid');
    }
    const signed = Buffer.from(`${header}.${claims}`);
    const valid =
      this.#publicKey !== undefined &&
      verify('RSA-SHA256', signed, this.#publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) throw new OAuthError('invalid_grant', 'invalid assertion');
    const audiences = (Array.isArray(aud) ? aud : [aud]).map((a) => String(a).replace(/\/+$/, ''));
    if (!audiences.some((a) => acceptedAudiences(baseUrl).includes(a))) {
      throw new OAuthError('invalid_grant', 'audience is invalid');
    }
    if (typeof exp !== 'number' || exp * 1000 <= Date.now()) {
      throw new OAuthError('invalid_grant', 'expired authorization code');
    }
    if (sub !== this.#app.jwt?.username) {
      throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
    }
  }
}

/** The audiences a JWT may name: this simulator, or Salesforce's login hosts. */
function acceptedAudiences(baseUrl: string): string[] {
  const local = baseUrl.replace('127.0.0.1', 'localhost');
  return [baseUrl, local, 'https://login.salesforce.com', 'https://test.salesforce.com'];
}

function decodeJwt(
  header: string,
  claims: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  try {
    const h: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const c: unknown = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    if (typeof h !== 'object' || h === null || typeof c !== 'object' || c === null)
      return undefined;
    return { header: h as Record<string, unknown>, claims: c as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function publicKeyOf(pem: string): KeyObject {
  try {
    return pem.includes('BEGIN CERTIFICATE')
      ? new X509Certificate(pem).publicKey
      : createPublicKey(pem);
  } catch (error) {
    throw new Error(
      `jwt.publicKeyPem is neither a PEM certificate nor a PEM public key: ${(error as Error).message}`,
    );
  }
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded; a bad escape is kept as it is. */
function formDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
