import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  dlqUrlEnv,
  ENV,
  parseConsumerConfig,
  parseIngressConfig,
  parseLocalConfig,
  queueUrlEnv,
} from '../../shared/config.ts';
import { CONNECTORS } from '../../shared/connectors.ts';
import { DEFAULT_ROUTES } from '../../shared/events/routing.ts';

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
    });
  });

  it('rejects a port that is not one', () => {
    expect(() => parseLocalConfig({ PORT: 'http' })).toThrow(/PORT is "http"/);
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
