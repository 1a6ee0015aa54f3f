/**
 * Applies a batch of Stripe events to Salesforce (DESIGN §5): each event's object becomes record
 * writes (`mapping.ts`), writes to one record merge into one, and each kind is upserted with
 * sObject Collections, parents before children, 200 records per API call — a batch of a
 * thousand events costs a handful of calls, not a thousand. A record Salesforce refuses fails
 * only the events that wrote to it. A child whose parent is not in Salesforce yet (its customer
 * was created before the hub, or its event is still on the way) gets the parent read from
 * Stripe and written first, then is tried once more.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type Stripe from 'stripe';
import { isDeclaredApiVersion } from '../../events/api-version.ts';
import type { BatchConnectorLogic, BatchEntry, EntryOutcome } from '../../queue/batch.ts';
import { MAX_COLLECTION_RECORDS, type RecordError, type SalesforceClient } from './client.ts';
import { type FieldMap, toSalesforceRecord } from './field-map.ts';
import {
  type MappableObject,
  mergeWrites,
  RECORD_KINDS,
  REFETCH,
  type RecordKind,
  type RecordWrite,
  writesFor,
} from './mapping.ts';
import { Outcomes, type Pending, type RecordFailure, recordError } from './outcomes.ts';
import { canRead, OBJECT_OF_KIND, ProductNames, readObject } from './stripe-reads.ts';

export interface SalesforceConnectorOptions {
  client: SalesforceClient;
  stripe: () => Promise<Stripe>;
  fieldMap: FieldMap;
  livemode: boolean;
  logger: Logger;
}

const recordKey = (kind: RecordKind, stripeId: string) => `${kind}:${stripeId}`;

const isMissingParent = (errors: readonly RecordError[]) =>
  errors.some((e) => /foreign key external id/i.test(e.message));
const isMissingSelf = (failure: RecordFailure) =>
  !failure.pending.write.complete &&
  failure.errors.some((e) => e.statusCode === 'REQUIRED_FIELD_MISSING');

/** The Salesforce connector's logic for the batch consumer. */
export function createSalesforceConnector(
  options: SalesforceConnectorOptions,
): BatchConnectorLogic {
  const { client, fieldMap, logger } = options;
  const mappingOptions = { livemode: options.livemode };
  const productNames = new ProductNames();

  /** The object an entry's writes come from, subscriptions with their product names. */
  async function sourceOf(
    entry: BatchEntry,
  ): Promise<{ eventType: string; object: MappableObject }> {
    const source = await snapshotOrRead(entry);
    if (source.object.object !== 'subscription') return source;
    return { ...source, object: await productNames.expand(await options.stripe(), source.object) };
  }

  /** The object an entry's writes come from: its snapshot, or what Stripe holds now. */
  async function snapshotOrRead(
    entry: BatchEntry,
  ): Promise<{ eventType: string; object: MappableObject }> {
    const { event } = entry;
    const object = event.data.object as MappableObject;
    const read = (objectType: string, id: string) =>
      options
        .stripe()
        .then((stripe) => readObject({ stripe, objectType, id, stripeEventId: event.id }));
    const instead = Object.hasOwn(REFETCH, object.object) ? REFETCH[object.object] : undefined;
    if (instead !== undefined) {
      const id = object[instead];
      const fetched = typeof id === 'string' ? await read(instead, id) : undefined;
      return fetched
        ? { eventType: `${instead}.updated`, object: fetched }
        : { eventType: event.type, object };
    }
    if (entry.refetch && canRead(object.object)) {
      const fetched = await read(object.object, object.id);
      if (fetched) return { eventType: event.type, object: fetched };
    }
    return { eventType: event.type, object };
  }

  /** Upserts the writes kind by kind, parents first; answers the records Salesforce refused. */
  async function upsert(
    pendings: readonly Pending[],
    outcomes: Outcomes,
  ): Promise<RecordFailure[]> {
    const failures: RecordFailure[] = [];
    for (const kind of RECORD_KINDS) {
      const ofKind = pendings.filter((p) => p.write.kind === kind);
      for (let i = 0; i < ofKind.length; i += MAX_COLLECTION_RECORDS) {
        const chunk = ofKind.slice(i, i + MAX_COLLECTION_RECORDS);
        const records = chunk.map((p) => toSalesforceRecord(p.write, fieldMap));
        const { object, externalIdField } = fieldMap[kind];
        try {
          const results = await client.upsertMany({
            object,
            externalIdField,
            records: records.map((r) => r.record),
          });
          results.forEach((result, index) => {
            const pending = chunk[index];
            if (pending === undefined) return;
            if (result.success) outcomes.target(pending.eventIds, object, result.id);
            else failures.push({ pending, errors: result.errors });
          });
        } catch (error) {
          outcomes.fail(
            chunk.flatMap((p) => [...p.eventIds]),
            error,
          );
        }
      }
    }
    return failures;
  }

  /** Complete writes, read from Stripe, for records Salesforce does not have, and their parents. */
  async function readRecords(
    wanted: Iterable<{ kind: RecordKind; stripeId: string }>,
    eventId: string,
  ): Promise<Map<string, RecordWrite>> {
    const found = new Map<string, RecordWrite>();
    const queue = [...wanted];
    const stripe = await options.stripe();
    while (queue.length > 0) {
      const next = queue.shift();
      if (next === undefined || found.has(recordKey(next.kind, next.stripeId))) continue;
      const read = await readObject({
        stripe,
        objectType: OBJECT_OF_KIND[next.kind],
        id: next.stripeId,
        stripeEventId: eventId,
      });
      const object =
        read?.object === 'subscription' ? await productNames.expand(stripe, read) : read;
      const write = object
        ? writesFor({
            eventType: `${object.object}.updated`,
            object,
            options: mappingOptions,
          }).find((w) => w.kind === next.kind && w.stripeId === next.stripeId && w.complete)
        : undefined;
      if (write === undefined) continue;
      found.set(recordKey(next.kind, next.stripeId), write);
      for (const kind of RECORD_KINDS) {
        const parentId = write.parents[kind];
        if (parentId !== undefined) queue.push({ kind, stripeId: parentId });
      }
    }
    return found;
  }

  /** Writes what refused records were missing, then tries them once more. */
  async function recover(failures: readonly RecordFailure[], outcomes: Outcomes): Promise<void> {
    const fail = (failure: RecordFailure) =>
      outcomes.fail(
        failure.pending.eventIds,
        recordError({ object: fieldMap[failure.pending.write.kind].object, failure }),
      );
    const recoverable = failures.filter((f) => isMissingParent(f.errors) || isMissingSelf(f));
    for (const failure of failures) if (!recoverable.includes(failure)) fail(failure);
    if (recoverable.length === 0) return;

    const wanted = recoverable.flatMap((f) => {
      const { write } = f.pending;
      if (isMissingSelf(f)) return [{ kind: write.kind, stripeId: write.stripeId }];
      return RECORD_KINDS.flatMap((kind) => {
        const id = write.parents[kind];
        return id === undefined ? [] : [{ kind, stripeId: id }];
      });
    });
    const firstEvent = [...(recoverable[0]?.pending.eventIds ?? [])][0] ?? '';
    let fetched: Map<string, RecordWrite>;
    try {
      fetched = await readRecords(wanted, firstEvent);
    } catch (error) {
      for (const f of recoverable) outcomes.fail(f.pending.eventIds, error);
      return;
    }
    const retried = new Set(
      recoverable.map((f) => recordKey(f.pending.write.kind, f.pending.write.stripeId)),
    );
    const parents: Pending[] = [...fetched]
      .filter(([key]) => !retried.has(key))
      .map(([, write]) => ({
        write,
        eventIds: new Set(recoverable.flatMap((f) => [...f.pending.eventIds])),
      }));
    const again: Pending[] = recoverable.map((f) => {
      const { write } = f.pending;
      const whole = fetched.get(recordKey(write.kind, write.stripeId));
      return {
        write: whole ? (mergeWrites([whole, write])[0] ?? write) : write,
        eventIds: f.pending.eventIds,
      };
    });
    logger.info('Writing records Salesforce did not have yet, then trying again', {
      missing: wanted.length,
      retrying: again.length,
    });
    // Parents and retried records go in one pass: kinds are written parents first.
    const stillFailing = await upsert([...parents, ...again], outcomes);
    for (const failure of stillFailing) fail(failure);
  }

  async function applyBatch(
    entries: readonly BatchEntry[],
  ): Promise<ReadonlyMap<string, EntryOutcome>> {
    const outcomes = new Outcomes(entries);
    const pendings = new Map<string, Pending>();
    for (const entry of entries) {
      const eventId = entry.event.id;
      let writes: RecordWrite[];
      try {
        const source = await sourceOf(entry);
        writes = writesFor({
          ...source,
          options: mappingOptions,
          eventCreated: entry.event.created,
        });
      } catch (error) {
        outcomes.fail([eventId], error);
        continue;
      }
      for (const write of writes) {
        const key = recordKey(write.kind, write.stripeId);
        const earlier = pendings.get(key);
        if (earlier === undefined) pendings.set(key, { write, eventIds: new Set([eventId]) });
        else {
          earlier.write = mergeWrites([earlier.write, write])[0] ?? write;
          earlier.eventIds.add(eventId);
        }
      }
    }
    const failures = await upsert([...pendings.values()], outcomes);
    await recover(failures, outcomes);
    return outcomes.toMap();
  }

  return {
    versionGuard: 'ledger',
    supportsApiVersion: isDeclaredApiVersion,
    applyBatch,
  };
}
