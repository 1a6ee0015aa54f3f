import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config.ts';
import {
  parseWarehouseConfig,
  WAREHOUSE_ENV,
} from '../../../../shared/connectors/warehouse/config.ts';

const base = {
  [WAREHOUSE_ENV.workgroup]: 'analytics',
  [WAREHOUSE_ENV.stagingBucket]: 'acme-warehouse-staging',
};

describe('parseWarehouseConfig', () => {
  it('reads a serverless workgroup with the defaults', () => {
    // Act
    const config = parseWarehouseConfig(base);

    // Assess
    expect(config).toEqual({
      target: { kind: 'serverless', workgroupName: 'analytics' },
      database: 'dev',
      schema: 'stripe',
      stagingBucket: 'acme-warehouse-staging',
      stagingPrefix: 'warehouse/',
      copyRole: 'default',
      region: 'us-east-1',
    });
  });

  it('reads a provisioned cluster with a database user, a schema, a prefix, a role and a local endpoint', () => {
    // Prepare
    const env = {
      [WAREHOUSE_ENV.clusterId]: 'finance-cluster',
      [WAREHOUSE_ENV.dbUser]: 'loader',
      [WAREHOUSE_ENV.database]: 'finance',
      [WAREHOUSE_ENV.schema]: 'Stripe_Live',
      [WAREHOUSE_ENV.stagingBucket]: 'staging',
      [WAREHOUSE_ENV.stagingPrefix]: 'loads/stripe',
      [WAREHOUSE_ENV.copyRole]: 'arn:aws:iam::123456789012:role/RedshiftCopy',
      [WAREHOUSE_ENV.endpoint]: 'http://127.0.0.1:4599',
      AWS_REGION: 'eu-west-1',
    };

    // Act
    const config = parseWarehouseConfig(env);

    // Assess
    expect(config).toEqual({
      target: { kind: 'provisioned', clusterIdentifier: 'finance-cluster', dbUser: 'loader' },
      database: 'finance',
      schema: 'stripe_live',
      stagingBucket: 'staging',
      stagingPrefix: 'loads/stripe/',
      copyRole: 'arn:aws:iam::123456789012:role/RedshiftCopy',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4599',
    });
  });

  it('takes credentials from Secrets Manager for either target', () => {
    // Prepare
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift';

    // Act
    const config = parseWarehouseConfig({ ...base, [WAREHOUSE_ENV.secretArn]: secret });

    // Assess
    expect(config.target).toEqual({
      kind: 'serverless',
      workgroupName: 'analytics',
      secretArn: secret,
    });
  });

  it.each([
    [
      'neither target',
      { [WAREHOUSE_ENV.workgroup]: undefined },
      /Neither WAREHOUSE_WORKGROUP nor WAREHOUSE_CLUSTER_ID is set: set exactly one/,
    ],
    [
      'both targets',
      { [WAREHOUSE_ENV.clusterId]: 'c1' },
      /Both WAREHOUSE_WORKGROUP and WAREHOUSE_CLUSTER_ID are set: set exactly one/,
    ],
    [
      'a database user with a workgroup',
      { [WAREHOUSE_ENV.dbUser]: 'loader' },
      /WAREHOUSE_DB_USER is set with WAREHOUSE_WORKGROUP/,
    ],
    [
      'a database user and a secret',
      {
        [WAREHOUSE_ENV.workgroup]: undefined,
        [WAREHOUSE_ENV.clusterId]: 'c1',
        [WAREHOUSE_ENV.dbUser]: 'loader',
        [WAREHOUSE_ENV.secretArn]: 'arn:aws:secretsmanager:x',
      },
      /Both WAREHOUSE_DB_USER and WAREHOUSE_SECRET_ARN are set/,
    ],
    [
      'no staging bucket',
      { [WAREHOUSE_ENV.stagingBucket]: undefined },
      /WAREHOUSE_STAGING_BUCKET is not set: set it to the S3 bucket/,
    ],
    [
      'a schema that is not an identifier',
      { [WAREHOUSE_ENV.schema]: 'stripe; drop table x' },
      /WAREHOUSE_SCHEMA is "stripe; drop table x": set it to a plain identifier/,
    ],
    [
      'a copy role that is not a role ARN',
      { [WAREHOUSE_ENV.copyRole]: 'RedshiftCopy' },
      /WAREHOUSE_COPY_ROLE is "RedshiftCopy": set it to the ARN of an IAM role/,
    ],
    [
      'a prefix with a leading slash',
      { [WAREHOUSE_ENV.stagingPrefix]: '/warehouse' },
      /WAREHOUSE_STAGING_PREFIX is "\/warehouse"/,
    ],
  ])('refuses %s with a message naming the variables', (_name, overrides, message) => {
    // Act
    const act = () => parseWarehouseConfig({ ...base, ...overrides });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});
