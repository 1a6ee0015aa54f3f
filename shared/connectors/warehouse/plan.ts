/**
 * Which version of each object a batch writes, decided before anything is staged: the newest
 * event of the object wins; when that newest is not unique in time (two events of one second in
 * the batch, or one of the same second as the stored row), or the consumer asks, the object is
 * read from Stripe instead, since the order within a second is unknown. An object whose stored
 * row is newer than everything in the batch is left alone.
 */
import type { PermanentError } from '../../errors.ts';
import type { BatchEntry } from '../../queue/batch.ts';
import type { MappedEvent, ModelRecord } from './mapping.ts';
import { type StoredVersion, versionKey } from './stored-versions.ts';
import type { EntityTable } from './tables.ts';

/** An entry whose raw row mapped, not yet loaded. */
export interface Candidate {
  entry: BatchEntry;
  /** Its rows; `model` is undefined when the object is not modelled or could not be mapped. */
  mapped: MappedEvent;
  /** Why the object could not be mapped: the raw row still lands, then the event fails. */
  modelError?: PermanentError;
}

/** What the batch does with one object. */
export interface ObjectPlan {
  table: EntityTable;
  key: string;
  /** Every entry of the object in the batch; their outcome is the plan's. */
  members: Candidate[];
  /** The entry whose event versions the row (the newest; the last of its second). */
  chosen: Candidate & { mapped: { model: ModelRecord } };
  /** Read the object from Stripe rather than trusting the chosen snapshot. */
  refetch: boolean;
  /** The stored row is newer than every entry: write nothing for the object. */
  stale: boolean;
}

function hasModel(c: Candidate): c is Candidate & { mapped: { model: ModelRecord } } {
  return c.mapped.model !== undefined;
}

/** Groups the candidates by object and decides each object's version. */
export function planObjects(
  candidates: readonly Candidate[],
  stored: ReadonlyMap<string, StoredVersion>,
): ObjectPlan[] {
  const groups = new Map<string, (Candidate & { mapped: { model: ModelRecord } })[]>();
  for (const candidate of candidates) {
    if (!hasModel(candidate)) continue;
    const { table, key } = candidate.mapped.model;
    const id = versionKey(table, key);
    const group = groups.get(id);
    if (group) group.push(candidate);
    else groups.set(id, [candidate]);
  }
  return [...groups.entries()].map(([id, members]) => {
    const newestCreated = Math.max(...members.map((m) => m.entry.event.created));
    const newest = members.filter((m) => m.entry.event.created === newestCreated);
    const chosen = newest[newest.length - 1] ?? (members[0] as (typeof members)[number]);
    const version = stored.get(id);
    return {
      table: chosen.mapped.model.table,
      key: chosen.mapped.model.key,
      members,
      chosen,
      refetch:
        newest.length > 1 ||
        newest.some((m) => m.entry.refetch) ||
        version?.eventCreated === newestCreated,
      stale: version !== undefined && version.eventCreated > newestCreated,
    };
  });
}
