/**
 * The warehouse context: each way to name a Redshift target and to sign in scopes the grants to
 * that target; without a target no warehouse function is deployed (and the synth warns); a
 * mistake fails synthesis with the context key to fix.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { warehouseSettings } from '../../infra/constructs/warehouse-settings.ts';
import { routingTableFromContext } from '../../infra/context.ts';
import { queueUrlEnv } from '../../shared/config.ts';
import { parseWarehouseConfig, WAREHOUSE_ENV } from '../../shared/connectors/warehouse/config.ts';
import {
  actionsOn,
  asArray,
  getAtt,
  logicalId,
  nagFindings,
  resolvedEnv,
  type Statement,
  synthConnector,
  synthHub,
} from './support.ts';

/** An ARN of this stack's account and region, as the template writes it. */
function here(service: string, resource: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resource}`,
      ],
    ],
  };
}

function redshiftStatements(statements: Statement[]): Statement[] {
  return statements.filter((s) =>
    asArray(s.Action).some((a) => /^redshift(-serverless)?:/.test(a)),
  );
}

const copyRole = { [WAREHOUSE_ENV.copyRole]: 'arn:aws:iam::123456789012:role/copy' };

describe('a provisioned cluster with a database user', () => {
  const {
    hub,
    connector: warehouse,
    statements,
    env,
  } = synthConnector('warehouse', {
    warehouse: { clusterId: 'prod-dw', dbUser: 'loader', database: 'analytics' },
  });

  it('submits SQL to that cluster and gets credentials for that user and database only', () => {
    expect(actionsOn(statements, here('redshift', 'cluster:prod-dw'))).toEqual([
      'redshift-data:ExecuteStatement',
      'redshift-data:BatchExecuteStatement',
    ]);
    expect(redshiftStatements(statements)).toEqual([
      expect.objectContaining({
        Action: 'redshift:GetClusterCredentials',
        Resource: [
          here('redshift', 'dbuser:prod-dw/loader'),
          here('redshift', 'dbname:prod-dw/analytics'),
        ],
      }),
    ]);
  });

  it('tells the function the cluster, user and database, which it accepts', () => {
    const config = parseWarehouseConfig(resolvedEnv(env, copyRole));
    expect(config.target).toEqual({
      kind: 'provisioned',
      clusterIdentifier: 'prod-dw',
      dbUser: 'loader',
    });
    expect(config.database).toBe('analytics');
    expect(env).not.toHaveProperty(WAREHOUSE_ENV.workgroup);
  });

  it('lets only Redshift (not Redshift Serverless) assume the COPY role', () => {
    const role = hub.template.findResources('AWS::IAM::Role')[logicalId(warehouse.copyRole)];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'redshift.amazonaws.com' } }),
    ]);
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(hub.app)).toEqual([]);
  });
});

describe('a provisioned cluster without a database user', () => {
  const { statements } = synthConnector('warehouse', { warehouse: { clusterId: 'prod-dw' } });

  it("signs in as the function's IAM identity, to the one database", () => {
    expect(redshiftStatements(statements)).toEqual([
      expect.objectContaining({
        Action: 'redshift:GetClusterCredentialsWithIAM',
        Resource: here('redshift', 'dbname:prod-dw/dev'),
      }),
    ]);
  });
});

describe('a workgroup given by ARN, with a database secret', () => {
  const workgroupArn =
    'arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift-admin-AbC123';
  const { hub, statements, env } = synthConnector('warehouse', {
    warehouse: { workgroup: workgroupArn, secretArn },
  });

  it('submits SQL to exactly that workgroup and signs in with the secret, not IAM', () => {
    expect(actionsOn(statements, workgroupArn)).toEqual([
      'redshift-data:ExecuteStatement',
      'redshift-data:BatchExecuteStatement',
    ]);
    expect(redshiftStatements(statements)).toEqual([]);
    expect(actionsOn(statements, secretArn)).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
    ]);
  });

  it('tells the function the workgroup ARN and the secret, which it accepts', () => {
    const config = parseWarehouseConfig(resolvedEnv(env, copyRole));
    expect(config.target).toEqual({ kind: 'serverless', workgroupName: workgroupArn, secretArn });
  });

  it('passes cdk-nag without the any-workgroup acknowledgement', () => {
    expect(nagFindings(hub.app)).toEqual([]);
  });
});

describe('without a workgroup or cluster', () => {
  const hub = synthHub();

  it('deploys no warehouse function, and warns that warehouse events wait on the queue', () => {
    expect(hub.stack.connectors.warehouse).toBeUndefined();
    const services = Object.values(hub.template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(services.filter((s) => String(s).includes('warehouse'))).toEqual([]);
    Annotations.fromStack(hub.stack).hasWarning(
      '/Hub',
      Match.stringLikeRegexp(
        'Warehouse events wait on the warehouse queue .* -c warehouseWorkgroup=<name or ARN>',
      ),
    );
  });

  it('still keeps the warehouse queue, which the ingress sends to', () => {
    expect(hub.ingressEnv[queueUrlEnv('warehouse')]).toBeDefined();
    expect(actionsOn(hub.ingressStatements, getAtt(hub.queueOf('warehouse').queue, 'Arn'))).toEqual(
      ['sqs:SendMessage'],
    );
  });

  it('does not warn when the warehouse takes no events', () => {
    const routingTable = routingTableFromContext('{"netsuite":["invoice.*"]}');
    const unrouted = synthHub(routingTable ? { routingTable } : {});
    const warnings = Annotations.fromStack(unrouted.stack).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => String(w.entry.data))).not.toContainEqual(
      expect.stringContaining('Warehouse events wait'),
    );
  });
});

describe('warehouse context mistakes fail synthesis', () => {
  it('refuses a schema or database that is not a plain identifier, even without a target', () => {
    expect(() => synthHub({ warehouse: { workgroup: 'analytics', schema: 'Bad-Name' } })).toThrow(
      /^Context "warehouseSchema" is "Bad-Name": set it to a plain identifier/,
    );
    expect(() => synthHub({ warehouse: { database: 'my db' } })).toThrow(
      /^Context "warehouseDatabase" is "my db": set it to a plain identifier/,
    );
  });

  it('refuses two targets, a user with a workgroup, and a user with a secret', () => {
    expect(() => warehouseSettings({ workgroup: 'a-b-c', clusterId: 'dw' })).toThrow(
      /^Both "warehouseWorkgroup" and "warehouseClusterId" are set: set one/,
    );
    expect(() => warehouseSettings({ workgroup: 'a-b-c', dbUser: 'loader' })).toThrow(
      /"warehouseDbUser" is set with "warehouseWorkgroup"/,
    );
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dw-AbC123';
    expect(() => warehouseSettings({ clusterId: 'dw', dbUser: 'loader', secretArn })).toThrow(
      /^Both "warehouseDbUser" and "warehouseSecretArn" are set/,
    );
    expect(() => warehouseSettings({ secretArn })).toThrow(
      /"warehouseSecretArn" is set without a target: set "warehouseWorkgroup" or "warehouseClusterId"/,
    );
  });

  it('refuses malformed names and ARNs, saying what is expected', () => {
    expect(() => warehouseSettings({ workgroup: 'Analytics WG' })).toThrow(
      /^Context "warehouseWorkgroup" is "Analytics WG": set it to a workgroup name/,
    );
    expect(() => warehouseSettings({ clusterId: 'prod--dw' })).toThrow(
      /^Context "warehouseClusterId" is "prod--dw": set it to a cluster identifier/,
    );
    expect(() =>
      warehouseSettings({
        workgroup: 'dw',
        secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dw',
      }),
    ).toThrow(/^Context "warehouseSecretArn" is .*: set it to the complete ARN/);
  });

  it('returns nothing without a target, and defaults the database and schema', () => {
    expect(warehouseSettings()).toBeUndefined();
    expect(warehouseSettings({ workgroup: 'analytics' })).toEqual({
      target: { kind: 'serverless', workgroup: 'analytics' },
      database: 'dev',
      schema: 'stripe',
    });
  });
});
