/**
 * What webhook deliveries go to and how they may misbehave: endpoint targets and Stripe's
 * `enabled_events` matching, delivery chaos for robustness tests, and the seeded random source
 * that makes chaos replayable.
 */

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

/** A seeded pseudo-random source (mulberry32): the same seed gives the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Whether an endpoint's `enabled_events` include this event type. Anything in the list that is
 * not a string matches nothing, so a malformed list can never break event emission.
 */
export function endpointWants(enabledEvents: readonly unknown[], type: string): boolean {
  return enabledEvents.some(
    (pattern) =>
      typeof pattern === 'string' &&
      (pattern === '*' ||
        pattern === type ||
        (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)))),
  );
}
