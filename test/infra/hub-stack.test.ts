/**
 * Behaviour of the HubStack: what the deployed hub does and may do, not how many resources it has.
 * The stack is synthesized once for the whole file (bundling the ingress with esbuild).
 */
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ConnectorQueue } from '../../infra/constructs/connector-queue.ts';
import { HubStack } from '../../infra/hub-stack.ts';
import { ENV, queueUrlEnv } from '../../shared/config.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import {
  CONNECTOR_QUEUE_DEFAULTS,
  CONNECTOR_QUEUES,
  IDEMPOTENCY_TABLE,
  LEDGER_TABLE,
  PAYLOAD_BUCKET,
  WEBHOOK_PATH,
} from '../../shared/resources.ts';
import {
  acknowledgements,
  actionsOn,
  asArray,
  getAtt,
  logicalId,
  nagFindings,
  ref,
  sameJson,
  statementsOf,
} from './support.ts';

// cdk-nag runs in its own test (nagFindings), not as a synth plugin: a finding then fails that
// test with the list of findings instead of failing the whole file at synthesis.
const app = new App();
const stack = new HubStack(app, 'Hub', { livemode: true });
const template = Template.fromStack(stack);
const ingressId = logicalId(stack.ingress.function);
const ingress = template.findResources('AWS::Lambda::Function')[ingressId]?.Properties;
const ingressEnv: Record<string, unknown> = ingress?.Environment?.Variables ?? {};
const ingressStatements = statementsOf(template, stack.ingress.role);

const connectors = CONNECTOR_QUEUES.map((q) => q.connector);
function queueOf(connector: ConnectorName): ConnectorQueue {
  const queue = stack.connectorQueues.get(connector);
  if (!queue) throw new Error(`the stack has no queue for ${connector}`);
  return queue;
}

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

describe('ingress permissions (least privilege)', () => {
  const actions = ingressStatements.flatMap((s) => asArray(s.Action));

  it('has no wildcard action', () => {
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('only sends to queues: it cannot receive, delete or purge', () => {
    expect(new Set(actions.filter((a) => a.startsWith('sqs:')))).toEqual(
      new Set(['sqs:SendMessage']),
    );
    for (const { connector } of CONNECTOR_QUEUES) {
      const q = queueOf(connector);
      expect(actionsOn(ingressStatements, getAtt(q.queue, 'Arn'))).toEqual(['sqs:SendMessage']);
      expect(actionsOn(ingressStatements, getAtt(q.deadLetterQueue, 'Arn'))).toEqual([]);
    }
  });

  it('works on table items only: no table deletion, scans or table changes', () => {
    const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).toContain('dynamodb:PutItem');
    for (const forbidden of ['DeleteTable', 'UpdateTable', 'CreateTable', 'Scan', 'DeleteBackup']) {
      expect(dynamo).not.toContain(`dynamodb:${forbidden}`);
    }
  });

  it('puts and gets payloads under the payload prefix only', () => {
    const s3 = ingressStatements.filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => asArray(s.Action)).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(s3.flatMap((s) => asArray(s.Resource))).toEqual([
      { 'Fn::Join': ['', [getAtt(stack.payloadBucket, 'Arn'), `/${PAYLOAD_BUCKET.prefix}*`]] },
    ]);
  });

  it('reads the webhook secret and nothing else in Secrets Manager', () => {
    expect(actionsOn(ingressStatements, ref(stack.webhookSecret))).toContain(
      'secretsmanager:GetSecretValue',
    );
    const secretActions = actions.filter((a) => a.startsWith('secretsmanager:'));
    expect(
      secretActions.every((a) => /^secretsmanager:(GetSecretValue|DescribeSecret)$/.test(a)),
    ).toBe(true);
  });

  it('uses Resource "*" for X-Ray only', () => {
    const anywhere = ingressStatements.filter((s) => asArray(s.Resource).includes('*'));
    expect(anywhere.flatMap((s) => asArray(s.Action)).every((a) => a.startsWith('xray:'))).toBe(
      true,
    );
  });
});

describe('tables', () => {
  it('ledger: keys and GSIs from shared/resources.ts, on demand, TTL, PITR', () => {
    const { byObject, byStatus } = LEDGER_TABLE.indexes;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: LEDGER_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: LEDGER_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: Match.arrayWith(
        [byObject, byStatus].map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      ),
    });
  });

  it('ledger survives stack deletion', () => {
    const ledger = template.findResources('AWS::DynamoDB::Table')[logicalId(stack.ledgerTable)];
    expect(ledger?.DeletionPolicy).toBe('Retain');
  });

  it('idempotency: Powertools key, on demand, TTL, PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
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
    expect(queue?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * d.consumerTimeoutSeconds);
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

describe('alarms', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties,
  );
  const topic = ref(stack.alarmTopic);

  it.each(connectors)('%s: alarms on the first dead letter', (c) => {
    const dlq = queueOf(c).deadLetterQueue;
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(dlq, 'QueueName') }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      }),
    );
  });

  it('alarms on ingress 5xx answers and on function errors', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        AlarmActions: [topic],
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(stack.ingress.function) }],
        AlarmActions: [topic],
      }),
    );
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
