/**
 * The org's daily API request allowance: every REST call but the versions list and the token
 * endpoint counts, each answer carries `Sforce-Limit-Info: api-usage=N/MAX`, and once the
 * allowance is used up calls fail with 403 REQUEST_LIMIT_EXCEEDED until it is raised, reset,
 * or a day has passed (Salesforce's window is a rolling 24 hours; the simulator restarts the count
 * a day after it began, which a long `npm start` needs and no test can tell apart).
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Salesforce's base allowance for Enterprise Edition, the simulator's default. */
export const DEFAULT_DAILY_API_LIMIT = 100_000;

/** Counts API requests against a daily maximum. */
export class ApiLimits {
  #used = 0;
  #max: number;
  #since: number;
  readonly #now: () => number;

  constructor(max: number = DEFAULT_DAILY_API_LIMIT, now: () => number = Date.now) {
    this.#max = ApiLimits.#checked(max);
    this.#now = now;
    this.#since = now();
  }

  /** Starts a new day's count once a day has passed since the count began. */
  #roll(): void {
    if (this.#now() - this.#since < DAY_MS) return;
    this.#used = 0;
    this.#since = this.#now();
  }

  static #checked(max: number): number {
    if (!Number.isInteger(max) || max < 0) {
      throw new Error(`The daily API limit must be a whole number ≥ 0 (got ${max}).`);
    }
    return max;
  }

  get used(): number {
    this.#roll();
    return this.#used;
  }

  get max(): number {
    return this.#max;
  }

  /** Sets the maximum (and, when given, the requests already used). */
  set(max: number, used?: number): void {
    this.#max = ApiLimits.#checked(max);
    if (used !== undefined) this.#used = ApiLimits.#checked(used);
  }

  /** Counts one request; false (and nothing counted) when the allowance is used up. */
  consume(): boolean {
    this.#roll();
    if (this.#used >= this.#max) return false;
    this.#used += 1;
    return true;
  }

  /** The `Sforce-Limit-Info` header value. */
  header(): string {
    return `api-usage=${this.#used}/${this.#max}`;
  }
}
