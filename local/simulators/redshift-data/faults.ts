/**
 * Failures tests switch on: the next matching statements FAILED with a Redshift error text (a
 * serializable-isolation conflict unless told otherwise), and the next requests answered with
 * ThrottlingException.
 */
import { SERIALIZABLE_ISOLATION_VIOLATION } from './redshift-errors.ts';

/** What {@link Faults.failNext} fails. */
export interface FailNextOptions {
  /** How many statements to fail; default 1. */
  count?: number;
  /** Only statements whose SQL matches; default every statement. */
  match?: RegExp;
  /** The Error DescribeStatement reports; default Redshift's serializable isolation violation. */
  error?: string;
}

interface PendingFailure {
  remaining: number;
  match: RegExp | undefined;
  error: string;
}

/** The fault switch of a running simulator. */
export class Faults {
  #failures: PendingFailure[] = [];
  #throttles = 0;

  /** Makes the next matching statement(s) FAILED with `error` instead of running them. */
  failNext(options: FailNextOptions = {}): void {
    this.#failures.push({
      remaining: options.count ?? 1,
      match: options.match,
      error: options.error ?? SERIALIZABLE_ISOLATION_VIOLATION,
    });
  }

  /** Answers the next `count` requests (any operation) with ThrottlingException. */
  throttleNext(count = 1): void {
    this.#throttles += count;
  }

  /** Switches every pending fault off. */
  clear(): void {
    this.#failures = [];
    this.#throttles = 0;
  }

  /** The error to fail a statement with, if a pending failure matches its SQL (used up). */
  takeFailure(sql: string): string | undefined {
    const failure = this.#failures.find((f) => f.match === undefined || f.match.test(sql));
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.#failures = this.#failures.filter((f) => f !== failure);
    return failure.error;
  }

  /** Whether this request is to be throttled (used up). */
  takeThrottle(): boolean {
    if (this.#throttles === 0) return false;
    this.#throttles -= 1;
    return true;
  }
}
