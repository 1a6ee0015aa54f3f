/**
 * Whole Salesforce records read from Stripe: for a record a write only has facts about (its
 * Account when a payment arrives first), and for the parents a record points to when Salesforce
 * does not have them yet (a customer created before the hub).
 */
import type Stripe from 'stripe';
import {
  type MappingOptions,
  RECORD_KINDS,
  type RecordKind,
  type RecordWrite,
  writesFor,
} from './mapping.ts';
import { OBJECT_OF_KIND, type ProductNames, readObject } from './stripe-reads.ts';

export const recordKey = (kind: RecordKind, stripeId: string) => `${kind}:${stripeId}`;

/** A record to read: its kind and Stripe id. */
export interface RecordRef {
  kind: RecordKind;
  stripeId: string;
}

export function parentsOf(write: RecordWrite): RecordRef[] {
  return RECORD_KINDS.flatMap((kind) => {
    const stripeId = write.parents[kind];
    return stripeId === undefined ? [] : [{ kind, stripeId }];
  });
}

/** Reads records' Stripe objects and maps them whole. */
export class StripeRecords {
  readonly #stripe: () => Promise<Stripe>;
  readonly #productNames: ProductNames;
  readonly #options: MappingOptions;

  constructor(input: {
    stripe: () => Promise<Stripe>;
    productNames: ProductNames;
    options: MappingOptions;
  }) {
    this.#stripe = input.stripe;
    this.#productNames = input.productNames;
    this.#options = input.options;
  }

  /** The whole write of one record; undefined when Stripe has no such object (any more). */
  async whole(ref: RecordRef, stripeEventId: string): Promise<RecordWrite | undefined> {
    const stripe = await this.#stripe();
    const read = await readObject({
      stripe,
      objectType: OBJECT_OF_KIND[ref.kind],
      id: ref.stripeId,
      stripeEventId,
    });
    if (read === undefined || read.deleted === true) return undefined;
    const object =
      read.object === 'subscription' ? await this.#productNames.expand(stripe, read) : read;
    return writesFor({
      eventType: `${object.object}.updated`,
      object,
      options: this.#options,
    }).find((w) => w.kind === ref.kind && w.stripeId === ref.stripeId && w.complete);
  }

  /** Whole writes of these records and of everything they point to, by record key. */
  async withParents(
    wanted: readonly RecordRef[],
    stripeEventId: string,
  ): Promise<Map<string, RecordWrite>> {
    const found = new Map<string, RecordWrite>();
    const queue = [...wanted];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const next = queue.shift();
      if (next === undefined) continue;
      const key = recordKey(next.kind, next.stripeId);
      if (seen.has(key)) continue;
      seen.add(key);
      const write = await this.whole(next, stripeEventId);
      if (write === undefined) continue;
      found.set(key, write);
      queue.push(...parentsOf(write));
    }
    return found;
  }
}
