/**
 * The Stripe API client every part of the hub uses: the official `stripe` SDK, pinned to the API
 * version the hub declares, pointed at api.stripe.com or at STRIPE_API_URL (the local simulator).
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../events/api-version.ts';
import { readSecretString } from '../secrets.ts';
import { type StripeApiConfig, type StripeApiSource, stripeApiKey } from './config.ts';

export interface StripeClientOptions {
  /** How long one attempt may take, in milliseconds. Default {@link STRIPE_CLIENT_DEFAULTS}. */
  timeoutMs?: number;
  /**
   * Retries of a request that failed on the network or was answered 409 (a lock conflict), 5xx,
   * or with `Stripe-Should-Retry: true`. The SDK adds an idempotency key to every POST, so a
   * retry never applies twice.
   */
  maxNetworkRetries?: number;
}

/**
 * The defaults: three attempts of 15 s, with the SDK's back-off between them, finish well within
 * a connector function's timeout (`CONNECTOR_INTAKE`); the queue retries after that.
 */
export const STRIPE_CLIENT_DEFAULTS = { timeoutMs: 15_000, maxNetworkRetries: 2 } as const;

function endpoint(baseUrl: string): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    protocol,
    // An IPv6 literal comes bracketed in a URL; Node's http.request wants it bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
  };
}

/**
 * A Stripe SDK client for the hub: `config.apiKey`, API version {@link STRIPE_API_VERSION},
 * `appInfo` Switchyard, a timeout and network retries ({@link STRIPE_CLIENT_DEFAULTS} unless
 * `options` say otherwise), and `config.baseUrl`'s protocol, host and port when it is set.
 *
 * @example
 *   const stripe = createStripeClient(parseStripeApiConfig(processEnv()));
 *   const invoice = await stripe.invoices.retrieve('in_123');
 */
export function createStripeClient(
  config: StripeApiConfig,
  options: StripeClientOptions = {},
): Stripe {
  return new Stripe(config.apiKey, {
    // The SDK's types name only its own version, which is the one STRIPE_API_VERSION holds.
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    appInfo: { name: 'Switchyard' },
    timeout: options.timeoutMs ?? STRIPE_CLIENT_DEFAULTS.timeoutMs,
    maxNetworkRetries: options.maxNetworkRetries ?? STRIPE_CLIENT_DEFAULTS.maxNetworkRetries,
    typescript: true,
    ...(config.baseUrl === undefined ? {} : endpoint(config.baseUrl)),
  });
}

/**
 * A Stripe client from where the key lives: the environment, or a Secrets Manager secret, read
 * through the secrets cache (five minutes) on each call and checked like STRIPE_API_KEY, so a
 * rotated key reaches a warm function; the client is made anew only when the key changed.
 */
export function lazyStripeClient(
  source: StripeApiSource,
  options: StripeClientOptions = {},
): () => Promise<Stripe> {
  if (source.kind === 'env') {
    const client = createStripeClient(source.config, options);
    return async () => client;
  }
  let current: { apiKey: string; client: Stripe } | undefined;
  return async () => {
    const raw = await readSecretString(source.secretArn, 'your Stripe secret key (sk_…)');
    const apiKey = stripeApiKey(raw, source.livemode, source.secretArn);
    if (current?.apiKey !== apiKey) {
      const config =
        source.baseUrl === undefined ? { apiKey } : { apiKey, baseUrl: source.baseUrl };
      current = { apiKey, client: createStripeClient(config, options) };
    }
    return current.client;
  };
}
