/**
 * What Redshift knows of each table's physical design and PostgreSQL does not: DISTSTYLE,
 * DISTKEY, SORTKEY, column ENCODE and the informational PRIMARY KEY, recorded from the DDL the
 * simulator ran (they change nothing in PostgreSQL), and the names of SUPER columns, which the
 * translator needs to refuse SUPER navigation.
 */
import type { Pool } from 'pg';
import type { TableDesign } from './sql/create-table.ts';
import type { CatalogChange } from './sql/translate.ts';

const key = (schema: string, table: string) => `${schema}.${table}`;

/** The simulator-side catalog (what `SVV_TABLE_INFO` would tell of dist and sort keys). */
export class Catalog {
  readonly #tables = new Map<string, TableDesign>();
  readonly #superColumns = new Set<string>();

  /** Learns the SUPER (jsonb) column names already in the database. */
  async load(pool: Pool): Promise<void> {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT DISTINCT a.attname AS name FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.atttypid = 'jsonb'::regtype AND NOT a.attisdropped
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const row of rows) this.#superColumns.add(row.name);
  }

  /** The design of a table, if the simulator created it. */
  table(schema: string, table: string): TableDesign | undefined {
    return this.#tables.get(key(schema, table));
  }

  /** Every table the simulator created and has not seen dropped. */
  tables(): readonly TableDesign[] {
    return [...this.#tables.values()];
  }

  /** Names of SUPER columns (in any table). */
  superColumns(): ReadonlySet<string> {
    return this.#superColumns;
  }

  /** Records a change once the statement that made it has committed. */
  apply(change: CatalogChange | undefined): void {
    if (change !== undefined) this.#apply[change.kind](change as never);
  }

  readonly #apply: {
    [K in CatalogChange['kind']]: (change: Extract<CatalogChange, { kind: K }>) => void;
  } = {
    create: ({ design }) => {
      if (!design.temporary) this.#tables.set(key(design.schema, design.table), design);
      for (const column of design.columns) if (column.isSuper) this.#superColumns.add(column.name);
    },
    drop: ({ tables }) => {
      for (const t of tables) this.#tables.delete(key(t.schema, t.table));
    },
    dropSchema: ({ schemas }) => {
      for (const [name, design] of this.#tables) {
        if (schemas.includes(design.schema)) this.#tables.delete(name);
      }
    },
    addColumn: ({ schema, table, column }) => {
      this.#tables.get(key(schema, table))?.columns.push(column);
      if (column.isSuper) this.#superColumns.add(column.name);
    },
    alter: ({ schema, table, design }) => {
      const current = this.#tables.get(key(schema, table));
      if (current) Object.assign(current, design);
    },
  };
}
