/**
 * Webhooks out: every event goes to each enabled endpoint whose `enabled_events` match, signed
 * with `Stripe-Signature` (v1, by the Stripe SDK's signer), and non-2xx answers are retried on
 * a schedule like Stripe's. For robustness tests it can also delay, reorder and duplicate
 * deliveries, deterministically from a seed. Memory stays bounded however long it runs: only the
 * last {@link MAX_DELIVERY_ATTEMPTS} attempts are kept, and an event is forgotten once each of
 * its deliveries has been acknowledged or has given up.
 */
import Stripe from 'stripe';
import {
  type DeliveryChaos,
  endpointWants,
  seededRandom,
  type WebhookEndpointTarget,
} from './webhook-targets.ts';

/** Re-exported: the server and resource modules import them from here. */
export {
  type DeliveryChaos,
  endpointWants,
  type WebhookEndpointTarget,
} from './webhook-targets.ts';

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

/** How a {@link WebhookSender} delivers. */
export interface WebhookSenderOptions {
  /**
   * Waits between attempts after a failure. Stripe retries for up to three days with an
   * exponential back-off; tests pass milliseconds.
   */
  retryScheduleMs?: number[];
  chaos?: DeliveryChaos;
  /** How many deliveries may be in flight at once (Stripe sends concurrently; 1 keeps order). */
  concurrency?: number;
  /** How long one attempt may take before it counts as failed (default 10 s). */
  timeoutMs?: number;
  /** How many of the latest attempts {@link WebhookSender.attempts} keeps (default 10,000). */
  maxAttempts?: number;
  /** Called after every attempt, kept or not. */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

/** How many delivery attempts a sender keeps by default, oldest dropped first. */
export const MAX_DELIVERY_ATTEMPTS = 10_000;

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

/** An event whose deliveries are still going: per endpoint, its copies not yet finished. */
interface Unsettled {
  copies: Map<string, number>;
  /** Endpoints that have not acknowledged it, those that gave up included (Stripe's count). */
  pending: number;
}

/** Delivers events to webhook endpoints; one per simulator. */
export class WebhookSender {
  /** Where events go; the world keeps it in step with the `webhook_endpoint` objects. */
  readonly endpoints: WebhookEndpointTarget[] = [];
  /** The latest attempts, oldest first: at most `maxAttempts` (10,000 by default). */
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
  readonly #maxAttempts: number;
  readonly #onAttempt: ((attempt: DeliveryAttempt) => void) | undefined;
  /** Aborts every attempt in flight when the sender stops. */
  readonly #abort = new AbortController();
  /** Events with deliveries queued, in flight or waiting to retry; forgotten once all end. */
  readonly #unsettled = new Map<string, Unsettled>();
  /**
   * Called when an endpoint acknowledges an event, with how many endpoints still have not (for
   * `pending_webhooks`). An endpoint that never answers 2xx keeps counting, as on Stripe.
   */
  onSettled: ((eventId: string, pending: number) => void) | undefined;

  constructor(options: WebhookSenderOptions = {}) {
    this.#retryScheduleMs = options.retryScheduleMs ?? STRIPE_RETRY_SCHEDULE_MS;
    this.#concurrency = options.concurrency ?? 1;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxAttempts = options.maxAttempts ?? MAX_DELIVERY_ATTEMPTS;
    this.#onAttempt = options.onAttempt;
    this.#chaos = options.chaos ?? {};
    this.#random = seededRandom(this.#chaos.seed ?? 1);
  }

  /** Changes the misbehaviour for deliveries enqueued from now on. */
  setChaos(chaos: DeliveryChaos): void {
    this.#chaos = chaos;
    this.#random = seededRandom(chaos.seed ?? 1);
    this.#windowClosesAt = 0;
  }

  /** The misbehaviour in force (a copy). */
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
    const unsettled: Unsettled = { copies: new Map(), pending: targets.length };
    for (const endpoint of targets) {
      const copies = this.#random() < (this.#chaos.duplicateRate ?? 0) ? 2 : 1;
      unsettled.copies.set(endpoint.id, copies);
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
      }
    }
    if (targets.length > 0) this.#unsettled.set(event.id, unsettled);
    return targets.length;
  }

  /** Resolves once nothing is queued or in flight (retries included). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** How many events still have deliveries queued, in flight or waiting to retry. */
  get unsettled(): number {
    return this.#unsettled.size;
  }

  /** How many deliveries are queued or in flight. */
  get backlog(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Drops what is queued, aborts what is in flight, and stops sending. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    this.#unsettled.clear();
    this.#abort.abort();
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
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#timeoutMs)]),
      });
      attempt.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
    }
    if (this.#stopped) return; // Aborted by stop(): not an attempt the endpoint saw fail.
    this.attempts.push(attempt);
    if (this.attempts.length > this.#maxAttempts) {
      this.attempts.splice(0, this.attempts.length - this.#maxAttempts);
    }
    this.#onAttempt?.(attempt);
    const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const wait = this.#retryScheduleMs[delivery.attempt - 1];
    if (!ok && wait !== undefined) {
      this.#push({ ...delivery, attempt: delivery.attempt + 1, dueAt: Date.now() + wait });
      return;
    }
    this.#finish(event.id, endpoint.id, ok);
  }

  /**
   * One copy of a delivery is done: acknowledged, or out of retries. An acknowledgement lowers
   * the event's `pending_webhooks`; a copy that gave up leaves it counted, as Stripe does. The
   * event is forgotten once no copy for any endpoint is left.
   */
  #finish(eventId: string, endpointId: string, ok: boolean): void {
    const unsettled = this.#unsettled.get(eventId);
    const copies = unsettled?.copies.get(endpointId);
    if (unsettled === undefined || copies === undefined) return; // Another copy settled it.
    if (ok) {
      unsettled.copies.delete(endpointId);
      unsettled.pending--;
      this.onSettled?.(eventId, unsettled.pending);
    } else if (copies > 1) {
      unsettled.copies.set(endpointId, copies - 1);
    } else {
      unsettled.copies.delete(endpointId);
    }
    if (unsettled.copies.size === 0) this.#unsettled.delete(eventId);
  }
}
