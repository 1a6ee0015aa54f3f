import { randomBytes } from 'node:crypto';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from '../../../../local/simulators/redshift-data/postgres.ts';
import { ENV } from '../../../../shared/config.ts';
import { columnBytes } from '../../../../shared/connectors/warehouse/column-limits.ts';
import { WAREHOUSE_ENV } from '../../../../shared/connectors/warehouse/config.ts';
import {
  consumerUser,
  handleMigrationsEvent,
} from '../../../../shared/connectors/warehouse/migrate-resource.ts';
import { iamRoleUser, migrate } from '../../../../shared/connectors/warehouse/migrations.ts';
import {
  CHILD_SPECS,
  ENTITY_SPECS,
  EVENTS_TABLE,
  type TableName,
} from '../../../../shared/connectors/warehouse/tables.ts';
import { rows, useWarehouse } from './support.ts';

const wh = useWarehouse();

describe('migrate', () => {
  it('is a no-op the second time, and leaves one bookkeeping row per migration', async () => {
    // Act
    const again = await migrate({ client: wh.client, schema: wh.config.schema });

    // Assess
    expect(again).toEqual({ applied: [], version: 1 });
    expect(await rows(wh, 'SELECT version, name FROM {schema}.schema_migrations')).toEqual([
      { version: 1, name: 'raw events and finance models' },
    ]);
  });

  it('creates exactly the columns the loader writes, with the keys docs/warehouse.md explains', async () => {
    // Prepare
    const specs = [EVENTS_TABLE, ...Object.values(ENTITY_SPECS), ...Object.values(CHILD_SPECS)];

    // Act
    const columns = await wh.client.query(
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = :schema ORDER BY table_name, ordinal_position',
      { schema: wh.config.schema },
    );

    // Assess
    for (const spec of specs) {
      expect(columns.filter((c) => c.table_name === spec.name).map((c) => c.column_name)).toEqual(
        spec.columns,
      );
    }
    expect(wh.sim.catalog.table(wh.config.schema, 'invoice_lines')).toMatchObject({
      distKey: 'invoice_id',
      sortKey: ['invoice_id', 'line_number'],
    });
  });

  it('gives the mapping the length of every text column, as the migrated database has it', async () => {
    // Act
    const columns = await wh.client.query(
      "SELECT table_name, column_name, character_maximum_length AS length FROM information_schema.columns WHERE table_schema = :schema AND data_type = 'character varying' AND table_name <> 'schema_migrations'",
      { schema: wh.config.schema },
    );

    // Assess
    expect(columns.length).toBeGreaterThan(50);
    for (const c of columns) {
      expect(
        columnBytes(c.table_name as TableName, String(c.column_name)),
        `${c.table_name}.${c.column_name}`,
      ).toBe(c.length);
    }
  });
});

describe('the deploy-time migrations', () => {
  const roleName = `HubStack-WarehouseConsumerRole-${randomBytes(4).toString('hex')}`;
  const env = () => ({
    [WAREHOUSE_ENV.workgroup]: wh.sim.workgroupName,
    [WAREHOUSE_ENV.database]: wh.sim.database,
    [WAREHOUSE_ENV.schema]: wh.config.schema,
    [WAREHOUSE_ENV.stagingBucket]: wh.config.stagingBucket,
    [WAREHOUSE_ENV.endpoint]: wh.sim.endpoint,
    [ENV.region]: wh.config.region,
  });
  const event = (properties: Record<string, string>): CdkCustomResourceEvent => ({
    RequestType: 'Update',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation.example/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/hub/1',
    RequestId: 'request-1',
    LogicalResourceId: 'WarehouseMigrations',
    PhysicalResourceId: 'warehouse-migrations:dev.stripe',
    ResourceType: 'Custom::WarehouseMigrations',
    ResourceProperties: { ServiceToken: 'provider', ...properties },
    OldResourceProperties: { ServiceToken: 'provider' },
  });
  /** What the connector's user may do to a table, as Redshift's has_table_privilege answers. */
  const privileges = async (table: string) => {
    const [row] = await wh.client.query(
      `SELECT has_table_privilege(u.usename, :table, 'SELECT') AS can_select,
              has_table_privilege(u.usename, :table, 'INSERT') AS can_insert,
              has_table_privilege(u.usename, :table, 'UPDATE') AS can_update,
              has_table_privilege(u.usename, :table, 'DELETE') AS can_delete
         FROM pg_user u WHERE LOWER(u.usename) = LOWER(:user)`,
      { table: `${wh.config.schema}.${table}`, user: iamRoleUser(roleName) },
    );
    return row;
  };
  const all = { can_select: true, can_insert: true, can_update: true, can_delete: true };

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    const user = `"${iamRoleUser(roleName).toLowerCase()}"`;
    await admin.query(`DROP OWNED BY ${user}`).catch(() => undefined);
    await admin.query(`DROP USER IF EXISTS ${user}`);
    await admin.end();
  });

  it("let the connector's IAM user load into every table, and into tables later migrations add", async () => {
    // Act
    const answer = await handleMigrationsEvent({
      event: event({ consumerRoleName: roleName }),
      env: env(),
      remainingMs: 60_000,
    });
    await wh.client.execute(`CREATE TABLE ${wh.config.schema}.added_later (id VARCHAR(255))`);

    // Assess
    expect(answer.Data).toMatchObject({ version: '1', grantedTo: `IAMR:${roleName}` });
    for (const spec of [
      EVENTS_TABLE,
      ...Object.values(ENTITY_SPECS),
      ...Object.values(CHILD_SPECS),
    ]) {
      expect(await privileges(spec.name), spec.name).toEqual(all);
    }
    expect(await privileges('added_later')).toEqual(all);
  });

  it('grant again at the next deploy without failing, the user existing already', async () => {
    // Act
    const answer = await handleMigrationsEvent({
      event: event({ consumerRoleName: roleName }),
      env: env(),
      remainingMs: 60_000,
    });

    // Assess
    expect(answer.Data).toMatchObject({ applied: '', grantedTo: `IAMR:${roleName}` });
  });

  it('grant nothing when both functions sign in as one user (a secret or a named database user)', () => {
    expect(
      consumerUser({ kind: 'serverless', workgroupName: 'w', secretArn: 'arn:secret' }, roleName),
    ).toBeUndefined();
    expect(
      consumerUser({ kind: 'provisioned', clusterIdentifier: 'c', dbUser: 'loader' }, roleName),
    ).toBeUndefined();
    expect(consumerUser({ kind: 'provisioned', clusterIdentifier: 'c' }, roleName)).toBe(
      `IAMR:${roleName}`,
    );
  });

  it('leave the warehouse alone when the stack deletes the resource', async () => {
    // Act
    const answer = await handleMigrationsEvent({
      event: { ...event({}), RequestType: 'Delete' } as CdkCustomResourceEvent,
      env: {},
      remainingMs: 60_000,
    });

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: 'warehouse-migrations:dev.stripe' });
  });
});
