/**
 * The pieces the batch consumer (`batch.ts`) works with: a record whose event is ready, the
 * unit of work one entry of the connector's batch stands for, and grouping by object.
 */
import type { SQSRecord } from 'aws-lambda';
import { primaryObjectId, type StripeEvent } from '../events/types.ts';
import type { BatchEntry } from './batch.ts';

/** A record whose event is ready to apply. */
export interface Ready {
  record: SQSRecord;
  event: StripeEvent;
}

/** One entry handed to the connector and the records whose outcome it decides. */
export interface Unit {
  entry: BatchEntry;
  /** The entry's own record and those of the same second: they share its outcome. */
  members: Ready[];
  /**
   * Older events of the object in this batch, whose change the entry's snapshot already holds:
   * SKIPPED_STALE once the entry succeeded, or failed with it (so none is lost if it fails).
   */
  superseded: Ready[];
  objectId: string | undefined;
}

/** Runs `fn` over `items`, at most `limit` at a time, answering results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Groups events by object, oldest first within each group; events without one stand alone. */
export function byObject(ready: readonly Ready[]): Ready[][] {
  const groups = new Map<string, Ready[]>();
  const alone: Ready[][] = [];
  for (const item of ready) {
    const objectId = primaryObjectId(item.event);
    if (objectId === undefined) {
      alone.push([item]);
      continue;
    }
    const group = groups.get(objectId);
    if (group) group.push(item);
    else groups.set(objectId, [item]);
  }
  return [...groups.values(), ...alone];
}
