/**
 * How the hub calls the Stripe API: the key (checked against the hub's mode, never repeated in a
 * message) and a base URL other than api.stripe.com, from the environment or, on AWS, a secret.
 */
import { ConfigError, DEFAULT_STRIPE_SIMULATOR_PORT, ENV, type Env, settings } from '../config.ts';

const { present, required, boolean } = settings;

/** How the hub calls the Stripe API: its secret key, and a base URL other than api.stripe.com. */
export interface StripeApiConfig {
  apiKey: string;
  /** `http(s)://host[:port]` without a path; undefined means https://api.stripe.com. */
  baseUrl?: string;
}

const API_KEYS_PAGE = 'the Stripe Dashboard → Developers → API keys';

/**
 * Checks a secret or restricted key against the hub's mode. The message never repeats the key,
 * only its kind, since it may end up in a log.
 */
export function stripeApiKey(
  raw: string,
  livemode: boolean,
  name: string = ENV.stripeApiKey,
): string {
  const wanted = livemode
    ? 'a live-mode secret key (sk_live_…) or restricted key (rk_live_…)'
    : 'a test-mode secret key (sk_test_…) or restricted key (rk_test_…)';
  const shape = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.exec(raw);
  if (shape === null) {
    const kind = raw.startsWith('pk_')
      ? 'a publishable key (pk_…), which cannot call the API'
      : 'a value that is not a Stripe secret key';
    throw new ConfigError(`${name} holds ${kind}: set it to ${wanted} from ${API_KEYS_PAGE}.`);
  }
  if (shape[2] === 'live' && !livemode) {
    throw new ConfigError(
      `${name} holds a live-mode key, but this hub serves test mode: set it to ${wanted}, or set ${ENV.livemode}=true to serve live mode.`,
    );
  }
  if (shape[2] === 'test' && livemode) {
    throw new ConfigError(
      `${name} holds a test-mode key, but ${ENV.livemode} is true: set it to ${wanted}, or unset ${ENV.livemode} to serve test mode.`,
    );
  }
  return raw;
}

export function stripeApiUrl(env: Env): string | undefined {
  const raw = present(env, ENV.stripeApiUrl);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const bare =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  if (url === undefined || !bare) {
    throw new ConfigError(
      `${ENV.stripeApiUrl} is "${raw}": set it to an http(s) base URL without a path, such as http://127.0.0.1:${DEFAULT_STRIPE_SIMULATOR_PORT}, or unset it to call api.stripe.com.`,
    );
  }
  return url.origin;
}

/** Parses how to call the Stripe API; throws {@link ConfigError} naming the variable. */
export function parseStripeApiConfig(env: Env): StripeApiConfig {
  const apiKey = stripeApiKey(
    required(env, ENV.stripeApiKey, `your Stripe secret key (sk_test_…) from ${API_KEYS_PAGE}`),
    boolean(env, ENV.livemode, false),
  );
  const baseUrl = stripeApiUrl(env);
  return baseUrl === undefined ? { apiKey } : { apiKey, baseUrl };
}

/**
 * Where a function's Stripe API key comes from: STRIPE_API_KEY (the laptop, tests), or a
 * Secrets Manager secret (AWS), read on first use with {@link stripeApiKey}'s checks.
 */
export type StripeApiSource =
  | { kind: 'env'; config: StripeApiConfig }
  | { kind: 'secretsManager'; secretArn: string; livemode: boolean; baseUrl?: string };

/** Parses where a connector reads the Stripe API from; throws {@link ConfigError} naming both variables. */
export function parseStripeApiSource(env: Env): StripeApiSource {
  if (present(env, ENV.stripeApiKey) !== undefined) {
    return { kind: 'env', config: parseStripeApiConfig(env) };
  }
  const secretArn = present(env, ENV.stripeApiKeySecretArn);
  if (secretArn === undefined) {
    throw new ConfigError(
      `Neither ${ENV.stripeApiKey} nor ${ENV.stripeApiKeySecretArn} is set: connectors read objects from Stripe, so set one to your Stripe secret key (or the ARN of the secret that holds it).`,
    );
  }
  const baseUrl = stripeApiUrl(env);
  return {
    kind: 'secretsManager',
    secretArn,
    livemode: boolean(env, ENV.livemode, false),
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}
