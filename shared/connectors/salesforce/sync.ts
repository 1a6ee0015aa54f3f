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
import { mapLimit } from '../../queue/batch-units.ts';
import { MAX_COLLECTION_RECORDS, type SalesforceClient } from './client.ts';
import { type FieldMap, toSalesforceRecord } from './field-map.ts';
import {
  type MappableObject,
  mergeWrites,
  RECORD_KINDS,
  REFETCH,
  type RecordWrite,
  writesFor,
} from './mapping.ts';
import { dropStalePaymentFacts, missingPartials, withoutOlderFacts } from './org-state.ts';
import { Outcomes, type Pending, type RecordFailure, recordError } from './outcomes.ts';
import { canRead, ProductNames, readObject } from './stripe-reads.ts';
import { parentsOf, recordKey, StripeRecords } from './stripe-records.ts';

export interface SalesforceConnectorOptions {
  client: SalesforceClient;
  stripe: () => Promise<Stripe>;
  fieldMap: FieldMap;
  livemode: boolean;
  logger: Logger;
}

/** Stripe reads in flight at once while a batch is mapped (Stripe allows 100 a second). */
const STRIPE_READS = 8;

/**
 * Whether a refused record may only lack its parent. Salesforce says so in English as
 * INVALID_FIELD "Foreign key external ID: … not found"; as its messages follow the user's
 * language, any INVALID_FIELD of a record with parents counts (a wrong field fails again after).
 */
const isMissingParent = (failure: RecordFailure) =>
  failure.errors.some(
    (e) =>
      /foreign key external id/i.test(e.message) ||
      (e.statusCode === 'INVALID_FIELD' && parentsOf(failure.pending.write).length > 0),
  );
const isMissingSelf = (failure: RecordFailure) =>
  !failure.pending.write.complete &&
  failure.errors.some((e) => e.statusCode === 'REQUIRED_FIELD_MISSING');
const merged = (first: RecordWrite, then: RecordWrite) => mergeWrites([first, then])[0] ?? then;

/** The Salesforce connector's logic for the batch consumer. */
export function createSalesforceConnector(
  options: SalesforceConnectorOptions,
): BatchConnectorLogic {
  const { client, fieldMap, logger } = options;
  const mappingOptions = { livemode: options.livemode };
  const productNames = new ProductNames();
  const records = new StripeRecords({
    stripe: options.stripe,
    productNames,
    options: mappingOptions,
  });

  /** The object an entry's writes come from: its snapshot, or what Stripe holds now. */
  async function sourceOf(
    entry: BatchEntry,
  ): Promise<{ eventType: string; object: MappableObject }> {
    const { event } = entry;
    const snapshot = event.data.object as MappableObject;
    const stripe = await options.stripe();
    const read = (objectType: string, id: string) =>
      readObject({ stripe, objectType, id, stripeEventId: event.id });
    let source = { eventType: event.type, object: snapshot };
    const instead = Object.hasOwn(REFETCH, snapshot.object) ? REFETCH[snapshot.object] : undefined;
    if (instead !== undefined) {
      const id = snapshot[instead];
      const fetched = typeof id === 'string' ? await read(instead, id) : undefined;
      if (fetched) source = { eventType: `${instead}.updated`, object: fetched };
    } else if (entry.refetch && canRead(snapshot.object)) {
      const fetched = await read(snapshot.object, snapshot.id);
      if (fetched) source = { eventType: event.type, object: fetched };
    }
    if (source.object.object !== 'subscription') return source;
    return { ...source, object: await productNames.expand(stripe, source.object) };
  }

  /** Upserts the writes kind by kind, parents first; answers the records Salesforce refused. */
  async function upsert(
    pendings: readonly Pending[],
    outcomes: Outcomes,
  ): Promise<RecordFailure[]> {
    const failures: RecordFailure[] = [];
    for (const kind of RECORD_KINDS) {
      const ofKind = pendings.filter((p) => p.write.kind === kind);
      const { object, externalIdField } = fieldMap[kind];
      for (let i = 0; i < ofKind.length; i += MAX_COLLECTION_RECORDS) {
        const chunk = ofKind.slice(i, i + MAX_COLLECTION_RECORDS);
        try {
          const results = await client.upsertMany({
            object,
            externalIdField,
            records: chunk.map((p) => toSalesforceRecord(p.write, fieldMap).record),
          });
          results.forEach((result, index) => {
            const pending = chunk[index];
            if (pending === undefined) return;
            if (!result.success) failures.push({ pending, errors: result.errors });
            else if (pending.traced !== false) outcomes.target(pending.eventIds, object, result.id);
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

  /** Writes what refused records were missing (read from Stripe), then tries them once more. */
  async function recover(failures: readonly RecordFailure[], outcomes: Outcomes): Promise<void> {
    const fail = (failure: RecordFailure) =>
      outcomes.fail(
        failure.pending.eventIds,
        recordError({ object: fieldMap[failure.pending.write.kind].object, failure }),
      );
    const recoverable = failures.filter((f) => isMissingParent(f) || isMissingSelf(f));
    for (const failure of failures) if (!recoverable.includes(failure)) fail(failure);
    if (recoverable.length === 0) return;

    const needs = (f: RecordFailure) =>
      isMissingSelf(f)
        ? [{ kind: f.pending.write.kind, stripeId: f.pending.write.stripeId }]
        : parentsOf(f.pending.write);
    const firstEvent = [...(recoverable[0]?.pending.eventIds ?? [])][0] ?? '';
    let fetched: Map<string, RecordWrite>;
    try {
      fetched = await records.withParents(recoverable.flatMap(needs), firstEvent);
    } catch (error) {
      for (const f of recoverable) outcomes.fail(f.pending.eventIds, error);
      return;
    }
    // A parent read for a record fails, if it cannot be written, only that record's events.
    const parents = new Map<string, Pending>();
    const retried = new Set(
      recoverable.map((f) => recordKey(f.pending.write.kind, f.pending.write.stripeId)),
    );
    for (const failure of recoverable) {
      const queue = needs(failure);
      for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
        const key = recordKey(ref.kind, ref.stripeId);
        const write = fetched.get(key);
        if (write === undefined || retried.has(key)) continue;
        const parent = parents.get(key) ?? { write, eventIds: new Set<string>(), traced: false };
        for (const id of failure.pending.eventIds) parent.eventIds.add(id);
        parents.set(key, parent);
        queue.push(...parentsOf(write));
      }
    }
    const again: Pending[] = recoverable.map((f) => {
      const whole = fetched.get(recordKey(f.pending.write.kind, f.pending.write.stripeId));
      return { ...f.pending, write: whole ? merged(whole, f.pending.write) : f.pending.write };
    });
    logger.info('Writing records Salesforce did not have yet, then trying again', {
      parents: parents.size,
      retrying: again.length,
    });
    // Parents and retried records go in one pass: kinds are written parents first.
    const stillFailing = await upsert([...parents.values(), ...again], outcomes);
    for (const failure of stillFailing) fail(failure);
  }

  /** Partial writes of records Salesforce lacks become whole ones from Stripe, or none. */
  async function settlePartials(pendings: Map<string, Pending>, outcomes: Outcomes) {
    const missing = await missingPartials({ client, fieldMap, pendings: [...pendings.values()] });
    await mapLimit(missing, STRIPE_READS, async (pending) => {
      const key = recordKey(pending.write.kind, pending.write.stripeId);
      try {
        const whole = await records.whole(pending.write, [...pending.eventIds][0] ?? '');
        if (whole === undefined) pendings.delete(key);
        else pending.write = merged(whole, pending.write);
      } catch (error) {
        outcomes.fail(pending.eventIds, error);
        pendings.delete(key);
      }
    });
  }

  async function applyBatch(
    entries: readonly BatchEntry[],
  ): Promise<ReadonlyMap<string, EntryOutcome>> {
    const outcomes = new Outcomes(entries);
    const mapped = await mapLimit(entries, STRIPE_READS, async (entry) => {
      try {
        const source = await sourceOf(entry);
        return writesFor({ ...source, options: mappingOptions, eventCreated: entry.event.created });
      } catch (error) {
        outcomes.fail([entry.event.id], error);
        return [];
      }
    });
    // In entry order, oldest first, so a later event's values win.
    const pendings = new Map<string, Pending>();
    entries.forEach((entry, index) => {
      for (const write of mapped[index] ?? []) {
        const key = recordKey(write.kind, write.stripeId);
        const earlier = pendings.get(key);
        if (earlier === undefined)
          pendings.set(key, { write, eventIds: new Set([entry.event.id]) });
        else {
          earlier.write = merged(earlier.write, withoutOlderFacts(earlier.write, write));
          earlier.eventIds.add(entry.event.id);
        }
      }
    });
    try {
      await dropStalePaymentFacts({ client, fieldMap, pendings: [...pendings.values()] });
      await settlePartials(pendings, outcomes);
    } catch (error) {
      // Salesforce could not be asked: nothing is written, and the batch comes back.
      outcomes.fail(
        entries.map((e) => e.event.id),
        error,
      );
      return outcomes.toMap();
    }
    const failures = await upsert([...pendings.values()], outcomes);
    await recover(failures, outcomes);
    const usage = client.apiUsage();
    if (usage) logger.info('Salesforce API usage', { used: usage.used, limit: usage.limit });
    return outcomes.toMap();
  }

  return {
    versionGuard: 'ledger',
    supportsApiVersion: isDeclaredApiVersion,
    applyBatch,
  };
}
