/**
 * Shapes of subscription schedules and their phases at the pinned API version (split from
 * subscriptions.ts for size), with fixtures3.json's keys.
 */
import type Stripe from 'stripe';
import { withInit } from './common.ts';
import { flexibleBillingMode } from './subscriptions.ts';

type PhaseItemShape = Required<Stripe.SubscriptionSchedule.Phase.Item>;

/** A phase item's price (its id is also the legacy `plan`). */
export interface SchedulePhaseItemInit extends Partial<PhaseItemShape> {
  price: string;
}

/** An item of a subscription schedule phase: prices and plans by id, as Stripe renders them. */
export function schedulePhaseItemShape(
  init: SchedulePhaseItemInit,
): Stripe.SubscriptionSchedule.Phase.Item {
  return withInit<PhaseItemShape>(
    {
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: init.price,
      price: init.price,
      quantity: 1,
      tax_rates: [],
    },
    init,
  );
}

/** fixtures3.json phases: the SDK's conditional `automatic_tax` and `trial` are not rendered. */
type PhaseShape = Required<Omit<Stripe.SubscriptionSchedule.Phase, 'automatic_tax' | 'trial'>>;

/** What a billing engine computes for a schedule phase: when it runs and what it bills. */
export interface SchedulePhaseInit extends Partial<PhaseShape> {
  start_date: number;
  end_date: number;
  currency: string;
  items: Stripe.SubscriptionSchedule.Phase.Item[];
}

/** A phase of a subscription schedule, settings inherited from the schedule (nulls). */
export function schedulePhaseShape(init: SchedulePhaseInit): Stripe.SubscriptionSchedule.Phase {
  return withInit<PhaseShape>(
    {
      add_invoice_items: [],
      application_fee_percent: null,
      billing_cycle_anchor: null,
      billing_thresholds: null,
      collection_method: null,
      currency: init.currency,
      default_payment_method: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      end_date: init.end_date,
      invoice_settings: null,
      items: init.items,
      metadata: {},
      on_behalf_of: null,
      proration_behavior: 'create_prorations',
      start_date: init.start_date,
      transfer_data: null,
      trial_end: null,
    },
    init,
  );
}

/**
 * fixtures3.json `subscription_schedule`. The SDK's type requires `pause_schedules`, which the
 * fixture does not have, so it is left out.
 */
type SubscriptionScheduleShape = Required<Omit<Stripe.SubscriptionSchedule, 'pause_schedules'>>;

/** What a billing engine computes for a schedule: its customer and phases. */
export interface SubscriptionScheduleInit extends Partial<SubscriptionScheduleShape> {
  id: string;
  created: number;
  customer: string;
  phases: Stripe.SubscriptionSchedule.Phase[];
}

/** A schedule as `POST /v1/subscription_schedules` returns it; `not_started` until it starts. */
export function subscriptionScheduleShape(
  init: SubscriptionScheduleInit,
): Stripe.SubscriptionSchedule {
  const schedule = withInit<SubscriptionScheduleShape>(
    {
      id: init.id,
      object: 'subscription_schedule',
      application: null,
      billing_mode: flexibleBillingMode(),
      canceled_at: null,
      completed_at: null,
      created: init.created,
      current_phase: null,
      customer: init.customer,
      customer_account: null,
      default_settings: {
        application_fee_percent: null,
        automatic_tax: { disabled_reason: null, enabled: false, liability: null },
        billing_cycle_anchor: 'automatic',
        billing_thresholds: null,
        collection_method: 'charge_automatically',
        default_payment_method: null,
        description: null,
        invoice_settings: {
          account_tax_ids: null,
          custom_fields: null,
          days_until_due: null,
          description: null,
          footer: null,
          issuer: { type: 'self' },
        },
        on_behalf_of: null,
        transfer_data: null,
      },
      end_behavior: 'release',
      livemode: false,
      metadata: {},
      phases: init.phases,
      released_at: null,
      released_subscription: null,
      status: 'not_started',
      subscription: null,
      test_clock: null,
    },
    init,
  );
  return schedule as Stripe.SubscriptionSchedule;
}
