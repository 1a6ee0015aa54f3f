/**
 * Custom resource handler (CDK Provider framework) that runs the warehouse migrations during a
 * deploy.
 * Every migration is idempotent, so a re-run after a failed deploy is safe.
 */
import type { CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import { processEnv } from '../../shared/config.ts';
import { createWarehouseClient } from '../../shared/connectors/warehouse/client.ts';
import { parseWarehouseConfig } from '../../shared/connectors/warehouse/config.ts';
import { migrate } from '../../shared/connectors/warehouse/migrations.ts';

/** Migrates on Create and Update; Delete leaves the warehouse's tables and data alone. */
export async function handler(event: CdkCustomResourceEvent): Promise<CdkCustomResourceResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const config = parseWarehouseConfig(processEnv());
  const result = await migrate({ client: createWarehouseClient(config), schema: config.schema });
  return {
    PhysicalResourceId: `warehouse-migrations:${config.database}.${config.schema}`,
    Data: { version: String(result.version), applied: result.applied.join(',') },
  };
}
