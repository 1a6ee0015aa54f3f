/**
 * What one Salesforce batch did to each event: the records it wrote (their ids, for
 * `switchyard trace`), or the first failure among them.
 */
import { PermanentError, RetryableError } from '../../errors.ts';
import type { BatchEntry, EntryOutcome } from '../../queue/batch.ts';
import { isRetryableCode, type RecordError } from './client.ts';
import type { RecordWrite } from './mapping.ts';

/** One record to write and the events whose outcome depends on it. */
export interface Pending {
  write: RecordWrite;
  eventIds: Set<string>;
  /**
   * false for a parent written only so its children can be (read from Stripe): its failure
   * fails the events that need it, but `trace` shows it for none of them.
   */
  traced?: boolean;
}

export interface RecordFailure {
  pending: Pending;
  errors: readonly RecordError[];
}

/** Outcomes of one batch: the first failure of an event wins; target ids accumulate. */
export class Outcomes {
  readonly #failed = new Map<string, unknown>();
  readonly #targets = new Map<string, Record<string, string>>();

  constructor(entries: readonly BatchEntry[]) {
    for (const entry of entries) this.#targets.set(entry.event.id, {});
  }

  fail(eventIds: Iterable<string>, error: unknown): void {
    for (const id of eventIds) if (!this.#failed.has(id)) this.#failed.set(id, error);
  }

  target(eventIds: Iterable<string>, object: string, id: string): void {
    for (const eventId of eventIds) {
      const targets = this.#targets.get(eventId);
      if (targets) targets[object] = id;
    }
  }

  toMap(): Map<string, EntryOutcome> {
    const map = new Map<string, EntryOutcome>();
    for (const [eventId, targetIds] of this.#targets) {
      const error = this.#failed.get(eventId);
      map.set(
        eventId,
        this.#failed.has(eventId)
          ? { ok: false, error }
          : { ok: true, ...(Object.keys(targetIds).length > 0 ? { targetIds } : {}) },
      );
    }
    return map;
  }
}

/** The error an event gets when Salesforce refused one of its records. */
export function recordError(input: { object: string; failure: RecordFailure }): Error {
  const { write } = input.failure.pending;
  const first = input.failure.errors[0];
  const code = first?.statusCode ?? 'UNKNOWN_EXCEPTION';
  const fields = first?.fields.length ? ` on ${first.fields.join(', ')}` : '';
  const message = `Salesforce refused ${input.object} ${write.stripeId} (${code}${fields}): ${first?.message ?? 'no reason given'}`;
  const context = { connector: 'salesforce', salesforceErrorCode: code };
  return isRetryableCode(code)
    ? new RetryableError(message, { context })
    : new PermanentError(
        `${message}. Fix the value in Stripe, or the field map or the field's definition in Salesforce, then redrive the message.`,
        { context },
      );
}
