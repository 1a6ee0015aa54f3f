/**
 * `Idempotency-Key` replay, as Stripe does it: the first answer to a key is saved for 24 hours
 * and replayed for a retry with the same parameters; the same key with other parameters is a
 * 400 `idempotency_error`. The store is bounded: expired keys are swept on every save, and past
 * {@link MAX_IDEMPOTENCY_KEYS} the oldest keys are dropped, so `npm start` can run for weeks.
 */
import { createHash } from 'node:crypto';
import { STRIPE_ERROR_TYPES, StripeApiError } from './errors.ts';
import type { FormObject } from './form.ts';

/** How long Stripe keeps an idempotent answer: 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** How many keys the store keeps at most; the oldest go first. */
export const MAX_IDEMPOTENCY_KEYS = 10_000;

/** An answer saved for a key. */
export interface SavedResponse {
  status: number;
  body: string;
}

/** What a request is, for matching a retry against the first use of its key. */
export interface IdempotentRequest {
  /** The API key: keys are per account, so two keys never share answers. */
  apiKey: string;
  key: string;
  method: string;
  path: string;
  form: FormObject;
}

interface Entry extends SavedResponse {
  fingerprint: string;
  expiresAt: number;
}

/**
 * Whether a handler's failure is saved for its idempotency key. Stripe saves the result of every
 * request that began executing: a card decline (402) and a server error (5xx) have happened, so
 * an SDK retry with the same key gets them again instead of running a half-done request twice.
 * Validation errors (other 4xx) are raised before anything changes, and are not saved.
 */
export function savesFailure(error: unknown): boolean {
  return !(error instanceof StripeApiError) || error.status === 402 || error.status >= 500;
}

function fingerprint(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.path} ${JSON.stringify(request.form)}`)
    .digest('hex');
}

function storeKey(request: IdempotentRequest): string {
  return `${request.apiKey}\u0000${request.key}`;
}

/** Saved answers by idempotency key, oldest first. */
export class IdempotencyStore {
  /** Insertion order is age order: every entry lives the same TTL, so it is expiry order too. */
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; maxKeys?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.#maxKeys = options.maxKeys ?? MAX_IDEMPOTENCY_KEYS;
    this.#now = options.now ?? Date.now;
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The answer saved for this key, if it is still kept; a 400 `idempotency_error` when the key
   * was first used with another method, path or parameters.
   */
  lookup(request: IdempotentRequest): SavedResponse | undefined {
    const entry = this.#entries.get(storeKey(request));
    if (entry === undefined || entry.expiresAt <= this.#now()) return undefined;
    if (entry.fingerprint !== fingerprint(request)) {
      throw new StripeApiError({
        status: 400,
        type: STRIPE_ERROR_TYPES.idempotencyError,
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.key}' if you meant to execute a different request.`,
      });
    }
    return { status: entry.status, body: entry.body };
  }

  /** Saves the answer to a request, after dropping expired keys and, past the cap, the oldest. */
  save(request: IdempotentRequest, response: SavedResponse): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(key);
    }
    const key = storeKey(request);
    this.#entries.delete(key); // A re-used expired key moves to the end: it is the newest.
    while (this.#entries.size >= this.#maxKeys) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, {
      ...response,
      fingerprint: fingerprint(request),
      expiresAt: now + this.#ttlMs,
    });
  }
}
