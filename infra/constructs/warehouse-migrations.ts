/**
 * `WarehouseMigrations`: a CloudFormation custom resource that brings the warehouse schema up to
 * date during the deploy (`migrate` from shared/connectors/warehouse/migrations.ts, run by the
 * `warehouse-migrate` function), so the connector never loads into tables that do not exist.
 */
import { createHash } from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  MIGRATION_TIMEOUT_SECONDS,
  MIGRATIONS,
  type Migration,
} from '../../shared/connectors/warehouse/migrations.ts';
import { acknowledgeWildcard } from './grants.ts';
import { functionEntry, HubFunction } from './hub-function.ts';
import { grantWarehouseAccess } from './warehouse-access.ts';
import type { WarehouseSettings } from './warehouse-settings.ts';

/** The newest migration's version: a new migration changes it, and with it the resource. */
export function migrationsVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

/** A digest of every migration's SQL, so that even an edited migration re-runs `migrate`. */
export function migrationsDigest(migrations: readonly Migration[] = MIGRATIONS): string {
  return createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 16);
}

export interface WarehouseMigrationsProps {
  readonly settings: WarehouseSettings;
  /** The imported `settings.secretArn`, if any. */
  readonly secret?: secretsmanager.ISecret;
  /** Settings `parseWarehouseConfig` requires that need no grant here (staging bucket, …). */
  readonly environment: Readonly<Record<string, string>>;
  /** The connector's role: with IAM sign-in its database user differs from this function's. */
  readonly consumerRole: iam.IRole;
}

/**
 * Runs the migrations on create and whenever a property changes: a new or edited migration
 * (version, digest), another database, schema, target or connector role. Running `migrate` again
 * on an unchanged schema does nothing (its bookkeeping table says what is applied); the deploy
 * fails if it fails. With IAM sign-in the function then grants the connector's database user
 * (`IAMR:<consumerRoleName>`) what loading needs, since the tables belong to the migrations' user.
 */
export class WarehouseMigrations extends Construct {
  readonly function: HubFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: WarehouseMigrationsProps) {
    super(scope, id);
    const { settings } = props;
    this.function = new HubFunction(this, 'Function', {
      entry: functionEntry('warehouse-migrate'),
      serviceName: 'warehouse-migrate',
      description: 'Brings the warehouse schema up to date during a deploy',
      // DDL waits on Redshift's locks; a custom resource handler may take Lambda's 15 minutes.
      timeout: Duration.seconds(MIGRATION_TIMEOUT_SECONDS),
      environment: props.environment,
    });
    grantWarehouseAccess(this.function, {
      settings,
      ...(props.secret === undefined ? {} : { secret: props.secret }),
    });

    // The framework function gets a role of its own rather than AWS's managed logging policy.
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const providerRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Relays CloudFormation events to the warehouse-migrate function',
    });
    providerLogs.grantWrite(providerRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function.function,
      frameworkOnEventRole: providerRole,
      logGroup: providerLogs,
    });
    acknowledgeWildcard(
      providerRole,
      this.function.function,
      ':*',
      "aws-cdk-lib's custom resource framework may invoke any version of the warehouse-migrate function (<arn>:*), and no other function.",
    );

    const target =
      settings.target.kind === 'serverless' ? settings.target.workgroup : settings.target.clusterId;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::WarehouseMigrations',
      properties: {
        migrationsVersion: String(migrationsVersion()),
        migrationsDigest: migrationsDigest(),
        target,
        database: settings.database,
        schema: settings.schema,
        consumerRoleName: props.consumerRole.roleName,
      },
    });
  }
}
