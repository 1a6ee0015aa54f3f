/**
 * The warehouse migrations: a custom resource runs `migrate` through the warehouse-migrate
 * function during the deploy, again whenever a migration is added or edited, before the
 * warehouse function may start.
 */
import { describe, expect, it } from 'vitest';
import {
  migrationsDigest,
  migrationsVersion,
} from '../../infra/constructs/warehouse-migrations.ts';
import { parseWarehouseConfig, WAREHOUSE_ENV } from '../../shared/connectors/warehouse/config.ts';
import { consumerUser } from '../../shared/connectors/warehouse/migrate-resource.ts';
import {
  MIGRATION_TIMEOUT_SECONDS,
  MIGRATIONS,
} from '../../shared/connectors/warehouse/migrations.ts';
import { asArray, environmentOf, logicalId, ref, resolvedEnv, synthHub } from './support.ts';

const { stack, template } = synthHub({ warehouse: { workgroup: 'analytics' } });
const warehouse = stack.connectors.warehouse;
if (warehouse === undefined) throw new Error('a workgroup in context deploys the warehouse');
const migrate = warehouse.migrations.function;

describe('migrations', () => {
  const resource = Object.values(template.findResources('Custom::WarehouseMigrations'));

  it('run through the warehouse-migrate function, keyed by the migrations and the target', () => {
    expect(resource).toHaveLength(1);
    expect(resource[0]?.Properties).toMatchObject({
      migrationsVersion: String(Math.max(...MIGRATIONS.map((m) => m.version))),
      migrationsDigest: migrationsDigest(),
      target: 'analytics',
      database: 'dev',
      schema: 'stripe',
    });
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(migrate.function)];
    expect(fn?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('warehouse-migrate');
    expect(fn?.Properties.Timeout).toBe(MIGRATION_TIMEOUT_SECONDS);
  });

  it("name the connector's role, whose database user the migrations grant loading to", () => {
    expect(resource[0]?.Properties.consumerRoleName).toEqual(ref(warehouse.consumer.role));
    // With IAM sign-in the connector signs in as IAMR:<that role>, not as the tables' owner.
    expect(consumerUser({ kind: 'serverless', workgroupName: 'analytics' }, 'ConsumerRole')).toBe(
      'IAMR:ConsumerRole',
    );
  });

  it('run again when a migration is added or edited', () => {
    // Prepare
    const next = { version: 99, name: 'next', statements: ['SELECT 1'] };
    const [first] = MIGRATIONS;
    if (first === undefined) throw new Error('no migration');
    const edited = { ...first, statements: [...first.statements, 'SELECT 1'] };

    // Act
    const added = [...MIGRATIONS, next];

    // Assess
    expect(migrationsVersion(added)).toBe(99);
    expect(migrationsDigest(added)).not.toBe(migrationsDigest());
    expect(migrationsDigest([edited, ...MIGRATIONS.slice(1)])).not.toBe(migrationsDigest());
  });

  it('give the migrations function a configuration it accepts at cold start', () => {
    const env = resolvedEnv(environmentOf(template, migrate), {
      [WAREHOUSE_ENV.copyRole]: 'arn:aws:iam::123456789012:role/copy',
    });
    expect(parseWarehouseConfig(env).target).toEqual({
      kind: 'serverless',
      workgroupName: 'analytics',
    });
  });
});

describe('the warehouse function', () => {
  it('is created only once the migrations have run', () => {
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalId(warehouse.consumer.function)];
    expect(asArray(fn?.DependsOn)).toContain(logicalId(warehouse.migrations.resource));
  });
});
