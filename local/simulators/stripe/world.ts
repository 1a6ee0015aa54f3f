/**
 * The simulator's state: every object by id, the event log, time (real or per test clock), and
 * what each API request is (for `event.request`). Handlers run one at a time and never await, so
 * each request changes the world atomically, as a Stripe API call does.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { resourceMissing } from './errors.ts';
import type { Params } from './form.ts';
import { paginate } from './pagination.ts';
import { eventShape, webhookEndpointShape } from './shapes/platform.ts';
import type { WebhookSender } from './webhooks.ts';

/** Re-exported: resource modules import it from here. */
export { createdFilter } from './pagination.ts';

/** A stored Stripe object: plain JSON, as the API renders it. */
export interface StripeRecord {
  id: string;
  object: string;
  [field: string]: unknown;
}

/** A Stripe list object (`{object: 'list', data, has_more, url}`). */
export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Stripe-like id: `prefix_` then 24 random base62 characters. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

/** What the current API request was, for the `request` field of the events it causes. */
export interface RequestInfo {
  id: string | null;
  idempotencyKey: string | null;
}

/** Events older than this are neither listed nor retrievable, as on Stripe. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/** What a {@link World} is made with. */
/**
 * Where the simulator reports: each request as a `debug` line, a failure of background work
 * (ACH settlement, a test clock) as an `error`, so the host can log each at its own level.
 */
export type SimulatorLog = (entry: { level: 'debug' | 'error'; message: string }) => void;

export interface WorldOptions {
  /** The current Unix time in seconds; tests move it. */
  now?: () => number;
  /** Where the world's events are delivered. */
  webhooks: WebhookSender;
  /** How long an ACH debit stays `processing` before it settles. */
  achSettlementMs?: number;
  /** Where background work reports its failures (the simulator's `log` option). */
  log?: SimulatorLog;
}

/** All simulated state. One per simulator. */
export class World {
  /** Delivers the world's events to webhook endpoints. */
  readonly webhooks: WebhookSender;
  /** How long an ACH debit stays `processing` before it settles. */
  readonly achSettlementMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #now: () => number;
  readonly #log: SimulatorLog;
  readonly #state = new Map<string, unknown>();
  readonly #objects = new Map<string, { type: string; object: StripeRecord; seq: number }>();
  /** Events within retention (older ones are pruned as new ones are emitted), oldest first. */
  readonly #events: StripeRecord[] = [];
  #seq = 0;
  #lastEventCreated = 0;
  readonly #listeners = new Map<string, ((object: StripeRecord) => void)[]>();
  /** Set while a request is being handled; background work (settlement, clocks) has none. */
  request: RequestInfo = { id: null, idempotencyKey: null };

  constructor(options: WorldOptions) {
    this.webhooks = options.webhooks;
    this.achSettlementMs = options.achSettlementMs ?? 2_000;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#log = options.log ?? (() => undefined);
  }

  /**
   * A module's private state in this world, made by `init` on first use. Billing modules keep
   * what is not on any Stripe object here (payment methods that may not be reused, for one)
   * instead of in module-level maps, so it lives and dies with its simulator and two simulators
   * in one process never share it. Keys are per module, like `instruments.spent`; one key must
   * always hold the same type.
   */
  state<T>(key: string, init: () => T): T {
    if (!this.#state.has(key)) this.#state.set(key, init());
    return this.#state.get(key) as T;
  }

  /** Real time (seconds), for events and objects that are not on a test clock. */
  now(): number {
    return this.#now();
  }

  /** The time an object of this customer lives in: its test clock's frozen time, or now. */
  timeFor(customerId: string | null | undefined): number {
    if (customerId) {
      const customer = this.find(customerId);
      const clockId = customer?.test_clock;
      if (typeof clockId === 'string') {
        const clock = this.find(clockId);
        if (typeof clock?.frozen_time === 'number') return clock.frozen_time;
      }
    }
    return this.now();
  }

  /**
   * Runs `work` later, outside any request (as Stripe's own background processes do: ACH
   * settlement, for one). An error is reported through the `log` option and kept from the event
   * loop, so the simulator keeps running; stop() cancels what is pending.
   */
  later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.request = { id: null, idempotencyKey: null };
      try {
        work();
      } catch (error) {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.#log({
          level: 'error',
          message: `Stripe simulator background work failed: ${detail}`,
        });
      }
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Cancels background work. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Adds a webhook endpoint with a known secret (how `npm start` wires the hub). */
  addWebhookEndpoint(input: {
    url: string;
    secret: string;
    enabledEvents?: string[];
    description?: string;
  }): StripeRecord {
    const endpoint = this.insert(
      webhookEndpointShape({
        id: newId('we'),
        created: this.now(),
        url: input.url,
        enabled_events: input.enabledEvents ?? ['*'],
        description: input.description ?? null,
      }),
    );
    this.webhooks.endpoints.push({
      id: endpoint.id,
      url: input.url,
      secret: input.secret,
      enabledEvents: input.enabledEvents ?? ['*'],
      enabled: true,
    });
    return endpoint;
  }

  /** Applies an endpoint's url, events and status to where deliveries go. */
  syncWebhookEndpoint(endpoint: StripeRecord): void {
    const target = this.webhooks.endpoints.find((e) => e.id === endpoint.id);
    if (target === undefined) return;
    const events: unknown = endpoint.enabled_events;
    target.url = String(endpoint.url);
    target.enabledEvents = Array.isArray(events)
      ? events.filter((e): e is string => typeof e === 'string')
      : [];
    target.enabled = endpoint.status === 'enabled' && endpoint.deleted !== true;
  }

  /** Stores a new object (a shape builder's output) and returns it as the stored record. */
  insert(object: { id: string; object: string }): StripeRecord {
    // Shapes hold SDK values such as Stripe.Decimal; stored objects are plain JSON, as Stripe's.
    const record = JSON.parse(JSON.stringify(object)) as StripeRecord;
    this.#objects.set(record.id, { type: record.object, object: record, seq: this.#seq++ });
    return record;
  }

  /** The object with this id, of any type, if it exists. */
  find(id: string): StripeRecord | undefined {
    return this.#objects.get(id)?.object;
  }

  /**
   * The object of `type` with this id, or Stripe's 404 naming the resource (e.g. "No such
   * customer: 'cus_…'"). `param` is the request parameter that held the id.
   */
  get<T extends StripeRecord = StripeRecord>(
    type: string,
    id: string,
    options: { param?: string; noun?: string } = {},
  ): T {
    const entry = this.#objects.get(id);
    if (entry === undefined || entry.type !== type || entry.object.deleted === true) {
      throw resourceMissing(options.noun ?? type.replaceAll('_', ''), id, options.param ?? 'id');
    }
    return entry.object as T;
  }

  /** Forgets an object entirely (Stripe's deleted objects are kept with `deleted: true`). */
  remove(id: string): void {
    this.#objects.delete(id);
  }

  /** The types of the objects stored, e.g. `customer`, `invoice` (tests walk every object). */
  types(): string[] {
    return [...new Set([...this.#objects.values()].map((entry) => entry.type))];
  }

  /** All live objects of a type, oldest first. */
  all<T extends StripeRecord = StripeRecord>(type: string): T[] {
    const out: T[] = [];
    for (const entry of this.#objects.values()) {
      if (entry.type === type && entry.object.deleted !== true) out.push(entry.object as T);
    }
    return out;
  }

  /**
   * Records an event for a state change and hands it to the webhook sender. The snapshot is a
   * copy, so later changes never alter an event already recorded.
   */
  emit(
    type: string,
    object: StripeRecord,
    previousAttributes?: Record<string, unknown>,
  ): StripeRecord {
    // Events keep the order they happened in even within one second.
    const created = Math.max(this.now(), this.#lastEventCreated);
    this.#lastEventCreated = created;
    // `insert` stores a JSON copy, so the snapshot never changes with the live object.
    const event = eventShape({
      id: newId('evt'),
      created,
      type: type as Stripe.Event.Type,
      object: object as unknown as Stripe.Event['data']['object'],
      ...(previousAttributes && Object.keys(previousAttributes).length > 0
        ? { previous_attributes: previousAttributes }
        : {}),
      pending_webhooks: this.webhooks.targetsFor(type).length,
      request: { id: this.request.id, idempotency_key: this.request.idempotencyKey },
    });
    this.#pruneEvents();
    // One record for both the log and the id lookup, so `pending_webhooks` updates show in both.
    const stored = this.insert(event);
    this.#events.push(stored);
    this.webhooks.enqueue(stored);
    for (const listener of this.#listeners.get(type) ?? []) listener(object);
    return stored;
  }

  /**
   * Forgets the events past Stripe's 30-day retention, from the log and the id lookup alike, so
   * a long-running simulator does not keep every event forever. The log is in `created` order, so
   * the expired ones are at its start.
   */
  #pruneEvents(): void {
    const oldest = this.now() - EVENT_RETENTION_SECONDS;
    let expired = 0;
    while (expired < this.#events.length && (this.#events[expired]?.created as number) < oldest)
      expired++;
    for (const event of this.#events.splice(0, expired)) this.#objects.delete(event.id);
  }

  /**
   * Runs `listener` with the live object right after every `type` event, in the same request:
   * how one part of the billing engine reacts to another (an invoice to its payment settling, a
   * subscription to its invoice being paid) without the two importing each other.
   */
  listen(type: string, listener: (object: StripeRecord) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  /** Recorded events, oldest first, within Stripe's 30-day retention. */
  events(): StripeRecord[] {
    const oldest = this.now() - EVENT_RETENTION_SECONDS;
    return this.#events.filter((e) => (e.created as number) >= oldest);
  }

  /**
   * Every event recorded within retention, oldest first: events past Stripe's 30 days are pruned
   * as new ones are emitted (tests compare it with what the hub received).
   */
  allEvents(): StripeRecord[] {
    return [...this.#events];
  }

  /**
   * Stripe's cursor pagination over `items` (newest first): `limit` (1–100, default 10),
   * `starting_after` and `ending_before`, which must name an object in the list.
   */
  paginate<T extends StripeRecord>(items: T[], params: Params, url: string): ListObject<T> {
    return paginate(items, params, url, (id) => this.#objects.get(id)?.seq ?? 0);
  }
}
