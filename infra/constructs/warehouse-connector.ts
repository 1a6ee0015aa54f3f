/**
 * `WarehouseConnector`: the warehouse connector on AWS. Its function consumes the warehouse queue
 * (CONNECTOR_INTAKE.warehouse: thousands of events a batch, two batches at once), stages each
 * batch as NDJSON in a private bucket, and has Redshift COPY it through a role Redshift assumes;
 * a custom resource runs the schema migrations before the function starts.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { WAREHOUSE_ENV } from '../../shared/connectors/warehouse/config.ts';
import { STAGING_BUCKET } from '../../shared/resources.ts';
import { type ConnectorResources, connectorFunction } from './connector-function.ts';
import { acknowledgeWildcard } from './grants.ts';
import type { HubFunction } from './hub-function.ts';
import { privateBucket } from './private-bucket.ts';
import { grantWarehouseAccess } from './warehouse-access.ts';
import { WarehouseMigrations } from './warehouse-migrations.ts';
import type { WarehouseSettings } from './warehouse-settings.ts';

/** Where batches are staged, and for how long a forgotten file may stay. */
export const STAGING = STAGING_BUCKET;

/** What the loader does with staged files: writes a batch's, then deletes them. */
export const STAGING_ACTIONS = ['s3:PutObject', 's3:DeleteObject'] as const;

/** What COPY does with them: lists the prefix it is given, and reads the files. */
export const COPY_ACTIONS = { list: ['s3:ListBucket'], read: ['s3:GetObject'] } as const;

export interface WarehouseConnectorProps {
  readonly resources: ConnectorResources;
  readonly settings: WarehouseSettings;
}

/** The staging bucket, the COPY role, the migrations and the warehouse queue's consumer. */
export class WarehouseConnector extends Construct {
  readonly settings: WarehouseSettings;
  readonly stagingBucket: s3.Bucket;
  /** The role COPY names (WAREHOUSE_COPY_ROLE); associate it with the workgroup or cluster. */
  readonly copyRole: iam.Role;
  readonly migrations: WarehouseMigrations;
  readonly consumer: HubFunction;

  constructor(scope: Construct, id: string, props: WarehouseConnectorProps) {
    super(scope, id);
    const { settings } = props;
    this.settings = settings;
    this.stagingBucket = this.createStagingBucket();
    this.copyRole = this.createCopyRole();

    const secret =
      settings.secretArn === undefined
        ? undefined
        : secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseSecret', settings.secretArn);
    const staging = {
      [WAREHOUSE_ENV.stagingBucket]: this.stagingBucket.bucketName,
      [WAREHOUSE_ENV.stagingPrefix]: STAGING.prefix,
      [WAREHOUSE_ENV.copyRole]: this.copyRole.roleArn,
    };

    this.consumer = connectorFunction(this, 'Consumer', {
      resources: props.resources,
      description: 'Loads Stripe events and objects into Redshift (stage in S3, COPY, MERGE)',
      // A batch of thousands of events is held in memory as rows before it is staged.
      memorySize: 1_024,
      environment: staging,
    });
    grantWarehouseAccess(this.consumer, { settings, ...(secret === undefined ? {} : { secret }) });
    iam.Grant.addToPrincipal({
      grantee: this.consumer,
      actions: [...STAGING_ACTIONS],
      resourceArns: [this.stagingBucket.arnForObjects(`${STAGING.prefix}*`)],
    });
    acknowledgeWildcard(
      this.consumer.role,
      this.stagingBucket,
      `/${STAGING.prefix}*`,
      `Staged files are keyed by batch id, unknown at deploy time; the grant is ${STAGING_ACTIONS.join('/')} under the ${STAGING.prefix} prefix of the staging bucket only.`,
    );

    this.migrations = new WarehouseMigrations(this, 'Migrations', {
      settings,
      ...(secret === undefined ? {} : { secret }),
      // parseWarehouseConfig requires the staging settings; migrations never touch the bucket.
      environment: staging,
      consumerRole: this.consumer.role,
    });
    // No batch is loaded before its tables exist (the function and its event source, not its
    // role, which the migrations name).
    this.consumer.function.node.addDependency(this.migrations.resource);
  }

  private createStagingBucket(): s3.Bucket {
    const bucket = privateBucket(this, 'Staging', {
      expire: {
        ruleId: 'expire-staged-batches',
        prefix: STAGING.prefix,
        expirationDays: STAGING.expirationDays,
      },
      noAccessLogsBecause:
        'Staged files live for minutes (the loader deletes them after COPY, and a lifecycle rule after a day); only the warehouse function and the COPY role can reach them. Access logs would need a second bucket and outlive the data they describe.',
    });
    return bucket;
  }

  private createCopyRole(): iam.Role {
    const principals = [new iam.ServicePrincipal('redshift.amazonaws.com')];
    // Redshift Serverless assumes the role as either service (AWS's guidance for workgroups).
    if (this.settings.target.kind === 'serverless') {
      principals.push(new iam.ServicePrincipal('redshift-serverless.amazonaws.com'));
    }
    // Only Redshift acting for this account may assume it (confused-deputy guard).
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    const role = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.CompositePrincipal(
        ...principals.map((p) => p.withConditions(fromThisAccount)),
      ),
      description: 'Assumed by Redshift for COPY: reads the staged warehouse batches, nothing else',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...COPY_ACTIONS.list],
        resources: [this.stagingBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${STAGING.prefix}*` } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...COPY_ACTIONS.read],
        resources: [this.stagingBucket.arnForObjects(`${STAGING.prefix}*`)],
      }),
    );
    acknowledgeWildcard(
      role,
      this.stagingBucket,
      `/${STAGING.prefix}*`,
      `COPY reads the files of one batch, keyed by batch id; the role may read under the ${STAGING.prefix} prefix of the staging bucket only (and list that prefix).`,
    );
    return role;
  }
}
