/**
 * The warehouse schema as versioned migrations, and `migrate`, which brings a schema up to date.
 * Run it before the connector loads anything (`npm run warehouse:migrate`, or the deploy).
 */
import { randomUUID } from 'node:crypto';
import type { WarehouseClient } from './client.ts';
import { parseIdentifier } from './config.ts';
import { MIGRATION_0001 } from './migration-0001.ts';

/** One step of the schema: Redshift SQL with `{schema}` standing for the configured schema. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** Every migration, oldest first. Never edit a released one: add the next version. */
export const MIGRATIONS: readonly Migration[] = [MIGRATION_0001];

/** The bookkeeping table, created outside the migrations so they can be counted. */
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
  version INTEGER NOT NULL,
  name VARCHAR(256) NOT NULL,
  applied_at TIMESTAMP NOT NULL DEFAULT GETDATE(),
  PRIMARY KEY (version)
) DISTSTYLE ALL`;

/** A migration's statements for one schema. */
export function migrationSql(migration: Migration, schema: string): string[] {
  return migration.statements.map((sql) => sql.replaceAll('{schema}', schema));
}

function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** What `migrate` did. */
export interface MigrateResult {
  /** Versions applied now, oldest first; empty when the schema was up to date. */
  applied: number[];
  /** The schema's version afterwards. */
  version: number;
}

/**
 * Applies the migrations the schema lacks, oldest first, each in one BatchExecuteStatement (one
 * transaction) together with its `schema_migrations` row, so a migration is either wholly there
 * and recorded, or not at all. Running it again is a no-op. Should two run at once, the second's
 * CREATE TABLE fails and its transaction rolls back; run it again and it finds nothing to do.
 */
export async function migrate(options: {
  client: WarehouseClient;
  schema: string;
  migrations?: readonly Migration[];
}): Promise<MigrateResult> {
  const { client } = options;
  const schema = parseIdentifier(options.schema, 'The warehouse schema');
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  await client.execute(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.execute(BOOKKEEPING.replaceAll('{schema}', schema));
  const rows = await client.query(`SELECT version FROM ${schema}.schema_migrations`);
  const done = new Set(rows.map((row) => Number(row.version)));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await client.executeBatch(
      [
        ...migrationSql(migration, schema),
        `INSERT INTO ${schema}.schema_migrations (version, name) VALUES (${migration.version}, ${quoted(migration.name)})`,
      ],
      { clientToken: randomUUID() },
    );
    applied.push(migration.version);
    done.add(migration.version);
  }
  return { applied, version: Math.max(0, ...done) };
}
