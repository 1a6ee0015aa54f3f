import { describe, expect, it } from 'vitest';
import { parseLocalConfig } from '../../local/config.ts';
import {
  ConfigError,
  dlqUrlEnv,
  ENV,
  parseConsumerConfig,
  parseIngressConfig,
  queueUrlEnv,
} from '../../shared/config.ts';
import { CONNECTORS } from '../../shared/connectors.ts';
import { DEFAULT_ROUTES } from '../../shared/events/routing.ts';
import { parseStripeApiConfig } from '../../shared/stripe/config.ts';

function ingressEnv(overrides: Record<string, string | undefined> = {}) {
  const env: Record<string, string | undefined> = {
    [ENV.webhookSecret]: 'whsec_one',
    [ENV.ledgerTable]: 'ledger',
    [ENV.idempotencyTable]: 'idempotency',
    [ENV.payloadBucket]: 'payloads',
  };
  for (const c of CONNECTORS) env[queueUrlEnv(c)] = `http://sqs/${c}`;
  return { ...env, ...overrides };
}

describe('parseIngressConfig', () => {
  it('reads a complete environment with defaults', () => {
    const config = parseIngressConfig(ingressEnv());

    expect(config.webhookSecrets).toEqual({ kind: 'env', secrets: ['whsec_one'] });
    expect(config.toleranceSeconds).toBe(300);
    expect(config.livemode).toBe(false);
    expect(config.routes).toBe(DEFAULT_ROUTES);
    expect(config.queueUrls.salesforce).toBe('http://sqs/salesforce');
    expect(config.ledgerTtlDays).toBe(90);
  });

  it('accepts several secrets for a rotation', () => {
    const config = parseIngressConfig(ingressEnv({ [ENV.webhookSecret]: 'whsec_old, whsec_new' }));
    expect(config.webhookSecrets).toEqual({ kind: 'env', secrets: ['whsec_old', 'whsec_new'] });
  });

  it('takes the secret from Secrets Manager when only the ARN is set', () => {
    const config = parseIngressConfig(
      ingressEnv({
        [ENV.webhookSecret]: undefined,
        [ENV.webhookSecretArn]: 'arn:aws:secretsmanager:x',
      }),
    );
    expect(config.webhookSecrets).toEqual({
      kind: 'secretsManager',
      secretArn: 'arn:aws:secretsmanager:x',
    });
  });

  it.each([
    [{ [ENV.ledgerTable]: undefined }, /LEDGER_TABLE is not set/],
    [{ [ENV.webhookSecret]: undefined }, /STRIPE_WEBHOOK_SECRET nor STRIPE_WEBHOOK_SECRET_ARN/],
    [
      { [ENV.webhookSecret]: 'sk_test_123' },
      /STRIPE_WEBHOOK_SECRET holds a value that is not a Stripe webhook signing secret/,
    ],
    [{ [ENV.livemode]: 'maybe' }, /STRIPE_LIVEMODE is "maybe": set it to true or false/],
    [{ [ENV.webhookToleranceSeconds]: '-5' }, /STRIPE_WEBHOOK_TOLERANCE_SECONDS is "-5"/],
    [{ [queueUrlEnv('netsuite')]: undefined }, /QUEUE_URL_NETSUITE is not set/],
    [{ [ENV.routingTable]: '{not json' }, /ROUTING_TABLE is not valid JSON/],
    [
      { [ENV.routingTable]: '{"crm": ["*"]}' },
      /ROUTING_TABLE is not a routing table: unknown connector "crm"/,
    ],
  ])('fails fast naming the variable: %o', (overrides, message) => {
    expect(() => parseIngressConfig(ingressEnv(overrides))).toThrow(ConfigError);
    expect(() => parseIngressConfig(ingressEnv(overrides))).toThrow(message);
  });

  it('needs no queue URL for a connector the routing table leaves out', () => {
    const config = parseIngressConfig(
      ingressEnv({
        [ENV.routingTable]: '{"warehouse": ["*"]}',
        [queueUrlEnv('salesforce')]: undefined,
      }),
    );
    expect(config.queueUrls).toEqual({ warehouse: 'http://sqs/warehouse' });
  });
});

describe('parseLocalConfig', () => {
  it('has defaults that need no setting at all', () => {
    expect(parseLocalConfig({})).toEqual({
      port: 3000,
      webhookSecrets: undefined,
      livemode: false,
      dataDir: '.switchyard',
      routingTable: undefined,
      stripeSimulatorPort: 12_111,
      salesforce: { simulatorPort: 12_112 },
      warehouse: { simulatorPort: 12_113 },
    });
  });

  it('uses a real org when its settings are given, and a PostgreSQL server when named', () => {
    // Act
    const real = parseLocalConfig({
      SALESFORCE_LOGIN_URL: 'https://test.salesforce.com',
      SALESFORCE_CLIENT_ID: 'key',
      UNRELATED: 'x',
    });
    const postgres = parseLocalConfig({ [ENV.warehousePostgresUrl]: 'postgres://pg@db/x' });

    // Assess
    expect(real.salesforce).toEqual({
      env: { SALESFORCE_LOGIN_URL: 'https://test.salesforce.com', SALESFORCE_CLIENT_ID: 'key' },
    });
    expect(postgres.warehouse).toEqual({
      simulatorPort: 12_113,
      postgresUrl: 'postgres://pg@db/x',
    });
  });

  it('refuses a real Redshift, which cannot read the laptop’s staged batches, and says what to do', () => {
    // Act & Assess
    expect(() => parseLocalConfig({ WAREHOUSE_WORKGROUP: 'analytics' })).toThrow(
      /WAREHOUSE_WORKGROUP is set, but npm start loads only its local Redshift simulator.*deploy the stack/,
    );
  });

  it('rejects a port that is not one', () => {
    expect(() => parseLocalConfig({ PORT: 'http' })).toThrow(/PORT is "http"/);
    expect(() => parseLocalConfig({ [ENV.stripeSimulatorPort]: '70000' })).toThrow(
      /STRIPE_SIMULATOR_PORT is "70000": set it to a whole number from 0 to 65535/,
    );
  });

  it('takes a Stripe key and API URL, which mean no simulator is needed', () => {
    const config = parseLocalConfig({
      [ENV.stripeApiKey]: 'rk_test_abc',
      [ENV.stripeApiUrl]: 'http://localhost:12112/',
      [ENV.stripeSimulatorPort]: '0',
    });
    expect(config).toMatchObject({
      stripeApiKey: 'rk_test_abc',
      stripeApiUrl: 'http://localhost:12112',
      stripeSimulatorPort: 0,
    });
  });

  it('checks the Stripe key against the mode', () => {
    expect(() => parseLocalConfig({ [ENV.stripeApiKey]: 'sk_live_abc' })).toThrow(
      /STRIPE_API_KEY holds a live-mode key, but this hub serves test mode/,
    );
  });
});

describe('parseStripeApiConfig', () => {
  it('reads a test key, calling api.stripe.com by default', () => {
    expect(parseStripeApiConfig({ [ENV.stripeApiKey]: 'sk_test_51Habc' })).toEqual({
      apiKey: 'sk_test_51Habc',
    });
  });

  it('takes a base URL, without a trailing slash', () => {
    const config = parseStripeApiConfig({
      [ENV.stripeApiKey]: 'sk_test_1',
      [ENV.stripeApiUrl]: 'http://127.0.0.1:12111/',
    });
    expect(config).toEqual({ apiKey: 'sk_test_1', baseUrl: 'http://127.0.0.1:12111' });
  });

  it('takes a live key only for a live-mode hub', () => {
    const config = parseStripeApiConfig({
      [ENV.stripeApiKey]: 'rk_live_1',
      [ENV.livemode]: 'true',
    });
    expect(config.apiKey).toBe('rk_live_1');
  });

  it.each([
    [{}, /STRIPE_API_KEY is not set: set it to your Stripe secret key \(sk_test_…\)/],
    [{ [ENV.stripeApiKey]: 'pk_test_1' }, /STRIPE_API_KEY holds a publishable key/],
    [{ [ENV.stripeApiKey]: 'whsec_1' }, /STRIPE_API_KEY holds a value that is not a Stripe secret/],
    [
      { [ENV.stripeApiKey]: 'sk_live_1' },
      /STRIPE_API_KEY holds a live-mode key, but this hub serves test mode: .* or set STRIPE_LIVEMODE=true/,
    ],
    [
      { [ENV.stripeApiKey]: 'sk_test_1', [ENV.livemode]: 'true' },
      /STRIPE_API_KEY holds a test-mode key, but STRIPE_LIVEMODE is true/,
    ],
    [
      { [ENV.stripeApiKey]: 'sk_test_1', [ENV.stripeApiUrl]: 'localhost:12111' },
      /STRIPE_API_URL is "localhost:12111": set it to an http\(s\) base URL/,
    ],
    [
      { [ENV.stripeApiKey]: 'sk_test_1', [ENV.stripeApiUrl]: 'ftp://example.com' },
      /STRIPE_API_URL is "ftp:\/\/example.com"/,
    ],
    [
      { [ENV.stripeApiKey]: 'sk_test_1', [ENV.stripeApiUrl]: 'https://example.com/v1' },
      /STRIPE_API_URL is "https:\/\/example.com\/v1": set it to an http\(s\) base URL without a path/,
    ],
  ])('fails fast naming the variable: %o', (env, message) => {
    expect(() => parseStripeApiConfig(env)).toThrow(ConfigError);
    expect(() => parseStripeApiConfig(env)).toThrow(message);
  });

  it('never repeats the key in its message', () => {
    const key = 'sk_live_secretvalue123';
    expect(() => parseStripeApiConfig({ [ENV.stripeApiKey]: key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secretvalue') }),
    );
  });
});

describe('parseConsumerConfig', () => {
  const env = {
    [ENV.ledgerTable]: 'ledger',
    [ENV.payloadBucket]: 'payloads',
    [queueUrlEnv('avalara')]: 'http://sqs/avalara',
    [dlqUrlEnv('avalara')]: 'http://sqs/avalara-dlq',
  };

  it('reads the queue, dead-letter queue, ledger and bucket of one connector', () => {
    expect(parseConsumerConfig(env, 'avalara')).toMatchObject({
      connector: 'avalara',
      queueUrl: 'http://sqs/avalara',
      dlqUrl: 'http://sqs/avalara-dlq',
      ledgerTable: 'ledger',
      payloadBucket: 'payloads',
    });
  });

  it('names the missing dead-letter queue variable', () => {
    expect(() =>
      parseConsumerConfig({ ...env, [dlqUrlEnv('avalara')]: undefined }, 'avalara'),
    ).toThrow(/DLQ_URL_AVALARA is not set/);
  });
});
