/**
 * The warehouse connector: loads a whole SQS batch into Redshift at once. Map every event, read
 * what the warehouse already holds, settle each object's version (re-reading from Stripe when the
 * order is unknown, and the lines a snapshot cut short), and load it all in one transaction
 * (load-batch.ts: stage NDJSON in S3, COPY, guard order, MERGE).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type Stripe from 'stripe';
import { PermanentError } from '../../errors.ts';
import type {
  BatchConnectorLogic,
  BatchEntry,
  BatchOptions,
  EntryOutcome,
} from '../../queue/batch.ts';
import { VERSION_GUARD } from '../../queue/batch.ts';
import { mapLimit } from '../../queue/batch-units.ts';
import type { WarehouseClient } from './client.ts';
import type { WarehouseConfig } from './config.ts';
import { loadBatch } from './load-batch.ts';
import {
  MappingError,
  type ModelRecord,
  mapObject,
  type Row,
  rawEventRow,
  withAllChildren,
} from './mapping.ts';
import { type Candidate, type ObjectPlan, planObjects } from './plan.ts';
import { listAll, refetchObject } from './refetch.ts';
import { readStoredState, type StoredVersion, versionKey } from './stored-versions.ts';
import type { TableName } from './tables.ts';

export interface WarehouseConnectorOptions {
  client: WarehouseClient;
  s3: S3Client;
  /** A Stripe client, or a function that makes one on first use (`lazyStripeClient`). */
  stripe: Stripe | (() => Promise<Stripe>);
  config: Pick<WarehouseConfig, 'schema' | 'stagingBucket' | 'stagingPrefix' | 'copyRole'>;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Stripe reads in flight at once. Default 8. */
  stripeConcurrency?: number;
}

const CONNECTOR = 'warehouse';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An event, mapped as far as it goes: its raw row always (or the event fails alone), its model
 * record unless the object could not be mapped, in which case `modelError` says why.
 */
function mapEntry(entry: BatchEntry): Candidate | PermanentError {
  const { event } = entry;
  let raw: Row;
  try {
    raw = rawEventRow(event);
  } catch (error) {
    if (error instanceof PermanentError) return error;
    return new MappingError(
      `Event ${event.id} could not be mapped to a raw event row: ${reasonOf(error)}`,
      {
        cause: error,
        context: { connector: CONNECTOR, stripeEventId: event.id },
      },
    );
  }
  try {
    return { entry, mapped: { raw, model: mapObject(event, event.data.object) } };
  } catch (error) {
    const modelError = new MappingError(
      `Event ${event.id} landed raw in events, but its ${event.data.object.object} could not be mapped to the model tables: ${reasonOf(error)} Fix the mapping, then redrive the event: the redrive loads the model row and leaves the raw row single.`,
      { cause: error, context: { connector: CONNECTOR, stripeEventId: event.id } },
    );
    return { entry, mapped: { raw, model: undefined }, modelError };
  }
}

/**
 * Whether an event already in `events` still has its model part to load: it maps to a model row
 * and the warehouse holds no version of that object as new as the event (an earlier try landed
 * the raw row but failed the mapping, which has since been fixed).
 */
function modelPending(c: Candidate, versions: ReadonlyMap<string, StoredVersion>): boolean {
  const model = c.mapped.model;
  if (model === undefined) return false;
  const stored = versions.get(versionKey(model.table, model.key));
  return stored === undefined || stored.eventCreated < c.entry.event.created;
}

/**
 * The warehouse's batch logic for the batch consumer. `versionGuard` is `none`: every event
 * reaches the warehouse (the raw log keeps them all) and order is guarded in the load's SQL.
 * Every API version is accepted: the raw event is kept whole and the mapping reads the fields
 * of older versions too.
 */
export function createWarehouseConnector(options: WarehouseConnectorOptions): BatchConnectorLogic {
  const { client, s3, config, logger } = options;
  const concurrency = options.stripeConcurrency ?? 8;
  const source = options.stripe;
  const stripeClient = typeof source === 'function' ? source : async () => source;

  /**
   * The object's record at its planned version: re-read, and with all its children. A deleted
   * parent keeps the children its snapshot lists: Stripe lists nothing of a deleted object.
   */
  async function resolve(plan: ObjectPlan): Promise<ModelRecord | undefined> {
    const { event } = plan.chosen.entry;
    let record: ModelRecord | undefined = plan.chosen.mapped.model;
    const incomplete = (r: ModelRecord) =>
      !r.version.deleted && r.children.some((c) => !c.complete);
    const needsStripe = plan.refetch || incomplete(record);
    const stripe = needsStripe ? await stripeClient() : undefined;
    if (plan.refetch && stripe) {
      record = mapObject(event, await refetchObject(stripe, record.object));
      if (record === undefined) return undefined;
    }
    if (stripe === undefined || !incomplete(record)) return record;
    for (const child of record.children) {
      if (child.complete) continue;
      const items = await listAll(stripe, child.table, record.key);
      // Gone (404) since the event: the snapshot's page is all there is to keep.
      if (items !== undefined) record = withAllChildren(record, child.table, items);
    }
    return record;
  }

  async function applyBatch(
    entries: readonly BatchEntry[],
    options?: BatchOptions,
  ): Promise<ReadonlyMap<string, EntryOutcome>> {
    if (options === undefined) return applyWithin(entries);
    return client.within(options.deadline, () => applyWithin(entries));
  }

  async function applyWithin(
    entries: readonly BatchEntry[],
  ): Promise<ReadonlyMap<string, EntryOutcome>> {
    const outcomes = new Map<string, EntryOutcome>();
    const settle = (c: Candidate) =>
      outcomes.set(
        c.entry.event.id,
        c.modelError
          ? { ok: false, error: c.modelError }
          : {
              ok: true,
              targetIds: c.mapped.model
                ? { table: c.mapped.model.table, key: c.mapped.model.key }
                : { table: 'events', key: c.entry.event.id },
            },
      );

    // 1. Map every event; a failure fails that event only (after its raw row, when it has one).
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const { id } = entry.event;
      if (seen.has(id)) continue;
      seen.add(id);
      const mapped = mapEntry(entry);
      if (mapped instanceof PermanentError) outcomes.set(id, { ok: false, error: mapped });
      else candidates.push(mapped);
    }

    // 2. What is loaded already: a re-delivered event changes nothing.
    const stored = await readStoredState({
      client,
      schema: config.schema,
      events: candidates.map((c) => ({ id: c.entry.event.id, created: c.entry.event.created })),
      objects: candidates.flatMap((c) =>
        c.mapped.model ? [{ table: c.mapped.model.table, id: c.mapped.model.key }] : [],
      ),
    });
    const fresh = candidates.filter((c) => {
      if (!stored.loaded.has(c.entry.event.id) || modelPending(c, stored.versions)) return true;
      settle(c);
      return false;
    });

    // 3. Each object's version; re-read from Stripe where the order is unknown.
    const records: ModelRecord[] = [];
    const plans = planObjects(fresh, stored.versions).filter((plan) => !plan.stale);
    await mapLimit(plans, concurrency, async (plan) => {
      try {
        const record = await resolve(plan);
        if (record) records.push(record);
      } catch (error) {
        for (const member of plan.members) {
          outcomes.set(member.entry.event.id, { ok: false, error });
        }
      }
    });

    // 4. Stage and load what is left, in one transaction.
    const loading = fresh.filter((c) => !outcomes.has(c.entry.event.id));
    if (loading.length === 0) return outcomes;
    const rows = new Map<TableName, Row[]>([['events', loading.map((c) => c.mapped.raw)]]);
    const append = (table: TableName, added: readonly Row[]) => {
      const list = rows.get(table);
      if (list) list.push(...added);
      else rows.set(table, [...added]);
    };
    for (const record of records) {
      append(record.table, [record.row]);
      for (const child of record.children) append(child.table, child.rows);
    }
    try {
      await loadBatch({
        client,
        s3,
        config,
        logger,
        events: loading.map((c) => ({ id: c.entry.event.id, created: c.entry.event.created })),
        rows,
      });
    } catch (error) {
      for (const c of loading) outcomes.set(c.entry.event.id, { ok: false, error });
      return outcomes;
    }
    for (const c of loading) settle(c);
    logger.debug('Loaded a batch into the warehouse', {
      events: loading.length,
      objects: records.length,
    });
    return outcomes;
  }

  return {
    applyBatch,
    supportsApiVersion: () => true,
    versionGuard: VERSION_GUARD.NONE,
  };
}
