/**
 * What a function needs to run SQL on the warehouse through the Redshift Data API, scoped to the
 * one target: submit statements there, follow only its own statements, and sign in the one way
 * the settings choose (serverless IAM identity, a cluster's database user or its IAM identity,
 * or a Secrets Manager secret). The connector and the migrations function get the same access.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WAREHOUSE_ENV } from '../../shared/connectors/warehouse/config.ts';
import type { HubFunction } from './hub-function.ts';
import type { WarehouseSettings, WarehouseTarget } from './warehouse-settings.ts';

/** Submitting SQL: authorised on the workgroup or cluster it runs on. */
export const DATA_API_SUBMIT = [
  'redshift-data:ExecuteStatement',
  'redshift-data:BatchExecuteStatement',
] as const;

/**
 * Following a statement: these actions take no resource, so they are allowed on "*" for the
 * caller's own statements only (AWS's documented `statement-owner-iam-userid` condition). Only
 * what the client calls (shared/connectors/warehouse/client.ts): it never cancels or lists.
 */
export const DATA_API_FOLLOW = [
  'redshift-data:DescribeStatement',
  'redshift-data:GetStatementResult',
] as const;

/** The condition that limits {@link DATA_API_FOLLOW} to statements the caller submitted. */
export const OWN_STATEMENTS = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM.
  StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' },
} as const;

/**
 * The ARN SQL is submitted to. A workgroup given by name has an ARN ending in its id, unknown at
 * synthesis, and IAM has no condition key for a workgroup's name: the grant then covers every
 * workgroup of the account and region (docs/warehouse.md says so, and how to narrow it: give
 * `warehouseWorkgroup` the workgroup's ARN).
 */
function targetArn(stack: Stack, target: WarehouseTarget): string {
  if (target.kind === 'provisioned') {
    return stack.formatArn({
      service: 'redshift',
      resource: 'cluster',
      resourceName: target.clusterId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
  return (
    target.workgroupArn ??
    stack.formatArn({
      service: 'redshift-serverless',
      resource: 'workgroup',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    })
  );
}

/** How the Data API signs in when no secret is given, as the statement that allows it. */
function signInStatement(stack: Stack, settings: WarehouseSettings): iam.PolicyStatement {
  const { target, database } = settings;
  if (target.kind === 'serverless') {
    return new iam.PolicyStatement({
      actions: ['redshift-serverless:GetCredentials'],
      resources: [targetArn(stack, target)],
    });
  }
  const arn = (resource: string, name: string) =>
    stack.formatArn({
      service: 'redshift',
      resource,
      resourceName: `${target.clusterId}/${name}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  if (target.dbUser === undefined) {
    // No user named: the database user is derived from the caller's IAM identity.
    return new iam.PolicyStatement({
      actions: ['redshift:GetClusterCredentialsWithIAM'],
      resources: [arn('dbname', database)],
    });
  }
  return new iam.PolicyStatement({
    actions: ['redshift:GetClusterCredentials'],
    resources: [arn('dbuser', target.dbUser), arn('dbname', database)],
  });
}

/** The WAREHOUSE_* variables that say where and as whom the SQL runs. */
export function targetEnvironment(settings: WarehouseSettings): Record<string, string> {
  const { target } = settings;
  return {
    ...(target.kind === 'serverless'
      ? { [WAREHOUSE_ENV.workgroup]: target.workgroup }
      : {
          [WAREHOUSE_ENV.clusterId]: target.clusterId,
          ...(target.dbUser === undefined ? {} : { [WAREHOUSE_ENV.dbUser]: target.dbUser }),
        }),
    ...(settings.secretArn === undefined ? {} : { [WAREHOUSE_ENV.secretArn]: settings.secretArn }),
    [WAREHOUSE_ENV.database]: settings.database,
    [WAREHOUSE_ENV.schema]: settings.schema,
  };
}

/**
 * Lets `fn` run SQL on the warehouse of `settings` and tells it where (WAREHOUSE_* variables).
 * The Data API statements sit in their own policy, attached to the function's role, so their
 * cdk-nag acknowledgements cover them and nothing else. `secret` is the imported
 * `settings.secretArn`; it is read instead of asking Redshift for temporary credentials.
 */
export function grantWarehouseAccess(
  fn: HubFunction,
  options: { settings: WarehouseSettings; secret?: secretsmanager.ISecret },
): iam.Policy {
  const stack = Stack.of(fn);
  const { settings, secret } = options;
  const statements = [
    new iam.PolicyStatement({
      actions: [...DATA_API_SUBMIT],
      resources: [targetArn(stack, settings.target)],
    }),
    new iam.PolicyStatement({
      actions: [...DATA_API_FOLLOW],
      resources: ['*'],
      conditions: OWN_STATEMENTS,
    }),
    ...(secret === undefined ? [signInStatement(stack, settings)] : []),
  ];
  const policy = new iam.Policy(fn, 'DataApi', { statements, roles: [fn.role] });
  // The event source must not invoke the function before it may run SQL.
  fn.function.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'DescribeStatement and GetStatementResult support no resource type; the statement limits them to statements this role submitted (redshift-data:statement-owner-iam-userid equals the aws:userid of the caller), as the Redshift Data API documentation recommends.',
  });
  if (settings.target.kind === 'serverless' && settings.target.workgroupArn === undefined) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:redshift-serverless:<AWS::Region>:<AWS::AccountId>:workgroup/*]',
      reason:
        'A workgroup ARN ends in its id, which is unknown when the context names the workgroup, and IAM has no condition key for a workgroup name; the grant covers the workgroups of this account and region. Set warehouseWorkgroup to the workgroup ARN to scope it to one.',
    });
  }
  if (secret !== undefined) secret.grantRead(fn);
  for (const [name, value] of Object.entries(targetEnvironment(settings))) {
    fn.setEnvironment(name, value);
  }
  return policy;
}
