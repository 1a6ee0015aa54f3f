/**
 * The warehouse connector on a Redshift Serverless workgroup named in context: what its function
 * and the migrations function may do on the Data API, the staging bucket and the COPY role, how
 * the function takes its queue. The migrations have their own file.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DATA_API_FOLLOW,
  DATA_API_SUBMIT,
  OWN_STATEMENTS,
} from '../../infra/constructs/warehouse-access.ts';
import { STAGING } from '../../infra/constructs/warehouse-connector.ts';
import { ENV, parseConsumerConfig, queueUrlEnv } from '../../shared/config.ts';
import { parseWarehouseConfig, WAREHOUSE_ENV } from '../../shared/connectors/warehouse/config.ts';
import { CONNECTOR_INTAKE, PAYLOAD_BUCKET } from '../../shared/resources.ts';
import { parseStripeApiSource } from '../../shared/stripe/config.ts';
import {
  acknowledgements,
  asArray,
  getAtt,
  logicalId,
  nagFindings,
  ref,
  resolvedEnv,
  type Statement,
  statementsOf,
  synthConnector,
} from './support.ts';

const {
  hub,
  connector: warehouse,
  env,
  queue,
} = synthConnector('warehouse', {
  warehouse: { workgroup: 'analytics' },
});
const { stack, template } = hub;
const consumer = warehouse.consumer;
const migrate = warehouse.migrations.function;
const anyWorkgroupHere = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':redshift-serverless:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':workgroup/*',
    ],
  ],
};
const stagedFiles = {
  'Fn::Join': ['', [getAtt(warehouse.stagingBucket, 'Arn'), `/${STAGING.prefix}*`]],
};
/** A role ARN where the template has a reference, for parsing the environment. */
const copyRolePlaceholder = { [WAREHOUSE_ENV.copyRole]: 'arn:aws:iam::123456789012:role/copy' };

function withAction(statements: Statement[], prefix: string): Statement[] {
  return statements.filter((s) => asArray(s.Action).some((a) => a.startsWith(prefix)));
}

const roles = { consumer, migrate } as const;

describe.each(Object.keys(roles) as (keyof typeof roles)[])('%s on the Data API', (name) => {
  const statements = statementsOf(template, roles[name].role);

  it('submits SQL to workgroups only, as their IAM identity', () => {
    const submit = statements.filter((s) =>
      asArray(s.Action).includes('redshift-data:ExecuteStatement'),
    );
    expect(submit).toEqual([
      expect.objectContaining({ Action: [...DATA_API_SUBMIT], Resource: anyWorkgroupHere }),
    ]);
    expect(withAction(statements, 'redshift-serverless:')).toEqual([
      expect.objectContaining({
        Action: 'redshift-serverless:GetCredentials',
        Resource: anyWorkgroupHere,
      }),
    ]);
    expect(withAction(statements, 'redshift:')).toEqual([]);
  });

  it('follows only the statements it submitted', () => {
    const follow = statements.filter((s) =>
      asArray(s.Action).includes('redshift-data:DescribeStatement'),
    );
    expect(follow).toEqual([
      expect.objectContaining({
        Action: [...DATA_API_FOLLOW],
        Resource: '*',
        Condition: OWN_STATEMENTS,
      }),
    ]);
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions).not.toContain('redshift-data:CancelStatement');
    expect(actions).not.toContain('redshift-data:ListStatements');
    expect(OWN_STATEMENTS.StringEquals['redshift-data:statement-owner-iam-userid']).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the IAM policy variable itself.
      '${aws:userid}',
    );
  });

  it('uses Resource "*" only for X-Ray and its own statements, and no wildcard action', () => {
    const anywhere = statements.filter((s) => asArray(s.Resource).includes('*'));
    for (const statement of anywhere) {
      const actions = asArray(statement.Action);
      const ownStatements = JSON.stringify(statement).includes('statement-owner-iam-userid');
      expect(actions.every((a) => a.startsWith('xray:')) || ownStatements, String(actions)).toBe(
        true,
      );
    }
    expect(statements.flatMap((s) => asArray(s.Action)).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('staging', () => {
  const consumerStatements = statementsOf(template, consumer.role);
  const copyStatements = statementsOf(template, warehouse.copyRole);

  it('lets the function put and delete staged files under the prefix, and read only payloads', () => {
    expect(withAction(consumerStatements, 's3:')).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': ['', [getAtt(stack.payloadBucket, 'Arn'), `/${PAYLOAD_BUCKET.prefix}*`]],
        },
      }),
      expect.objectContaining({
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: stagedFiles,
      }),
    ]);
  });

  it('gives the migrations function no access to the bucket, the queue or the ledger', () => {
    const statements = statementsOf(template, migrate.role);
    for (const prefix of ['s3:', 'sqs:', 'dynamodb:']) {
      expect(withAction(statements, prefix)).toEqual([]);
    }
  });

  it('keeps the bucket private, encrypted and TLS-only, and expires staged files in a day', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[logicalId(warehouse.stagingBucket)];
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            Prefix: STAGING.prefix,
            ExpirationInDays: 1,
            Status: 'Enabled',
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(warehouse.stagingBucket),
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

  it('has a COPY role only Redshift assumes for this account, which lists and reads the staging prefix only', () => {
    const role = template.findResources('AWS::IAM::Role')[logicalId(warehouse.copyRole)];
    const trust: { Principal: { Service: string }; Condition: unknown }[] =
      role?.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust.map((s) => s.Principal.Service).sort()).toEqual([
      'redshift-serverless.amazonaws.com',
      'redshift.amazonaws.com',
    ]);
    for (const statement of trust) {
      expect(statement.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      });
    }
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(copyStatements).toEqual([
      expect.objectContaining({
        Action: 's3:ListBucket',
        Resource: getAtt(warehouse.stagingBucket, 'Arn'),
        Condition: { StringLike: { 's3:prefix': `${STAGING.prefix}*` } },
      }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: stagedFiles }),
    ]);
  });

  it('outputs the COPY role to associate with the workgroup, and the staging bucket', () => {
    template.hasOutput('WarehouseCopyRoleArn', { Value: getAtt(warehouse.copyRole, 'Arn') });
    template.hasOutput('WarehouseStagingBucket', { Value: ref(warehouse.stagingBucket) });
  });
});

describe('warehouse function', () => {
  it('takes up to 5,000 events a batch, two batches at once, with partial batch responses', () => {
    const intake = CONNECTOR_INTAKE.warehouse;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queue.queue, 'Arn'),
      FunctionName: ref(consumer.function),
      BatchSize: intake.batchSize,
      MaximumBatchingWindowInSeconds: intake.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(consumer.function)];
    expect(fn?.Properties.Timeout).toBe(intake.timeoutSeconds);
  });

  it('is told where to load, where to stage and which role COPY names', () => {
    expect(env).toMatchObject({
      [WAREHOUSE_ENV.workgroup]: 'analytics',
      [WAREHOUSE_ENV.database]: 'dev',
      [WAREHOUSE_ENV.schema]: 'stripe',
      [WAREHOUSE_ENV.stagingBucket]: ref(warehouse.stagingBucket),
      [WAREHOUSE_ENV.stagingPrefix]: STAGING.prefix,
      [WAREHOUSE_ENV.copyRole]: getAtt(warehouse.copyRole, 'Arn'),
      [ENV.stripeApiKeySecretArn]: ref(stack.stripeApiKeySecret),
      [queueUrlEnv('warehouse')]: ref(queue.queue),
    });
    expect(env).not.toHaveProperty(WAREHOUSE_ENV.clusterId);
    expect(env).not.toHaveProperty(WAREHOUSE_ENV.secretArn);
  });

  it('is a configuration the function accepts at cold start', () => {
    // Prepare
    const coldStartEnv = resolvedEnv(env, copyRolePlaceholder);

    // Act
    const config = parseWarehouseConfig(coldStartEnv);

    // Assess
    expect(config.target).toEqual({ kind: 'serverless', workgroupName: 'analytics' });
    expect(config).toMatchObject({
      database: 'dev',
      schema: 'stripe',
      stagingPrefix: 'warehouse/',
    });
    expect(parseConsumerConfig(coldStartEnv, 'warehouse').dlqUrl).toBeTruthy();
    expect(parseStripeApiSource(coldStartEnv).kind).toBe('secretsManager');
  });
});

describe('cdk-nag AwsSolutions with the warehouse', () => {
  it('reports no finding; every acknowledgement has a written reason', () => {
    expect(nagFindings(hub.app)).toEqual([]);
    for (const ack of acknowledgements(hub.app)) {
      expect(ack.reason.length, ack.id).toBeGreaterThan(40);
    }
  });
});
