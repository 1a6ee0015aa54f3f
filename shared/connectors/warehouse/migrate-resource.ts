/**
 * The deploy-time migrations (the `Custom::WarehouseMigrations` resource, run by
 * `functions/warehouse-migrate`): bring the schema up to date, then let the connector's database
 * user load into it when it is not the migrations' own user.
 */
import type { CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import type { Env } from '../../config.ts';
import { createWarehouseClient } from './client.ts';
import { parseWarehouseConfig, type WarehouseTarget } from './config.ts';
import { grantLoader, iamRoleUser, migrate } from './migrations.ts';
import { pollingWithin } from './polling.ts';

/**
 * The connector's database user when it differs from the migrations' one: with IAM sign-in (no
 * secret, no database user named) each function signs in as `IAMR:<its role>`. Undefined when
 * both sign in as the same user (a secret, or `WAREHOUSE_DB_USER`), or no role is named.
 */
export function consumerUser(
  target: WarehouseTarget,
  consumerRoleName: unknown,
): string | undefined {
  if (target.secretArn !== undefined) return undefined;
  if (target.kind === 'provisioned' && target.dbUser !== undefined) return undefined;
  return typeof consumerRoleName === 'string' && consumerRoleName !== ''
    ? iamRoleUser(consumerRoleName)
    : undefined;
}

/**
 * Migrates on Create and Update (and grants the connector's user, see {@link consumerUser});
 * Delete leaves the warehouse's tables and data alone. `remainingMs` is what is left of the
 * function's time: statements are waited for until a minute before it ends.
 */
export async function handleMigrationsEvent(options: {
  event: CdkCustomResourceEvent;
  env: Env;
  remainingMs: number;
}): Promise<CdkCustomResourceResponse> {
  const { event } = options;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const config = parseWarehouseConfig(options.env);
  const client = createWarehouseClient(config, pollingWithin(options.remainingMs));
  const result = await migrate({ client, schema: config.schema });
  const grantee = consumerUser(config.target, event.ResourceProperties.consumerRoleName);
  if (grantee !== undefined) await grantLoader({ client, schema: config.schema, user: grantee });
  return {
    PhysicalResourceId: `warehouse-migrations:${config.database}.${config.schema}`,
    Data: {
      version: String(result.version),
      applied: result.applied.join(','),
      grantedTo: grantee ?? '',
    },
  };
}
