/**
 * What the simulator was asked, for tests and benchmarks: a total, a count per kind of call, and
 * the latest calls (method, path, kind, status; never bodies or tokens).
 */

/** The kinds of call counted apart. */
export const CALL_KINDS = {
  token: 'token',
  query: 'query',
  upsert: 'upsert',
  collections: 'collections',
  read: 'read',
  write: 'write',
  describe: 'describe',
  limits: 'limits',
  other: 'other',
} as const;

/** One of {@link CALL_KINDS}. */
export type CallKind = (typeof CALL_KINDS)[keyof typeof CALL_KINDS];

/** One answered call. */
export interface CallEntry {
  method: string;
  path: string;
  kind: CallKind;
  status: number;
  /** When it was answered (epoch ms). */
  at: number;
}

const KEPT_ENTRIES = 10_000;

/** Counts calls; keeps the latest {@link KEPT_ENTRIES} of them. */
export class CallLog {
  total = 0;
  readonly byKind: Record<CallKind, number> = CallLog.#zero();
  readonly entries: CallEntry[] = [];

  static #zero(): Record<CallKind, number> {
    return Object.fromEntries(Object.values(CALL_KINDS).map((k) => [k, 0])) as Record<
      CallKind,
      number
    >;
  }

  /** Counts an answered call. */
  record(entry: CallEntry): void {
    this.total += 1;
    this.byKind[entry.kind] += 1;
    this.entries.push(entry);
    if (this.entries.length > KEPT_ENTRIES)
      this.entries.splice(0, this.entries.length - KEPT_ENTRIES);
  }

  /** Starts counting from zero (between benchmark phases). */
  reset(): void {
    this.total = 0;
    Object.assign(this.byKind, CallLog.#zero());
    this.entries.length = 0;
  }
}
