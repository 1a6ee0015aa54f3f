/**
 * The warehouse connector: loads a whole SQS batch into Redshift at once. Map every event, read
 * what the warehouse already holds, settle each object's version (re-reading from Stripe when the
 * order is unknown, and the lines a snapshot cut short), stage one NDJSON file per table in S3,
 * and run one BatchExecuteStatement that COPYs, guards order and MERGEs (load-sql.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type Stripe from 'stripe';
import { PermanentError } from '../../errors.ts';
import type { BatchConnectorLogic, BatchEntry, EntryOutcome } from '../../queue/batch.ts';
import { VERSION_GUARD } from '../../queue/batch.ts';
import type { WarehouseClient } from './client.ts';
import type { WarehouseConfig } from './config.ts';
import { WarehouseStatementError } from './errors.ts';
import { loadStatements } from './load-sql.ts';
import {
  MappingError,
  type ModelRecord,
  mapEvent,
  mapObject,
  type Row,
  withAllChildren,
} from './mapping.ts';
import { type Candidate, type ObjectPlan, planObjects } from './plan.ts';
import { listAll, refetchObject } from './refetch.ts';
import { removeStaged, stageRows } from './staging.ts';
import { readStoredState } from './stored-versions.ts';
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

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function tokenOf(eventIds: readonly string[]): string {
  return createHash('sha256')
    .update([...eventIds].sort().join(','))
    .digest('hex');
}

function mappingFailure(error: unknown, eventId: string): PermanentError {
  if (error instanceof PermanentError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new MappingError(`Event ${eventId} could not be mapped to warehouse rows: ${reason}`, {
    cause: error,
    context: { connector: CONNECTOR, stripeEventId: eventId },
  });
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

  /** The object's record at its planned version: re-read, and with all its children. */
  async function resolve(plan: ObjectPlan): Promise<ModelRecord | undefined> {
    const { event } = plan.chosen.entry;
    let record: ModelRecord | undefined = plan.chosen.mapped.model;
    const needsStripe = plan.refetch || record.children.some((c) => !c.complete);
    const stripe = needsStripe ? await stripeClient() : undefined;
    if (plan.refetch && stripe) {
      record = mapObject(event, await refetchObject(stripe, record.object));
      if (record === undefined) return undefined;
    }
    for (const child of record.children) {
      if (child.complete || stripe === undefined) continue;
      record = withAllChildren(record, child.table, await listAll(stripe, child.table, record.key));
    }
    return record;
  }

  async function load(eventIds: readonly string[], rows: Map<TableName, Row[]>): Promise<void> {
    const token = tokenOf(eventIds);
    const staged = await stageRows({
      s3,
      bucket: config.stagingBucket,
      prefix: config.stagingPrefix,
      batchId: `${token.slice(0, 16)}-${randomUUID().slice(0, 8)}`,
      rows,
    });
    try {
      const statements = loadStatements({
        schema: config.schema,
        staged: staged.tables,
        locationOf: staged.locationOf,
        copyRole: config.copyRole,
      });
      try {
        await client.executeBatch(statements, { clientToken: token });
      } catch (error) {
        if (!(error instanceof WarehouseStatementError)) throw error;
        logger.warn('Redshift failed the batch load; trying once more', {
          statementId: error.statementId,
          error: error.redshiftMessage,
        });
        try {
          await client.executeBatch(statements, { clientToken: tokenOf([token, 'retry']) });
        } catch (second) {
          if (!(second instanceof WarehouseStatementError)) throw second;
          throw new PermanentError(
            `Redshift failed to load the batch twice: ${second.redshiftMessage}. Fix the cause (see docs/warehouse.md), then redrive the dead-letter queue.`,
            { cause: second, context: { connector: CONNECTOR, statementId: second.statementId } },
          );
        }
      }
    } finally {
      const errors = await removeStaged({ s3, bucket: config.stagingBucket, staged });
      if (errors.length > 0) {
        logger.warn('Could not remove staged files; they only cost storage', {
          batchId: staged.batchId,
          error: String(errors[0]),
        });
      }
    }
  }

  async function applyBatch(
    entries: readonly BatchEntry[],
  ): Promise<ReadonlyMap<string, EntryOutcome>> {
    const outcomes = new Map<string, EntryOutcome>();
    const done = (c: Candidate, targetIds: Record<string, string>) =>
      outcomes.set(c.entry.event.id, { ok: true, targetIds });
    const targetOf = (c: Candidate) =>
      c.mapped.model
        ? { table: c.mapped.model.table, key: c.mapped.model.key }
        : { table: 'events', key: c.entry.event.id };

    // 1. Map every event; a failure fails that event only.
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const { id } = entry.event;
      if (seen.has(id)) continue;
      seen.add(id);
      try {
        candidates.push({ entry, mapped: mapEvent(entry.event) });
      } catch (error) {
        outcomes.set(id, { ok: false, error: mappingFailure(error, id) });
      }
    }

    // 2. What is loaded already: a re-delivered event changes nothing.
    const stored = await readStoredState({
      client,
      schema: config.schema,
      eventIds: candidates.map((c) => c.entry.event.id),
      objects: candidates.flatMap((c) =>
        c.mapped.model ? [{ table: c.mapped.model.table, id: c.mapped.model.key }] : [],
      ),
    });
    const fresh = candidates.filter((c) => {
      if (!stored.loaded.has(c.entry.event.id)) return true;
      done(c, targetOf(c));
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
      await load(
        loading.map((c) => c.entry.event.id),
        rows,
      );
    } catch (error) {
      for (const c of loading) outcomes.set(c.entry.event.id, { ok: false, error });
      return outcomes;
    }
    for (const c of loading) done(c, targetOf(c));
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
