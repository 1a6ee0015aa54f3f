/**
 * What the warehouse already holds for a batch, read before staging it: which of the batch's
 * events are loaded (a re-delivery), and the stored version of each object the batch touches (to
 * notice an event of the same second as the stored row, whose order Stripe does not tell).
 */
import type { WarehouseClient } from './client.ts';
import { timestampLiteral } from './load-sql.ts';
import type { EntityTable } from './tables.ts';

/** The version a model row holds: the event that wrote it. */
export interface StoredVersion {
  eventId: string;
  /** Unix seconds. */
  eventCreated: number;
}

export interface StoredState {
  /** Events of the batch already in `events`. */
  loaded: ReadonlySet<string>;
  /** `table:id` → the stored row's version. */
  versions: ReadonlyMap<string, StoredVersion>;
}

export const versionKey = (table: EntityTable, id: string) => `${table}:${id}`;

/** Ids that are safe to inline in SQL (Stripe ids: letters, digits, `_`); others are not looked up. */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** Keeps each query well under the Data API's 100 KB statement limit. */
const IDS_PER_QUERY = 1_500;

/**
 * Reads a TIMESTAMP as the Data API returns it (`2026-01-01 00:00:00`, UTC in the warehouse) or
 * a number of seconds, as Unix seconds.
 */
export function unixSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return undefined;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** An object to look up; events carry their `created` (Unix seconds), the table's sort key. */
type Lookup = { table: EntityTable; id: string } | { table: 'events'; id: string; created: number };

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * One query for a chunk of lookups. Events are found by id within the chunk's time range, so
 * Redshift reads only the blocks of `events` (sorted by `created`) that hold those times.
 */
function selectFor(schema: string, lookups: readonly Lookup[]): string {
  const byTable = new Map<string, string[]>();
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const lookup of lookups) {
    const ids = byTable.get(lookup.table) ?? [];
    ids.push(`'${lookup.id}'`);
    byTable.set(lookup.table, ids);
    if (lookup.table === 'events') {
      oldest = Math.min(oldest, lookup.created);
      newest = Math.max(newest, lookup.created);
    }
  }
  return [...byTable.entries()]
    .map(([table, ids]) =>
      table === 'events'
        ? `SELECT 'events' AS tbl, id, id AS event_id, created AS event_created FROM ${schema}.events WHERE created BETWEEN ${timestampLiteral(oldest)} AND ${timestampLiteral(newest)} AND id IN (${ids.join(', ')})`
        : `SELECT '${table}' AS tbl, id, event_id, event_created FROM ${schema}.${table} WHERE id IN (${ids.join(', ')})`,
    )
    .join(' UNION ALL ');
}

/**
 * Looks up the batch's events and objects in the warehouse: one query per 1,500 ids, run in
 * parallel (a batch of a few thousand events needs two or three).
 */
export async function readStoredState(options: {
  client: WarehouseClient;
  schema: string;
  /** The batch's events: id and `created` (Unix seconds). */
  events: readonly { id: string; created: number }[];
  objects: readonly { table: EntityTable; id: string }[];
}): Promise<StoredState> {
  const lookups: Lookup[] = [
    ...options.events.map((e) => ({ table: 'events' as const, id: e.id, created: e.created })),
    ...options.objects,
  ].filter((l) => PLAIN_ID.test(l.id));
  const loaded = new Set<string>();
  const versions = new Map<string, StoredVersion>();
  const results = await Promise.all(
    chunks(lookups, IDS_PER_QUERY).map((chunk) =>
      options.client.query(selectFor(options.schema, chunk)),
    ),
  );
  for (const row of results.flat()) {
    const id = String(row.id);
    if (row.tbl === 'events') {
      loaded.add(id);
      continue;
    }
    const eventCreated = unixSeconds(row.event_created);
    if (eventCreated === undefined) continue;
    versions.set(versionKey(row.tbl as EntityTable, id), {
      eventId: String(row.event_id),
      eventCreated,
    });
  }
  return { loaded, versions };
}
