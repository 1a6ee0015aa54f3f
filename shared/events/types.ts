/**
 * The Stripe event as the hub handles it: only the fields every part of the hub relies on are
 * typed; the rest of the snapshot travels untouched to the connectors.
 */
import { RejectedRequestError } from '../errors.ts';

/** A Stripe object inside an event snapshot. */
export interface StripeObject {
  id?: string;
  object: string;
  [field: string]: unknown;
}

/** A Stripe webhook event (`object: "event"`), as delivered to a webhook endpoint. */
export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  api_version: string | null;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  [field: string]: unknown;
}

function notAnEvent(message: string): RejectedRequestError {
  return new RejectedRequestError({
    statusCode: 400,
    reason: 'not_a_stripe_event',
    message: `The body is not a Stripe event: ${message}. Send the event exactly as Stripe delivered it.`,
  });
}

/**
 * Checks that a parsed body has the shape of a Stripe event. Throws a 400-class
 * {@link RejectedRequestError} naming the first field that is wrong.
 */
export function assertStripeEvent(value: unknown): StripeEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw notAnEvent('it is not a JSON object');
  }
  const e = value as Record<string, unknown>;
  if (e.object !== 'event') throw notAnEvent('"object" is not "event"');
  if (typeof e.id !== 'string' || !e.id.startsWith('evt_')) {
    throw notAnEvent('"id" is not an event id (evt_…)');
  }
  if (typeof e.type !== 'string' || e.type === '') throw notAnEvent('"type" is missing');
  if (typeof e.created !== 'number' || !Number.isInteger(e.created)) {
    throw notAnEvent('"created" is not a Unix timestamp');
  }
  if (typeof e.livemode !== 'boolean') throw notAnEvent('"livemode" is not a boolean');
  if (e.api_version !== null && e.api_version !== undefined && typeof e.api_version !== 'string') {
    throw notAnEvent('"api_version" is not a string');
  }
  const data = e.data as Record<string, unknown> | undefined;
  const object = data?.object as Record<string, unknown> | undefined;
  if (typeof object !== 'object' || object === null || typeof object.object !== 'string') {
    throw notAnEvent('"data.object" is not a Stripe object');
  }
  if (e.api_version === undefined) e.api_version = null;
  return value as StripeEvent;
}

const STRIPE_ID = /^[a-z][a-z0-9]*_[A-Za-z0-9_]+$/;

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return STRIPE_ID.test(value) ? value : undefined;
  if (typeof value === 'object' && value !== null) {
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' && STRIPE_ID.test(id) ? id : undefined;
  }
  return undefined;
}

/** The id of the object the event is about (`in_…` for `invoice.paid`). */
export function primaryObjectId(event: StripeEvent): string | undefined {
  return idOf(event.data.object.id);
}

/** Fields that link an object to the customer, subscription, invoice and payment it belongs to. */
const RELATED_FIELDS = ['customer', 'subscription', 'invoice', 'payment_intent', 'charge'] as const;

/**
 * Every Stripe object the event concerns: its own object first, then the customer,
 * subscription, invoice and payment it belongs to. The ledger indexes the event under each,
 * so the history of a customer includes its invoices' events.
 */
export function relatedObjectIds(event: StripeEvent): string[] {
  const object = event.data.object;
  const ids = new Set<string>();
  const primary = primaryObjectId(event);
  if (primary) ids.add(primary);
  for (const field of RELATED_FIELDS) {
    const id = idOf(object[field]);
    if (id) ids.add(id);
  }
  // Since API version 2025-03-31 an invoice names its subscription under `parent`, and an
  // invoice payment names its payment intent under `payment`.
  const parent = object.parent as { subscription_details?: { subscription?: unknown } } | undefined;
  const parentSubscription = idOf(parent?.subscription_details?.subscription);
  if (parentSubscription) ids.add(parentSubscription);
  const payment = object.payment as { payment_intent?: unknown; charge?: unknown } | undefined;
  for (const value of [payment?.payment_intent, payment?.charge]) {
    const id = idOf(value);
    if (id) ids.add(id);
  }
  return [...ids];
}
