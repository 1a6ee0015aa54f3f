/**
 * Shapes of PaymentIntents and charges (card payments) at the pinned API version, with
 * fixtures3.json's keys. Refunds are in refunds.ts.
 */
import type Stripe from 'stripe';
import { emptyBillingDetails, listShape, token, withInit } from './common.ts';

/**
 * fixtures3.json `payment_intent`. The SDK's type requires `allowed_payment_method_types` and
 * `payment_record`, which the fixture does not have, so they are left out; so are the conditional
 * `hooks`, `payment_details` and `presentment_details`.
 */
type PaymentIntentShape = Required<
  Omit<
    Stripe.PaymentIntent,
    | 'allowed_payment_method_types'
    | 'hooks'
    | 'payment_details'
    | 'payment_record'
    | 'presentment_details'
  >
>;

/** What a billing engine computes for a PaymentIntent: what it collects and from whom. */
export interface PaymentIntentInit extends Partial<PaymentIntentShape> {
  id: string;
  created: number;
  amount: number;
  currency: string;
}

/**
 * A card PaymentIntent as the simulator's invoices create it (no automatic payment methods).
 * `amount_received` follows a `succeeded` status; `client_secret` derives from the id.
 */
export function paymentIntentShape(init: PaymentIntentInit): Stripe.PaymentIntent {
  const status = init.status ?? 'requires_payment_method';
  const intent = withInit<PaymentIntentShape>(
    {
      id: init.id,
      object: 'payment_intent',
      amount: init.amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: status === 'succeeded' ? init.amount : 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic_async',
      client_secret: `${init.id}_secret_${token(`payment_intent:${init.id}`, 25)}`,
      confirmation_method: 'automatic',
      created: init.created,
      currency: init.currency,
      customer: null,
      customer_account: null,
      description: null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: {},
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: {
        card: {
          installments: null,
          mandate_options: null,
          network: null,
          request_three_d_secure: 'automatic',
        },
      },
      payment_method_types: ['card'],
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status,
      transfer_data: null,
      transfer_group: null,
    },
    init,
  );
  return intent as Stripe.PaymentIntent;
}

/**
 * fixtures3.json `charge`: the SDK's conditional `authorization_code`, `level3`,
 * `presentment_details`, `radar_options` and `transfer` are absent. `refunds` is in the fixture
 * (the SDK marks it optional, as Stripe renders it only when expanded), so it is kept.
 */
type ChargeShape = Required<
  Omit<
    Stripe.Charge,
    'authorization_code' | 'level3' | 'presentment_details' | 'radar_options' | 'transfer'
  >
>;

/** The fixture's card details: without the SDK's `electronic_commerce_indicator`. */
type ChargeCard = Omit<Stripe.Charge.PaymentMethodDetails.Card, 'electronic_commerce_indicator'>;

/**
 * What a billing engine computes for a card charge. `status` (default `succeeded`) sets `paid`,
 * `captured`, `outcome` and the failure fields; `refunds` sets `amount_refunded` and `refunded`;
 * `card` overrides the Visa 4242 test card's details.
 */
export interface ChargeInit extends Partial<Omit<ChargeShape, 'refunds'>> {
  id: string;
  created: number;
  amount: number;
  currency: string;
  payment_method: string;
  card?: Partial<ChargeCard>;
  refunds?: Stripe.Refund[];
}

/** The card's details on a charge; the fingerprint depends on the card, as on the payment method. */
function chargeCard(init: ChargeInit): ChargeCard {
  const brand = init.card?.brand ?? 'visa';
  const last4 = init.card?.last4 ?? '4242';
  const card: ChargeCard = {
    amount_authorized: init.amount,
    authorization_code: null,
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
    country: 'US',
    exp_month: 12,
    exp_year: new Date(init.created * 1000).getUTCFullYear() + 3,
    extended_authorization: { status: 'disabled' },
    fingerprint: token(`card:${brand}:${last4}`, 16),
    funding: 'credit',
    incremental_authorization: { status: 'unavailable' },
    installments: null,
    last4,
    mandate: null,
    multicapture: { status: 'unavailable' },
    network: brand,
    network_token: { used: false },
    network_transaction_id: null,
    overcapture: { maximum_amount_capturable: init.amount, status: 'unavailable' },
    regulated_status: 'unregulated',
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
  return withInit(card, init.card ?? {});
}

/** What the network said: approved for a succeeded charge, a generic decline for a failed one. */
function outcomeOf(status: Stripe.Charge.Status): Stripe.Charge.Outcome | null {
  const outcome = { advice_code: null, network_advice_code: null, network_decline_code: null };
  if (status === 'succeeded') {
    return {
      ...outcome,
      network_status: 'approved_by_network',
      reason: null,
      seller_message: 'Payment complete.',
      type: 'authorized',
    };
  }
  if (status === 'failed') {
    return {
      ...outcome,
      network_status: 'declined_by_network',
      reason: 'generic_decline',
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
  }
  return null;
}

/** A card charge as `GET /v1/charges/:id` returns it (refunds embedded, as in the fixture). */
export function chargeShape(init: ChargeInit): Stripe.Charge {
  const { refunds = [], card: _card, ...rest } = init;
  const status = init.status ?? 'succeeded';
  const succeeded = status === 'succeeded';
  const failed = status === 'failed';
  const amountRefunded =
    init.amount_refunded ??
    refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
  return withInit<ChargeShape>(
    {
      id: init.id,
      object: 'charge',
      amount: init.amount,
      amount_captured: succeeded ? init.amount : 0,
      amount_refunded: amountRefunded,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: succeeded ? `txn_${token(`charge:${init.id}`, 24)}` : null,
      billing_details: emptyBillingDetails(),
      calculated_statement_descriptor: null,
      captured: succeeded,
      created: init.created,
      currency: init.currency,
      customer: null,
      description: null,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: failed ? 'card_declined' : null,
      failure_message: failed ? 'Your card was declined.' : null,
      fraud_details: {},
      livemode: false,
      metadata: {},
      on_behalf_of: null,
      outcome: outcomeOf(status),
      paid: succeeded,
      payment_intent: null,
      payment_method: init.payment_method,
      payment_method_details: {
        card: chargeCard(init),
        type: 'card',
      } as Stripe.Charge.PaymentMethodDetails,
      receipt_email: null,
      receipt_number: null,
      receipt_url: succeeded
        ? `https://pay.stripe.com/receipts/payment/${token(`receipt:${init.id}`, 96)}`
        : null,
      refunded: init.amount > 0 && amountRefunded >= init.amount,
      refunds: listShape(`/v1/charges/${init.id}/refunds`, refunds),
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status,
      transfer_data: null,
      transfer_group: null,
    },
    rest,
  );
}
