/**
 * Stripe test data: the fixtures in test/fixtures, event factories built on Stripe's current object
 * shapes, and signing with the Stripe SDK's own test signer.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../shared/events/api-version.ts';
import type { StripeEvent, StripeObject } from '../../shared/events/types.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The 71 real webhook events (API version 2020-03-02) from test/fixtures/stripe-events (copied from the shared fixtures, Apache-2.0). */
export function fixtureEvents(): { file: string; event: StripeEvent; raw: string }[] {
  const dir = join(FIXTURES, 'stripe-events');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(dir, file), 'utf8');
      return { file, event: JSON.parse(raw) as StripeEvent, raw };
    });
}

let openapi: Record<string, StripeObject> | undefined;

/** Stripe's own example of a resource at the current API version (fixtures3.json). */
export function openapiObject(resource: string): StripeObject {
  openapi ??= (
    JSON.parse(readFileSync(join(FIXTURES, 'stripe-openapi', 'fixtures3.json'), 'utf8')) as {
      resources: Record<string, StripeObject>;
    }
  ).resources;
  const object = openapi[resource];
  if (!object) throw new Error(`fixtures3.json has no resource "${resource}"`);
  return structuredClone(object);
}

export function eventId(): string {
  return `evt_test${randomBytes(10).toString('hex')}`;
}

/** A Stripe event around `object`, at the API version the hub declares unless told otherwise. */
export function buildEvent(options: {
  type: string;
  object: StripeObject;
  id?: string;
  created?: number;
  livemode?: boolean;
  apiVersion?: string | null;
}): StripeEvent {
  return {
    id: options.id ?? eventId(),
    object: 'event',
    api_version: options.apiVersion === undefined ? STRIPE_API_VERSION : options.apiVersion,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object: options.object },
    livemode: options.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: options.type,
  };
}

/** The `Stripe-Signature` header Stripe would send, made by the SDK's test signer. */
export function sign(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

export function newSecret(): string {
  return `whsec_${randomBytes(16).toString('hex')}`;
}
