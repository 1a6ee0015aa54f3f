/**
 * Shapes of invoice items and invoice payments at the pinned API version (split from billing.ts
 * for size), with fixtures3.json's keys.
 */
import type Stripe from 'stripe';
import { pricingOf } from './billing.ts';
import { decimal, withInit } from './common.ts';

/**
 * fixtures3.json `invoiceitem`: the SDK's conditional `frozen_fields`, `invoicing_rules` and
 * `proration_details` are not in it; `net_amount` (optional in the SDK) is.
 */
type InvoiceItemShape = Required<
  Omit<Stripe.InvoiceItem, 'deleted' | 'frozen_fields' | 'invoicing_rules' | 'proration_details'>
>;

/**
 * What a billing engine computes for a pending invoice item. `price` sets `pricing`;
 * `subscription` (and `subscription_item`) set `parent`. The period defaults to `date`.
 */
export interface InvoiceItemInit extends Partial<InvoiceItemShape> {
  id: string;
  date: number;
  customer: string;
  currency: string;
  amount: number;
  price?: Stripe.Price | null;
  subscription?: string;
  subscription_item?: string;
}

/** An invoice item as `POST /v1/invoiceitems` returns it: pending until an invoice takes it. */
export function invoiceItemShape(init: InvoiceItemInit): Stripe.InvoiceItem {
  const quantity = init.quantity ?? 1;
  const parent: Stripe.InvoiceItem.Parent | null =
    init.subscription === undefined
      ? null
      : {
          subscription_details:
            init.subscription_item === undefined
              ? { subscription: init.subscription }
              : { subscription: init.subscription, subscription_item: init.subscription_item },
          type: 'subscription_details',
        };
  return withInit<InvoiceItemShape>(
    {
      id: init.id,
      object: 'invoiceitem',
      amount: init.amount,
      currency: init.currency,
      customer: init.customer,
      customer_account: null,
      date: init.date,
      description: null,
      discountable: true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: {},
      net_amount: init.amount,
      parent,
      period: { end: init.date, start: init.date },
      pricing: pricingOf(init.price),
      proration: false,
      quantity,
      quantity_decimal: decimal(quantity),
      tax_rates: [],
      test_clock: null,
    },
    init,
  );
}

type InvoicePaymentShape = Required<Stripe.InvoicePayment>;

/**
 * What a billing engine computes for one payment of an invoice: the amount asked for and the
 * PaymentIntent collecting it. Once `status` is `paid`, `amount_paid` defaults to the request.
 */
export interface InvoicePaymentInit
  extends Partial<Omit<InvoicePaymentShape, 'status_transitions'>> {
  id: string;
  created: number;
  invoice: string;
  currency: string;
  amount_requested: number;
  payment_intent: string;
  status_transitions?: Partial<Stripe.InvoicePayment.StatusTransitions>;
}

/**
 * An invoice payment as `GET /v1/invoice_payments/:id` returns it. `payment.payment_intent` is
 * conditional on `payment.type` (the SDK marks it optional, fixtures3.json omits it).
 */
export function invoicePaymentShape(init: InvoicePaymentInit): Stripe.InvoicePayment {
  const { status_transitions, ...rest } = init;
  const status = init.status ?? 'open';
  return withInit<InvoicePaymentShape>(
    {
      id: init.id,
      object: 'invoice_payment',
      amount_paid: status === 'paid' ? init.amount_requested : null,
      amount_requested: init.amount_requested,
      created: init.created,
      currency: init.currency,
      invoice: init.invoice,
      is_default: true,
      livemode: false,
      payment: { payment_intent: init.payment_intent, type: 'payment_intent' },
      status,
      status_transitions: { canceled_at: null, paid_at: null, ...status_transitions },
    },
    rest,
  );
}
