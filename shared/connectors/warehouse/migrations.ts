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

/**
 * How long the deploy's migrations function may run (Lambda allows 15 minutes): DDL waits on
 * Redshift's locks. `npm run warehouse:migrate` waits for a statement as long.
 */
export const MIGRATION_TIMEOUT_SECONDS = 14 * 60;

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
 * and recorded, or not at all. The migrations themselves are not idempotent (plain CREATE TABLE):
 * the bookkeeping is what makes running `migrate` again a no-op, and a failed run safe to repeat.
 * Should two run at once, the second's CREATE TABLE fails and its transaction rolls back; run it
 * again and it finds nothing to do.
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

/** What the loader does to the tables: it never creates, alters or drops them. */
const LOADER_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE';

/** Redshift user names the Data API signs in as: letters, digits and `_+=,.@:-`. */
const DB_USER = /^[\w+=,.@:-]{1,128}$/;

/**
 * The database user Redshift maps an IAM role to when the Data API signs in with the role's own
 * identity (Redshift Serverless, or a cluster without a named database user or secret).
 */
export function iamRoleUser(roleName: string): string {
  return `IAMR:${roleName}`;
}

/**
 * Lets another database user load into the schema. With IAM sign-in the migrations function and
 * the connector are two users (`IAMR:<role>` each) and the tables belong to the first, so without
 * this every load fails with "permission denied". Creates the user when it has not signed in yet
 * (Redshift would create it at its first sign-in, too late for a GRANT), then grants USAGE on the
 * schema, SELECT/INSERT/UPDATE/DELETE on its tables, and the same on the tables later migrations
 * create (default privileges of the migrations user). Safe to run at every deploy.
 */
export async function grantLoader(options: {
  client: WarehouseClient;
  schema: string;
  user: string;
}): Promise<void> {
  const { client } = options;
  const schema = parseIdentifier(options.schema, 'The warehouse schema');
  if (!DB_USER.test(options.user)) {
    throw new Error(
      `"${options.user}" is not a Redshift user name the Data API signs in as: expected letters, digits and _+=,.@:- only (IAMR:<role name>).`,
    );
  }
  const user = `"${options.user}"`;
  const existing = await client.query(
    'SELECT usename FROM pg_user WHERE LOWER(usename) = LOWER(:user)',
    { user: options.user },
  );
  if (existing.length === 0) await client.execute(`CREATE USER ${user} PASSWORD DISABLE`);
  await client.executeBatch(
    [
      `GRANT USAGE ON SCHEMA ${schema} TO ${user}`,
      `GRANT ${LOADER_PRIVILEGES} ON ALL TABLES IN SCHEMA ${schema} TO ${user}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT ${LOADER_PRIVILEGES} ON TABLES TO ${user}`,
    ],
    { clientToken: randomUUID() },
  );
}
