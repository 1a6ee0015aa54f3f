/**
 * The vocabulary of the Salesforce mapping: which records the connector writes and what one write
 * says about a record, in logical terms (the keys of `field-map.json`, not Salesforce field names).
 */

/** The Salesforce records the connector writes, parents before children (the order sync writes them). */
export const RECORD_KINDS = ['account', 'subscription', 'invoice', 'payment'] as const;

export type RecordKind = (typeof RECORD_KINDS)[number];

/** A value as Salesforce takes it; `null` clears the field. */
export type SalesforceValue = string | number | boolean | null;

/** One record write, in logical terms (field-map keys), keyed by the Stripe id. */
export interface RecordWrite {
  kind: RecordKind;
  /** The Stripe id the record is upserted by: cus_…, sub_…, in_…, pi_…. */
  stripeId: string;
  /** Logical keys, e.g. `{ name: 'Ada', balance: -500 }`. */
  values: Readonly<Record<string, SalesforceValue>>;
  /** The Stripe ids of the records this one points to, e.g. `{ account: 'cus_1', subscription: 'sub_1' }`. */
  parents: Readonly<Partial<Record<RecordKind, string>>>;
  /**
   * true when the values describe the whole record (from the Stripe object itself) and can create
   * it; false for facts about a record from another object (a payment's outcome on the Account),
   * which must not create a nameless record.
   */
  complete: boolean;
}

/** Settings that change how values are rendered. */
export interface MappingOptions {
  /** Dashboard links point at live data (`https://dashboard.stripe.com/…`) or test data (`…/test/…`). */
  livemode: boolean;
}

/** A Stripe object as a webhook snapshot or an API answer carries it. */
export type MappableObject = { object: string; id: string } & Record<string, unknown>;

/** What a per-object mapper receives. */
export interface MapperInput {
  eventType: string;
  object: MappableObject;
  options: MappingOptions;
  /** When the event happened (Unix seconds), for "last payment" dates; absent when unknown. */
  eventCreated?: number;
}

/** Maps one Stripe object type to its record writes. Pure. */
export type Mapper = (input: MapperInput) => RecordWrite[];
