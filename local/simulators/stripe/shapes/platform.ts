/**
 * Shapes of the core objects around billing (split from core.ts for size): card payment methods,
 * webhook endpoints, events and test clocks, at the pinned API version, with fixtures3.json's keys.
 */
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../../../shared/events/api-version.ts';
import { emptyBillingDetails, token, withInit } from './common.ts';

const DAY = 24 * 60 * 60;

/** fixtures3.json `payment_method`: of the per-type sub-objects only `card` is rendered. */
type PaymentMethodShape = Required<
  Pick<
    Stripe.PaymentMethod,
    | 'id'
    | 'object'
    | 'allow_redisplay'
    | 'billing_details'
    | 'card'
    | 'created'
    | 'customer'
    | 'customer_account'
    | 'livemode'
    | 'metadata'
    | 'type'
  >
>;

/** A card payment method's computed fields; `card` overrides the Visa 4242 test card's details. */
export interface PaymentMethodInit extends Partial<Omit<PaymentMethodShape, 'card'>> {
  id: string;
  created: number;
  card?: Partial<Stripe.PaymentMethod.Card>;
}

/** Card details of a test card; `fingerprint` depends on the card, not on the payment method. */
function cardDetails(created: number, card: Partial<Stripe.PaymentMethod.Card>) {
  const brand = card.brand ?? 'visa';
  const last4 = card.last4 ?? '4242';
  // Omits the SDK's optional `description`, `iin` and `issuer`, which the fixture does not have.
  const details: Stripe.PaymentMethod.Card = {
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
    country: 'US',
    display_brand: brand,
    exp_month: 12,
    exp_year: new Date(created * 1000).getUTCFullYear() + 3,
    fingerprint: token(`card:${brand}:${last4}`, 16),
    funding: 'credit',
    generated_from: null,
    last4,
    networks: { available: [brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
  return withInit(details, card);
}

/** A card payment method as `POST /v1/payment_methods` returns it (not yet attached). */
export function paymentMethodShape(init: PaymentMethodInit): Stripe.PaymentMethod {
  const { card, ...rest } = init;
  return withInit<PaymentMethodShape>(
    {
      id: init.id,
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: emptyBillingDetails(),
      card: cardDetails(init.created, card ?? {}),
      created: init.created,
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: 'card',
    },
    rest,
  );
}

/**
 * fixtures3.json `webhook_endpoint`. `secret` is only in the response that creates the endpoint,
 * so it is not part of the shape: the create handler adds it.
 */
type WebhookEndpointShape = Required<Omit<Stripe.WebhookEndpoint, 'deleted' | 'secret'>>;

/** A webhook endpoint's computed fields: where it delivers and which events. */
export interface WebhookEndpointInit extends Partial<WebhookEndpointShape> {
  id: string;
  created: number;
  url: string;
  enabled_events: string[];
}

/** A webhook endpoint as retrieved; `api_version` is null unless one was pinned at creation. */
export function webhookEndpointShape(init: WebhookEndpointInit): Stripe.WebhookEndpoint {
  return withInit<WebhookEndpointShape>(
    {
      id: init.id,
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      created: init.created,
      description: null,
      enabled_events: init.enabled_events,
      livemode: false,
      metadata: {},
      status: 'enabled',
      url: init.url,
    },
    init,
  );
}

/** The SDK's event type for an event name, e.g. `Stripe.InvoiceCreatedEvent` for `invoice.created`. */
export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

/** An event's computed fields: what happened, to which object, and (for `*.updated`) what changed. */
export interface EventInit<T extends Stripe.Event.Type> {
  id: string;
  created: number;
  type: T;
  object: EventOf<T>['data']['object'];
  /** Only `*.updated` events carry it; left out of `data` otherwise, as on Stripe. */
  previous_attributes?: EventOf<T>['data']['previous_attributes'];
  /** Defaults to the hub's pinned version; null for an account without a default version. */
  api_version?: string | null;
  livemode?: boolean;
  /** Endpoints that have not yet acknowledged it. */
  pending_webhooks?: number;
  /** The API request that caused it; an automatic action (a billing cycle) has none. */
  request?: Stripe.Event.Request | null;
}

/**
 * An event as delivered and as `GET /v1/events/:id` returns it. fixtures3.json `event` has no
 * `account` or `context` (Connect only), and `data.previous_attributes` only on updates.
 */
export function eventShape<T extends Stripe.Event.Type>(init: EventInit<T>): EventOf<T> {
  const data =
    init.previous_attributes === undefined
      ? { object: init.object }
      : { object: init.object, previous_attributes: init.previous_attributes };
  const event: Stripe.EventBase = {
    id: init.id,
    object: 'event',
    api_version: init.api_version === undefined ? STRIPE_API_VERSION : init.api_version,
    created: init.created,
    data,
    livemode: init.livemode ?? false,
    pending_webhooks: init.pending_webhooks ?? 0,
    request: init.request === undefined ? { id: null, idempotency_key: null } : init.request,
    type: init.type,
  };
  return event as EventOf<T>;
}

type TestClockShape = Required<Omit<Stripe.TestHelpers.TestClock, 'deleted'>>;

/** A test clock's computed fields: the time it is frozen at. */
export interface TestClockInit extends Partial<TestClockShape> {
  id: string;
  created: number;
  frozen_time: number;
}

/** A test clock as `POST /v1/test_helpers/test_clocks` returns it; Stripe deletes it 30 days on. */
export function testClockShape(init: TestClockInit): Stripe.TestHelpers.TestClock {
  return withInit<TestClockShape>(
    {
      id: init.id,
      object: 'test_helpers.test_clock',
      created: init.created,
      deletes_after: init.created + 30 * DAY,
      frozen_time: init.frozen_time,
      livemode: false,
      name: null,
      status: 'ready',
      status_details: {},
    },
    init,
  );
}
