/**
 * Shapes of subscriptions and their items at the pinned API version, with fixtures3.json's keys.
 * Subscription schedules and their phases are in subscription-schedules.ts.
 */
import type Stripe from 'stripe';
import { listShape, withInit } from './common.ts';

/**
 * The legacy plan Stripe still renders beside a subscription item's price (same id, same
 * amounts). Only a recurring price has one.
 */
export function planShape(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring;
  if (!recurring)
    throw new Error(`price ${price.id} is one-time: only a recurring price has a plan`);
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: recurring.meter,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  };
}

/**
 * fixtures3.json `subscription_item`. The SDK's type requires `current_trial`, which the fixture
 * does not have, so it is left out; so is the conditional `billed_until`.
 */
type SubscriptionItemShape = Required<
  Omit<Stripe.SubscriptionItem, 'billed_until' | 'current_trial' | 'deleted'>
>;

/** What a billing engine computes for a subscription item: its price and current period. */
export interface SubscriptionItemInit extends Partial<Omit<SubscriptionItemShape, 'plan'>> {
  id: string;
  created: number;
  subscription: string;
  price: Stripe.Price;
  current_period_start: number;
  current_period_end: number;
}

/** A subscription item as embedded in `subscription.items` (with its price's `plan`). */
export function subscriptionItemShape(init: SubscriptionItemInit): Stripe.SubscriptionItem {
  const item = withInit<SubscriptionItemShape>(
    {
      id: init.id,
      object: 'subscription_item',
      billing_thresholds: null,
      created: init.created,
      current_period_end: init.current_period_end,
      current_period_start: init.current_period_start,
      discounts: [],
      metadata: {},
      plan: planShape(init.price),
      price: init.price,
      quantity: 1,
      subscription: init.subscription,
      tax_rates: [],
    },
    init,
  );
  return item as Stripe.SubscriptionItem;
}

/** fixtures3.json `subscription`: the conditional `presentment_details`, `status_details` absent. */
type SubscriptionShape = Required<
  Omit<Stripe.Subscription, 'presentment_details' | 'status_details'>
>;

/**
 * What a billing engine computes for a subscription. A `trial_end` makes it `trialing` from
 * `start_date` (which defaults to `created`) and anchors the billing cycle at the trial's end.
 */
export interface SubscriptionInit extends Partial<Omit<SubscriptionShape, 'items'>> {
  id: string;
  created: number;
  customer: string;
  currency: string;
  items: Stripe.SubscriptionItem[];
  /** Whether more items exist than `items` embeds. */
  items_has_more?: boolean;
}

/**
 * Stripe's default billing mode for new subscriptions and schedules since 2025-09-30.clover.
 * `updated_at` is conditional (the SDK marks it optional, fixtures3.json omits it).
 */
export function flexibleBillingMode(): Stripe.Subscription.BillingMode {
  return { flexible: { proration_discounts: 'included' }, type: 'flexible' };
}

/**
 * A subscription as `POST /v1/subscriptions` returns it. Where the SDK's types have fields that
 * fixtures3.json lacks (`cancellation_details.feedback_option`,
 * `trial_settings.end_behavior.billing_cycle_anchor`), the fixture's field set is used.
 */
export function subscriptionShape(init: SubscriptionInit): Stripe.Subscription {
  const { items, items_has_more = false, ...rest } = init;
  const startDate = init.start_date ?? init.created;
  const trialEnd = init.trial_end ?? null;
  return withInit<SubscriptionShape>(
    {
      id: init.id,
      object: 'subscription',
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: trialEnd ?? startDate,
      billing_cycle_anchor_config: null,
      billing_mode: flexibleBillingMode(),
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: {
        comment: null,
        feedback: null,
        reason: null,
      } as Stripe.Subscription.CancellationDetails,
      collection_method: 'charge_automatically',
      created: init.created,
      currency: init.currency,
      customer: init.customer,
      customer_account: null,
      days_until_due: null,
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      ended_at: null,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: { type: 'self' },
      },
      items: listShape(`/v1/subscription_items?subscription=${init.id}`, items, items_has_more),
      latest_invoice: null,
      livemode: false,
      managed_payments: null,
      metadata: {},
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: 'off',
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: startDate,
      status: trialEnd === null ? 'active' : 'trialing',
      test_clock: null,
      transfer_data: null,
      trial_end: trialEnd,
      trial_settings: {
        end_behavior: { missing_payment_method: 'create_invoice' },
      } as Stripe.Subscription.TrialSettings,
      trial_start: trialEnd === null ? null : startDate,
    },
    rest,
  );
}
