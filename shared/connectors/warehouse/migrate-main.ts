/**
 * `npm run warehouse:migrate`: brings the warehouse schema up to date, with the connector's own
 * settings (WAREHOUSE_*, AWS_REGION, AWS_ENDPOINT_URL_REDSHIFT_DATA). Safe to run at every deploy.
 */
import { processEnv } from '../../config.ts';
import { createWarehouseClient } from './client.ts';
import { parseWarehouseConfig } from './config.ts';
import { MIGRATION_TIMEOUT_SECONDS, migrate } from './migrations.ts';
import { pollingWithin } from './polling.ts';

try {
  const config = parseWarehouseConfig(processEnv());
  // DDL may wait on Redshift's locks: wait for a statement as long as the deploy's function does.
  const client = createWarehouseClient(config, pollingWithin(MIGRATION_TIMEOUT_SECONDS * 1000));
  const result = await migrate({ client, schema: config.schema });
  const applied =
    result.applied.length === 0 ? 'already up to date' : `applied ${result.applied.join(', ')}`;
  console.log(`Warehouse schema ${config.schema}: ${applied} (version ${result.version}).`);
} catch (error) {
  console.error(
    `Warehouse migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
