/**
 * Behaviour of the HubStack: what the deployed hub does and may do, not how many resources it has.
 * The stack is synthesized once for the whole file, bundling the ingress with esbuild. Permissions
 * (least-privilege.test.ts), tables, alarms and routing have their own files.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, queueUrlEnv } from '../../shared/config.ts';
import {
  CONNECTOR_INTAKE,
  CONNECTOR_QUEUE_DEFAULTS,
  CONNECTOR_QUEUES,
  INGRESS_TIMEOUT_SECONDS,
  PAYLOAD_BUCKET,
  WEBHOOK_PATH,
} from '../../shared/resources.ts';
import {
  acknowledgements,
  getAtt,
  logicalId,
  nagFindings,
  ref,
  sameJson,
  synthHub,
} from './support.ts';

// cdk-nag runs in its own test (nagFindings), not as a synth plugin: a finding then fails that
// test with the list of findings instead of failing the whole file at synthesis.
const { app, stack, template, ingressEnv, queueOf } = synthHub({}, { full: true });
const ingressId = logicalId(stack.ingress.function);
const ingress = template.findResources('AWS::Lambda::Function')[ingressId]?.Properties;

const connectors = CONNECTOR_QUEUES.map((q) => q.connector);

describe('webhook route', () => {
  it('serves POST /webhooks/stripe through a payload 2.0 Lambda proxy to the ingress', () => {
    const route = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: `POST ${WEBHOOK_PATH}` },
    });
    expect(Object.keys(route)).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [ingressId, 'Arn'] },
    });
  });

  it('deploys the $default stage automatically, with access logs and throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue() },
    });
  });
});

describe('ingress function', () => {
  it('runs Node.js 22 or newer on arm64 with active tracing', () => {
    const major = Number(/^nodejs(\d+)\.x$/.exec(String(ingress?.Runtime))?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(ingress?.Architectures).toEqual(['arm64']);
    expect(ingress?.TracingConfig).toEqual({ Mode: 'Active' });
    expect(ingress?.Handler).toBe('index.handler');
  });

  it('times out when the local runtime does (one INGRESS_TIMEOUT_SECONDS for both)', () => {
    expect(ingress?.Timeout).toBe(INGRESS_TIMEOUT_SECONDS);
  });

  it('logs to its own log group with a retention', () => {
    expect(ingress?.LoggingConfig?.LogGroup).toEqual(ref(stack.ingress.logGroup));
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('gets the secret ARN, never a secret value', () => {
    expect(ingressEnv[ENV.webhookSecretArn]).toEqual(ref(stack.webhookSecret));
    expect(ingressEnv).not.toHaveProperty(ENV.webhookSecret);
  });

  it('is told every resource it uses and the deployment mode', () => {
    expect(ingressEnv[ENV.ledgerTable]).toEqual(ref(stack.ledgerTable));
    expect(ingressEnv[ENV.idempotencyTable]).toEqual(ref(stack.idempotencyTable));
    expect(ingressEnv[ENV.payloadBucket]).toEqual(ref(stack.payloadBucket));
    expect(ingressEnv[ENV.livemode]).toBe('true');
    for (const { connector } of CONNECTOR_QUEUES) {
      expect(ingressEnv[queueUrlEnv(connector)]).toEqual(ref(queueOf(connector).queue));
    }
  });
});

describe('connector queues', () => {
  const queues = template.findResources('AWS::SQS::Queue');
  const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
  const d = CONNECTOR_QUEUE_DEFAULTS;

  it.each(connectors)('%s: redrives to its own encrypted DLQ', (c) => {
    const q = queueOf(c);
    const queue = queues[logicalId(q.queue)]?.Properties;
    const dlq = queues[logicalId(q.deadLetterQueue)]?.Properties;
    expect(queue?.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(q.deadLetterQueue, 'Arn'),
      maxReceiveCount: d.maxReceiveCount,
    });
    expect(queue?.VisibilityTimeout).toBe(6 * CONNECTOR_INTAKE[c].timeoutSeconds);
    expect(dlq?.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(queue?.SqsManagedSseEnabled).toBe(true);
    expect(dlq?.SqsManagedSseEnabled).toBe(true);
  });

  it.each(connectors)('%s: both queues refuse plain HTTP', (c) => {
    const q = queueOf(c);
    for (const queue of [q.queue, q.deadLetterQueue]) {
      const policy = policies.find((p) => sameJson(p.Properties.Queues, [ref(queue)]));
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });
});

describe('payload bucket', () => {
  it('is private, encrypted, TLS-only and expires payloads under the prefix', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({})] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: PAYLOAD_BUCKET.prefix,
            ExpirationInDays: PAYLOAD_BUCKET.expirationDays,
            Status: 'Enabled',
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(stack.payloadBucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no finding and CDK reports no error', () => {
    expect(nagFindings(app)).toEqual([]);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  it('every suppression is a known one with a written reason', () => {
    const acks = acknowledgements(app);
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
    expect(new Set(acks.map((a) => a.id.replace(/\[.*\]$/, '')))).toEqual(
      new Set(['AwsSolutions-IAM5', 'AwsSolutions-S1', 'AwsSolutions-SMG4', 'AwsSolutions-APIG4']),
    );
  });
});
