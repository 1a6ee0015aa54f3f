/**
 * Webhooks out: every event goes to each enabled endpoint whose `enabled_events` match, signed
 * with `Stripe-Signature` (v1, by the Stripe SDK's signer), and non-2xx answers are retried on
 * a schedule like Stripe's. For robustness tests it can also delay, reorder and duplicate
 * deliveries, deterministically from a seed.
 */
import Stripe from 'stripe';

/** Where events go, with the endpoint's signing secret. */
export interface WebhookEndpointTarget {
  id: string;
  url: string;
  secret: string;
  /** Event types, with `*` for all; `invoice.*`-style wildcards as Stripe allows. */
  enabledEvents: string[];
  enabled: boolean;
}

/** Misbehaviour to ask for, so the hub's robustness can be tested. */
export interface DeliveryChaos {
  /** Wait this long before the first attempt of every delivery. */
  delayMs?: number;
  /**
   * Deliveries enqueued within this many ms of the first one are held until the window closes,
   * then sent in a random order (from `seed`), so later events overtake earlier ones.
   */
  reorderWindowMs?: number;
  /** The share of events (0…1) delivered twice. */
  duplicateRate?: number;
  /** Seed of the random choices above, so a failing test can be replayed. */
  seed?: number;
}

/** One attempt to deliver an event, as Stripe shows under the endpoint's attempts. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  endpointId: string;
  attempt: number;
  at: number;
  status: number | null;
  error?: string;
}

export interface WebhookSenderOptions {
  /**
   * Waits between attempts after a failure. Stripe retries for up to three days with an
   * exponential back-off; tests pass milliseconds.
   */
  retryScheduleMs?: number[];
  chaos?: DeliveryChaos;
  /** How many deliveries may be in flight at once (Stripe sends concurrently; 1 keeps order). */
  concurrency?: number;
  timeoutMs?: number;
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

/** Stripe's live schedule, roughly: minutes, then hours, for about three days. */
export const STRIPE_RETRY_SCHEDULE_MS = [
  60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 36_000_000, 36_000_000,
  36_000_000,
];

interface Delivery {
  seq: number;
  dueAt: number;
  /** Order among deliveries due at the same time (random within a reorder window). */
  rank: number;
  attempt: number;
  endpoint: WebhookEndpointTarget;
  event: { id: string; type: string };
  payload: string;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Whether an endpoint's `enabled_events` include this event type. */
export function endpointWants(enabledEvents: string[], type: string): boolean {
  return enabledEvents.some(
    (pattern) =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

/** Delivers events to webhook endpoints; one per simulator. */
export class WebhookSender {
  readonly endpoints: WebhookEndpointTarget[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  #queue: Delivery[] = [];
  #inFlight = 0;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  #stopped = false;
  #random: () => number;
  #chaos: DeliveryChaos;
  /** When the current reorder window closes (ms since the epoch). */
  #windowClosesAt = 0;
  readonly #retryScheduleMs: number[];
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #onAttempt: ((attempt: DeliveryAttempt) => void) | undefined;
  /** Per event, the endpoints that have not yet acknowledged it with a 2xx. */
  readonly #pending = new Map<string, Set<string>>();
  /**
   * Called when an endpoint acknowledges an event, with how many endpoints still have not (for
   * `pending_webhooks`). An endpoint that never answers 2xx keeps counting, as on Stripe.
   */
  onSettled: ((eventId: string, pending: number) => void) | undefined;

  constructor(options: WebhookSenderOptions = {}) {
    this.#retryScheduleMs = options.retryScheduleMs ?? STRIPE_RETRY_SCHEDULE_MS;
    this.#concurrency = options.concurrency ?? 1;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#onAttempt = options.onAttempt;
    this.#chaos = options.chaos ?? {};
    this.#random = mulberry32(this.#chaos.seed ?? 1);
  }

  /** Changes the misbehaviour for deliveries enqueued from now on. */
  setChaos(chaos: DeliveryChaos): void {
    this.#chaos = chaos;
    this.#random = mulberry32(chaos.seed ?? 1);
    this.#windowClosesAt = 0;
  }

  get chaos(): DeliveryChaos {
    return { ...this.#chaos };
  }

  /** The enabled endpoints that want events of this type. */
  targetsFor(type: string): WebhookEndpointTarget[] {
    return this.endpoints.filter((e) => e.enabled && endpointWants(e.enabledEvents, type));
  }

  /** Queues the event for every endpoint that wants it; returns how many endpoints that is. */
  enqueue(event: { id: string; [field: string]: unknown }): number {
    const type = String(event.type);
    const targets = this.targetsFor(type);
    // Stripe sends the event pretty-printed; the hub must verify the exact bytes.
    const payload = JSON.stringify(event, null, 2);
    // A reorder window is anchored at its first delivery and all of it is sent when it closes,
    // so the order depends on the seed only, not on how fast the events came in.
    const now = Date.now();
    const window = this.#chaos.reorderWindowMs ?? 0;
    if (window > 0 && now >= this.#windowClosesAt) this.#windowClosesAt = now + window;
    const sendAt = (window > 0 ? this.#windowClosesAt : now) + (this.#chaos.delayMs ?? 0);
    for (const endpoint of targets) {
      const copies = this.#random() < (this.#chaos.duplicateRate ?? 0) ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const rank = window > 0 ? this.#random() : 0;
        this.#push({
          seq: this.#seq++,
          dueAt: sendAt,
          rank,
          attempt: 1,
          endpoint,
          event: { id: event.id, type },
          payload,
        });
        this.#pending.set(event.id, (this.#pending.get(event.id) ?? new Set()).add(endpoint.id));
      }
    }
    return targets.length;
  }

  /** Resolves once nothing is queued or in flight (retries included). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** How many deliveries are queued or in flight. */
  get backlog(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Drops what is queued and stops sending. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    this.#settleIdle();
  }

  #push(delivery: Delivery): void {
    this.#queue.push(delivery);
    this.#queue.sort((a, b) => a.dueAt - b.dueAt || a.rank - b.rank || a.seq - b.seq);
    this.#pump();
  }

  #pump(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const next = this.#queue[0];
      if (next === undefined) break;
      const wait = next.dueAt - Date.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#pump(), wait);
        this.#timer.unref();
        return;
      }
      this.#queue.shift();
      this.#inFlight++;
      void this.#send(next).finally(() => {
        this.#inFlight--;
        this.#pump();
        this.#settleIdle();
      });
    }
  }

  #settleIdle(): void {
    if (this.#queue.length > 0 || this.#inFlight > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #send(delivery: Delivery): Promise<void> {
    const { endpoint, payload, event } = delivery;
    const attempt: DeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      endpointId: endpoint.id,
      attempt: delivery.attempt,
      at: Date.now(),
      status: null,
    };
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: endpoint.secret,
          }),
        },
        body: payload,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      attempt.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
    }
    this.attempts.push(attempt);
    this.#onAttempt?.(attempt);
    const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const wait = this.#retryScheduleMs[delivery.attempt - 1];
    if (!ok && wait !== undefined && !this.#stopped) {
      this.#push({ ...delivery, attempt: delivery.attempt + 1, dueAt: Date.now() + wait });
      return;
    }
    if (!ok) return;
    const waiting = this.#pending.get(event.id);
    if (waiting === undefined || !waiting.delete(endpoint.id)) return; // A duplicate copy.
    if (waiting.size === 0) this.#pending.delete(event.id);
    this.onSettled?.(event.id, waiting.size);
  }
}
