/**
 * The batch consumer (DESIGN §5) for connectors whose target is cheaper per batch than per
 * event: Salesforce writes up to 200 records per API call, the warehouse loads a batch with one
 * COPY. The connector applies the whole SQS batch at once and answers an outcome per event; the
 * consumer keeps everything else of the per-record consumer (`consumer.ts`): delivery claims,
 * S3 pointers, the API-version check, the applied-version guard, the ledger written before a
 * message is parked, and `batchItemFailures` naming only the records that failed.
 *
 * With `versionGuard: 'ledger'`, the events of one object in a batch collapse to its newest:
 * older ones are recorded SKIPPED_STALE once it is applied (its snapshot holds their change), or
 * fail with it, so none is lost; ones of the same second share the newest's outcome and ask the
 * connector to re-read the object; an object whose applied version is newer is skipped whole. With `'none'` every event is passed on
 * (the warehouse lands every event and guards order in its MERGE).
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentError, RetryableError } from '../errors.ts';
import { primaryObjectId, type StripeEvent } from '../events/types.ts';
import { DELIVERY_STATUS } from '../ledger/records.ts';
import { CONNECTOR_INTAKE } from '../resources.ts';
import { byObject, mapLimit, type Ready, type Unit } from './batch-units.ts';
import {
  type ApplyResult,
  assertSupportedVersion,
  type ConnectorConsumerOptions,
  type ConnectorLogic,
  oldestFirst,
} from './consumer.ts';
import { createSettler, parseRecord, SETTLED_AS } from './settle.ts';

/** One event as a batch connector receives it. */
export interface BatchEntry {
  event: StripeEvent;
  /**
   * Another event of the same object and the same second was applied before, or came in this
   * batch: which one is newer is unknown (Stripe's `created` has one-second resolution), so read
   * the object from Stripe instead of trusting the snapshot.
   */
  refetch: boolean;
}

/** What became of one entry. */
export type EntryOutcome = ({ ok: true } & ApplyResult) | { ok: false; error: unknown };

/** What the consumer tells the connector about the invocation. */
export interface BatchOptions {
  /**
   * When (epoch ms) the connector must have answered, so the consumer still has time to record
   * the outcomes before the function times out.
   */
  deadline: number;
}

/** Time kept back from the function's remaining time for writing the outcomes. */
const SETTLE_RESERVE_MS = 20_000;

/** How a connector guards against applying an older event after a newer one. */
export const VERSION_GUARD = {
  /** The consumer skips events older than the object's applied version (the ledger's). */
  LEDGER: 'ledger',
  /** The consumer passes every event; the connector guards in the target itself. */
  NONE: 'none',
} as const;
export type VersionGuard = (typeof VERSION_GUARD)[keyof typeof VERSION_GUARD];

/** A batch connector's logic, as the batch consumer calls it. */
export interface BatchConnectorLogic extends Pick<ConnectorLogic, 'supportsApiVersion'> {
  /**
   * Applies the entries (oldest event first) and answers an outcome for every entry's event id.
   * A failed entry carries our error classes; throwing fails every entry with that error.
   */
  applyBatch: (
    entries: readonly BatchEntry[],
    options?: BatchOptions,
  ) => Promise<ReadonlyMap<string, EntryOutcome>>;
  versionGuard: VersionGuard;
}

export interface BatchConsumerOptions
  extends Omit<ConnectorConsumerOptions, keyof ConnectorLogic>,
    BatchConnectorLogic {
  /** How many ledger calls run at once. Default 16. */
  concurrency?: number;
}

/**
 * The SQS handler of one batch connector: wire it in the connector's `functions/` entry. The
 * queue's event source should give it large batches (a batching window), since its cost is per
 * batch.
 */
export function createBatchConsumer(options: BatchConsumerOptions) {
  const { connector, deliveries, payloads, logger } = options;
  const leaseSeconds = options.leaseSeconds ?? CONNECTOR_INTAKE[connector].timeoutSeconds;
  const concurrency = options.concurrency ?? 16;
  const settler = createSettler(options);

  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const deadline =
      Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SETTLE_RESERVE_MS);
    const failures = new Set<string>();
    /** Runs a ledger step for one record; if the ledger itself fails, the record is retried. */
    const guarded = async (record: SQSRecord, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        failures.add(record.messageId);
        logger.error('Could not settle a record; SQS will deliver it again', {
          messageId: record.messageId,
          error: String(error),
        });
      }
    };
    const fail = (item: { record: SQSRecord; eventId: string }, error: unknown) =>
      guarded(item.record, async () => {
        const settled = await settler.settleFailure(item.record, item.eventId, error);
        if (settled === SETTLED_AS.RETRY) failures.add(item.record.messageId);
      });
    const skip = (item: Ready, reason: string) =>
      guarded(item.record, async () => {
        await deliveries.updateDelivery({
          eventId: item.event.id,
          connector,
          status: DELIVERY_STATUS.SKIPPED_STALE,
          attempted: true,
        });
        logger.info(reason, { stripeEventId: item.event.id });
      });

    const parsed = new Map(event.Records.map((record) => [record.messageId, parseRecord(record)]));
    const records = oldestFirst(event.Records, parsed);

    // 1. Claim each delivery and read its event.
    const ready: Ready[] = [];
    await mapLimit(records, concurrency, (record) =>
      guarded(record, async () => {
        const message = await settler.claim(
          record,
          parsed.get(record.messageId) ?? parseRecord(record),
          leaseSeconds,
        );
        if (message === undefined) return;
        try {
          const stripeEvent = await payloads.resolve(message);
          assertSupportedVersion({
            event: stripeEvent,
            connector,
            supports: options.supportsApiVersion,
          });
          ready.push({ record, event: stripeEvent });
        } catch (error) {
          await fail({ record, eventId: message.eventId }, error);
        }
      }),
    );
    ready.sort((a, b) => a.event.created - b.event.created);

    // 2. The applied-version guard.
    const units: Unit[] = [];
    if (options.versionGuard === VERSION_GUARD.NONE) {
      for (const item of ready) {
        units.push({
          entry: { event: item.event, refetch: false },
          members: [item],
          superseded: [],
          objectId: undefined,
        });
      }
    } else {
      await mapLimit(byObject(ready), concurrency, (group) => guard(group));
    }

    async function guard(group: Ready[]): Promise<void> {
      const newest = group[group.length - 1] as Ready;
      const objectId = primaryObjectId(newest.event);
      const sameSecond = group.filter((g) => g.event.created === newest.event.created);
      const older = group.filter((g) => g.event.created < newest.event.created);
      if (objectId === undefined) {
        const entry = { event: newest.event, refetch: false };
        units.push({ entry, members: group, superseded: [], objectId });
        return;
      }
      let claim: Awaited<ReturnType<typeof deliveries.claimVersion>>;
      try {
        claim = await deliveries.claimVersion({
          connector,
          objectId,
          created: newest.event.created,
          eventId: newest.event.id,
          lockSeconds: leaseSeconds,
        });
      } catch (error) {
        await Promise.all(group.map((g) => fail({ record: g.record, eventId: g.event.id }, error)));
        return;
      }
      if (claim.outcome === 'locked') {
        const waiting = new RetryableError(
          `${claim.by} is being applied to ${objectId} by the ${connector} connector; this event waits for it.`,
          { context: { connector, stripeEventId: newest.event.id } },
        );
        await Promise.all(
          group.map((g) => fail({ record: g.record, eventId: g.event.id }, waiting)),
        );
        return;
      }
      if (claim.outcome === 'stale') {
        await Promise.all(
          group.map((g) => skip(g, 'Skipped: a newer event was applied to this object')),
        );
        return;
      }
      units.push({
        entry: { event: newest.event, refetch: claim.tie || sameSecond.length > 1 },
        members: [newest, ...sameSecond.filter((g) => g !== newest)],
        superseded: older,
        objectId,
      });
    }

    // 3. Apply, then 4. settle every record from its entry's outcome.
    units.sort((a, b) => a.entry.event.created - b.entry.event.created);
    let outcomes: ReadonlyMap<string, EntryOutcome>;
    try {
      outcomes =
        units.length === 0
          ? new Map()
          : await options.applyBatch(
              units.map((u) => u.entry),
              { deadline },
            );
    } catch (error) {
      outcomes = new Map(units.map((u) => [u.entry.event.id, { ok: false, error }]));
    } finally {
      await Promise.all(
        units.map(async (u) => {
          // Only the ledger guard claims objects (units of the `none` guard have no object id).
          if (u.objectId === undefined) return;
          await deliveries
            .releaseVersion({ connector, objectId: u.objectId, eventId: u.entry.event.id })
            .catch((error) => {
              // The lock expires by itself; only a newer event of this object waits longer.
              logger.warn('Could not release the object lock', {
                stripeEventId: u.entry.event.id,
                error: String(error),
              });
            });
        }),
      );
    }
    await mapLimit(units, concurrency, async (unit) => {
      const id = unit.entry.event.id;
      const outcome: EntryOutcome = outcomes.get(id) ?? {
        ok: false,
        error: new PermanentError(
          `The ${connector} connector answered no outcome for ${id}: this is a bug in the connector; redrive the message once it is fixed.`,
          { context: { connector, stripeEventId: id } },
        ),
      };
      for (const older of unit.superseded) {
        if (outcome.ok) await skip(older, `Skipped: ${id}, newer, was applied in the same batch`);
        else await fail({ record: older.record, eventId: older.event.id }, outcome.error);
      }
      for (const member of unit.members) {
        if (!outcome.ok) {
          await fail({ record: member.record, eventId: member.event.id }, outcome.error);
          continue;
        }
        // Should this write fail, the error is ours: the record comes back after the lease and
        // is applied again (connectors upsert by Stripe id).
        await guarded(member.record, async () => {
          await deliveries.updateDelivery({
            eventId: member.event.id,
            connector,
            status: DELIVERY_STATUS.SUCCEEDED,
            attempted: true,
            ...(outcome.targetIds ? { targetIds: outcome.targetIds } : {}),
          });
        });
      }
    });

    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export type BatchConsumerHandler = ReturnType<typeof createBatchConsumer>;
