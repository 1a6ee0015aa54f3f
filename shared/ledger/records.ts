/**
 * The ledger's record types and key layout (DESIGN §4). One table holds every event, every
 * delivery of it to a connector, and the last version applied per connector and object, so the
 * history of any event or object is one query.
 */
import type { ConnectorName } from '../connectors.ts';
import type { ClassifiedError } from '../errors.ts';

/** Delivery statuses. PENDING covers "enqueued" and "failed, will be retried". */
export const DELIVERY_STATUS = {
  PENDING: 'PENDING',
  SUCCEEDED: 'SUCCEEDED',
  SKIPPED_STALE: 'SKIPPED_STALE',
  FAILED: 'FAILED',
  DEAD: 'DEAD',
} as const;

export type DeliveryStatus = (typeof DELIVERY_STATUS)[keyof typeof DELIVERY_STATUS];

/** Statuses that need attention; only these are on the status index (it is sparse). */
export const ATTENTION_STATUSES = [
  DELIVERY_STATUS.PENDING,
  DELIVERY_STATUS.FAILED,
  DELIVERY_STATUS.DEAD,
] as const;

export type AttentionStatus = (typeof ATTENTION_STATUSES)[number];

/** Outcomes after which a delivery is never applied again. */
export const SETTLED_STATUSES: readonly DeliveryStatus[] = [
  DELIVERY_STATUS.SUCCEEDED,
  DELIVERY_STATUS.SKIPPED_STALE,
];

/** Where the raw event body is kept when it is too large to sit in the ledger item. */
export interface PayloadRef {
  bucket: string;
  key: string;
}

/** `EVENT#<evt>` / `EVENT`: one Stripe event as received. */
export interface EventRecord {
  pk: string;
  sk: 'EVENT';
  entity: 'event';
  eventId: string;
  type: string;
  created: number;
  livemode: boolean;
  /** The Stripe API version the event was rendered with (null for some account-level events). */
  apiVersion: string | null;
  /** The object the event is about (`in_…` for `invoice.paid`), when it has an id. */
  objectId?: string;
  objectSk?: string;
  /** Every object the event concerns; the event is indexed under each. */
  relatedIds: string[];
  receivedAt: string;
  routes: ConnectorName[];
  /** The raw body exactly as received, or a pointer to it in S3. */
  payload?: string;
  payloadRef?: PayloadRef;
  payloadBytes: number;
  /** Connectors whose message is known to be on its queue (written after the fan-out). */
  enqueuedTo?: ConnectorName[];
  expiresAt: number;
}

/** `EVENT#<evt>` / `DELIVERY#<connector>`: what happened when one connector took the event. */
export interface DeliveryRecord {
  pk: string;
  sk: string;
  entity: 'delivery';
  eventId: string;
  connector: ConnectorName;
  status: DeliveryStatus;
  attempts: number;
  lastError?: ClassifiedError;
  /** Ids of what the connector wrote in the target system (Salesforce Account 001…, …). */
  targetIds?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** Until when (epoch ms) one consumer holds the delivery; others leave it alone meanwhile. */
  leaseUntil?: number;
  /** Index keys of the sparse status index; absent once the delivery is settled. */
  deliveryStatus?: DeliveryStatus;
  statusSk?: string;
  expiresAt: number;
}

/** `EVENT#<evt>` / `REF#<object id>`: indexes the event under a related object. */
export interface RefRecord {
  pk: string;
  sk: string;
  entity: 'ref';
  eventId: string;
  type: string;
  created: number;
  objectId: string;
  objectSk: string;
  expiresAt: number;
}

/** `OBJECT#<connector>#<object id>` / `VERSION`: the newest event applied to that object. */
export interface VersionRecord {
  pk: string;
  sk: 'VERSION';
  entity: 'version';
  connector: ConnectorName;
  objectId: string;
  created: number;
  eventId: string;
  appliedAt: string;
  /** While an event is being applied to the object: which, and until when (epoch ms). */
  lockedBy?: string;
  lockedUntil?: number;
  expiresAt: number;
}

/** Key builders of every record type. The only place the key layout is spelled out. */
export const keys = {
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' as const }),
  delivery: (eventId: string, connector: ConnectorName) => ({
    pk: `EVENT#${eventId}`,
    sk: `DELIVERY#${connector}`,
  }),
  ref: (eventId: string, objectId: string) => ({ pk: `EVENT#${eventId}`, sk: `REF#${objectId}` }),
  version: (connector: ConnectorName, objectId: string) => ({
    pk: `OBJECT#${connector}#${objectId}`,
    sk: 'VERSION' as const,
  }),
  /** Sorts an object's events by creation time, then id (Stripe's `created` is in seconds). */
  objectSk: (created: number, eventId: string) => `${String(created).padStart(12, '0')}#${eventId}`,
  statusSk: (updatedAt: string, eventId: string, connector: ConnectorName) =>
    `${updatedAt}#${eventId}#${connector}`,
  /** The event id back from an `EVENT#<evt>` partition key (what a keys-only index returns). */
  eventIdOf: (pk: string) => pk.slice('EVENT#'.length),
};
