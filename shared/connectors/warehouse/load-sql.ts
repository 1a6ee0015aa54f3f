/**
 * The SQL of one batch load, as one BatchExecuteStatement (one transaction). For each staged
 * table: a temp stage like the target, COPY from the batch's NDJSON in S3, then
 *
 * - models: drop from the stage the rows older than the stored row (`event_created`) or of the
 *   very event already stored, then MERGE the rest (Redshift's MERGE has no `WHEN MATCHED AND`,
 *   hence the DELETE first);
 * - children (invoice lines, subscription items): replace those of every parent row that was
 *   applied, so a newer invoice version brings exactly its lines;
 * - events: insert the raw events not already present, looked up by `id` and `created` (the
 *   sort key) within the batch's time range, so Redshift skips the blocks of other times.
 *
 * With every table staged the load is exactly 40 statements, the Data API's limit for one batch:
 * there is no room left, and a new table must first save statements elsewhere (for instance by
 * loading two child tables from one stage). `loadStatements` throws rather than exceed it.
 *
 * COPY has no TRUNCATECOLUMNS: a value longer than its column fails the load loudly instead of
 * being cut. The mapping fits rows to the columns first (column-limits.ts), so that never
 * happens to a well-formed event.
 */
import {
  CHILD_SPECS,
  type ChildSpec,
  ENTITY_SPECS,
  ENTITY_TABLES,
  EVENTS_TABLE,
  type TableName,
} from './tables.ts';

/** The Data API's limit of statements in one BatchExecuteStatement. */
export const MAX_BATCH_STATEMENTS = 40;

export interface LoadSqlOptions {
  schema: string;
  /** The tables with a staged file. */
  staged: ReadonlySet<TableName>;
  /** `s3://bucket/key` of a table's staged file. */
  locationOf: (table: TableName) => string;
  /** `default` or an IAM role ARN. */
  copyRole: string;
  /** The oldest and newest `created` of the staged events, Unix seconds. */
  eventsCreated?: { min: number; max: number };
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const stage = (table: TableName) => `stage_${table}`;

function copyInto(table: TableName, options: LoadSqlOptions): string[] {
  const role = options.copyRole === 'default' ? 'default' : literal(options.copyRole);
  return [
    `CREATE TEMP TABLE ${stage(table)} (LIKE ${options.schema}.${table})`,
    `COPY ${stage(table)} FROM ${literal(options.locationOf(table))} IAM_ROLE ${role} FORMAT AS JSON 'auto ignorecase' TIMEFORMAT 'epochsecs'`,
  ];
}

/** Every column but `loaded_at`, which the load sets to its own time. */
function dataColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => c !== 'loaded_at');
}

function entityStatements(
  table: (typeof ENTITY_TABLES)[number],
  options: LoadSqlOptions,
): string[] {
  const { schema } = options;
  const s = stage(table);
  const columns = dataColumns(ENTITY_SPECS[table].columns);
  const updates = columns
    .filter((c) => c !== 'id')
    .map((c) => `${c} = ${s}.${c}`)
    .join(', ');
  return [
    ...copyInto(table, options),
    `DELETE FROM ${s} USING ${schema}.${table} WHERE ${s}.id = ${table}.id AND (${s}.event_created < ${table}.event_created OR ${s}.event_id = ${table}.event_id)`,
    `MERGE INTO ${schema}.${table} USING ${s} ON ${table}.id = ${s}.id WHEN MATCHED THEN UPDATE SET ${updates}, loaded_at = GETDATE() WHEN NOT MATCHED THEN INSERT (${columns.join(', ')}, loaded_at) VALUES (${columns.map((c) => `${s}.${c}`).join(', ')}, GETDATE())`,
  ];
}

function childStatements(spec: ChildSpec, options: LoadSqlOptions): string[] {
  const { schema } = options;
  const parent = stage(spec.parent);
  const s = stage(spec.name);
  const statements = [
    `DELETE FROM ${schema}.${spec.name} USING ${parent} WHERE ${spec.name}.${spec.parentColumn} = ${parent}.id`,
  ];
  if (!options.staged.has(spec.name)) return statements;
  const columns = dataColumns(spec.columns);
  return [
    ...copyInto(spec.name, options),
    ...statements,
    `INSERT INTO ${schema}.${spec.name} (${columns.join(', ')}, loaded_at) SELECT ${columns.map((c) => `${s}.${c}`).join(', ')}, GETDATE() FROM ${s} JOIN ${parent} ON ${s}.${spec.parentColumn} = ${parent}.id AND ${s}.event_id = ${parent}.event_id`,
  ];
}

/** Payments learn their invoice from invoice payments, whichever of the two arrived first. */
function paymentInvoices(options: LoadSqlOptions): string[] {
  const scope: string[] = [];
  if (options.staged.has('payments'))
    scope.push(`payments.id IN (SELECT id FROM ${stage('payments')})`);
  if (options.staged.has('invoice_payments')) {
    scope.push(`payments.id IN (SELECT payment_intent_id FROM ${stage('invoice_payments')})`);
  }
  if (scope.length === 0) return [];
  const { schema } = options;
  return [
    `UPDATE ${schema}.payments SET invoice_id = invoice_payments.invoice_id FROM ${schema}.invoice_payments WHERE invoice_payments.payment_intent_id = payments.id AND payments.invoice_id IS NULL AND (${scope.join(' OR ')})`,
  ];
}

/** A TIMESTAMP literal of Unix seconds, as the warehouse stores times (UTC). */
export function timestampLiteral(unixSeconds: number): string {
  return `'${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}'`;
}

function eventStatements(options: LoadSqlOptions): string[] {
  const { schema, eventsCreated } = options;
  const s = stage('events');
  const columns = dataColumns(EVENTS_TABLE.columns);
  const range = eventsCreated
    ? ` AND loaded.created BETWEEN ${timestampLiteral(eventsCreated.min)} AND ${timestampLiteral(eventsCreated.max)}`
    : '';
  return [
    ...copyInto('events', options),
    `INSERT INTO ${schema}.events (${columns.join(', ')}, loaded_at) SELECT ${columns.map((c) => `${s}.${c}`).join(', ')}, GETDATE() FROM ${s} WHERE NOT EXISTS (SELECT 1 FROM ${schema}.events loaded WHERE loaded.id = ${s}.id AND loaded.created = ${s}.created${range})`,
  ];
}

/**
 * The statements that load the staged tables, in order. Throws if they exceed
 * {@link MAX_BATCH_STATEMENTS} (a new table must save a statement elsewhere).
 */
export function loadStatements(options: LoadSqlOptions): string[] {
  const statements: string[] = [];
  for (const table of ENTITY_TABLES) {
    if (!options.staged.has(table)) continue;
    statements.push(...entityStatements(table, options));
    for (const child of Object.values(CHILD_SPECS)) {
      if (child.parent === table) statements.push(...childStatements(child, options));
    }
  }
  statements.push(...paymentInvoices(options));
  if (options.staged.has('events')) statements.push(...eventStatements(options));
  if (statements.length > MAX_BATCH_STATEMENTS) {
    throw new Error(
      `A batch load needs ${statements.length} statements, more than the Data API's ${MAX_BATCH_STATEMENTS}: merge steps before adding tables.`,
    );
  }
  return statements;
}
