/**
 * The org's daily API request allowance: every REST call but the versions list and the token
 * endpoint counts, each answer carries `Sforce-Limit-Info: api-usage=N/MAX`, and once the
 * allowance is used up calls fail with 403 REQUEST_LIMIT_EXCEEDED until it is raised or reset.
 */

/** Salesforce's base allowance for Enterprise Edition, the simulator's default. */
export const DEFAULT_DAILY_API_LIMIT = 100_000;

/** Counts API requests against a daily maximum. */
export class ApiLimits {
  #used = 0;
  #max: number;

  constructor(max: number = DEFAULT_DAILY_API_LIMIT) {
    this.#max = ApiLimits.#checked(max);
  }

  static #checked(max: number): number {
    if (!Number.isInteger(max) || max < 0) {
      throw new Error(`The daily API limit must be a whole number ≥ 0 (got ${max}).`);
    }
    return max;
  }

  get used(): number {
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
    if (this.#used >= this.#max) return false;
    this.#used += 1;
    return true;
  }

  /** The `Sforce-Limit-Info` header value. */
  header(): string {
    return `api-usage=${this.#used}/${this.#max}`;
  }
}
