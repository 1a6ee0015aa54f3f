/**
 * Shapes of invoices and their line items at the pinned API version, with fixtures3.json's keys.
 * Invoice items, invoice payments and credit notes are in billing-items.ts and credit-notes.ts.
 */
import type Stripe from 'stripe';
import { decimal, idOf, listShape, SIMULATED_ACCOUNT_ID, token, withInit } from './common.ts';

const HOUR = 60 * 60;

/**
 * fixtures3.json `invoice`. The fixture still has a top-level `subscription` (an id or null) that
 * the SDK's type no longer declares; it is kept and mirrors `parent.subscription_details`. The
 * SDK's conditional `amount_paid_off_stripe`, `confirmation_secret`, `payments`, `status_details`
 * and `threshold_reason` are not in the fixture and are left out.
 */
type InvoiceShape = Required<
  Omit<
    Stripe.Invoice,
    | 'amount_paid_off_stripe'
    | 'confirmation_secret'
    | 'deleted'
    | 'payments'
    | 'status_details'
    | 'threshold_reason'
  >
> & { subscription: string | null };

/**
 * What a billing engine computes for an invoice. Amounts not given follow from the lines: the
 * subtotal is their sum, the total the subtotal, `amount_due` the total, `amount_remaining` what is
 * left after `amount_paid`. A `subscription` makes it a subscription invoice (`parent`,
 * `billing_reason: 'subscription_cycle'`, `auto_advance`, finalization an hour after creation).
 */
export interface InvoiceInit extends Partial<Omit<InvoiceShape, 'lines' | 'status_transitions'>> {
  id: string;
  created: number;
  customer: string;
  currency: string;
  /** The embedded page of lines (Stripe embeds the first ten). */
  lines?: Stripe.InvoiceLineItem[];
  /** Whether more lines exist than `lines` embeds. */
  lines_has_more?: boolean;
  /** Copied into `parent.subscription_details.metadata`, as Stripe does at creation. */
  subscription_metadata?: Stripe.Metadata;
  status_transitions?: Partial<Stripe.Invoice.StatusTransitions>;
}

/** The invoice's hosted page and PDF: Stripe links them once the invoice is finalized. */
function hostedUrls(id: string): { page: string; pdf: string } {
  const path = `${SIMULATED_ACCOUNT_ID}/test_${token(`invoice:${id}`, 48)}`;
  return {
    page: `https://invoice.stripe.com/i/${path}?s=ap`,
    pdf: `https://pay.stripe.com/invoice/${path}/pdf?s=ap`,
  };
}

/** An invoice as the API renders it; with only the required fields, a new empty draft. */
export function invoiceShape(init: InvoiceInit): Stripe.Invoice {
  const {
    lines = [],
    lines_has_more = false,
    subscription_metadata,
    status_transitions,
    ...rest
  } = init;
  const subscription = init.subscription ?? null;
  const status = init.status ?? 'draft';
  const finalized = status !== 'draft';
  const transitions: Stripe.Invoice.StatusTransitions = {
    finalized_at: null,
    marked_uncollectible_at: null,
    paid_at: null,
    voided_at: null,
    ...status_transitions,
  };
  const subtotal = init.subtotal ?? lines.reduce((sum, line) => sum + line.amount, 0);
  const total = init.total ?? subtotal;
  const amountDue = init.amount_due ?? total;
  const amountPaid = init.amount_paid ?? 0;
  const autoAdvance = init.auto_advance ?? subscription !== null;
  const urls = hostedUrls(init.id);
  const invoice = withInit<InvoiceShape>(
    {
      id: init.id,
      object: 'invoice',
      account_country: 'US',
      account_name: null,
      account_tax_ids: null,
      amount_due: amountDue,
      amount_overpaid: 0,
      amount_paid: amountPaid,
      amount_remaining: Math.max(0, amountDue - amountPaid),
      amount_shipping: 0,
      application: null,
      attempt_count: 0,
      attempted: false,
      auto_advance: autoAdvance,
      automatic_tax: {
        disabled_reason: null,
        enabled: false,
        liability: null,
        provider: null,
        status: null,
      },
      automatically_finalizes_at: status === 'draft' && autoAdvance ? init.created + HOUR : null,
      billing_reason: subscription === null ? 'manual' : 'subscription_cycle',
      collection_method: 'charge_automatically',
      created: init.created,
      currency: init.currency,
      custom_fields: null,
      customer: init.customer,
      customer_account: null,
      customer_address: null,
      customer_email: null,
      customer_name: null,
      customer_phone: null,
      customer_shipping: null,
      customer_tax_exempt: 'none',
      customer_tax_ids: [],
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      due_date: null,
      effective_at: transitions.finalized_at,
      ending_balance: null,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: finalized ? urls.page : null,
      invoice_pdf: finalized ? urls.pdf : null,
      issuer: { type: 'self' },
      last_finalization_error: null,
      latest_revision: null,
      lines: listShape(`/v1/invoices/${init.id}/lines`, lines, lines_has_more),
      livemode: false,
      metadata: {},
      next_payment_attempt: null,
      number: null,
      on_behalf_of: null,
      parent:
        subscription === null
          ? null
          : {
              quote_details: null,
              subscription_details: {
                metadata: subscription_metadata ?? {},
                subscription,
              },
              type: 'subscription_details',
            },
      payment_settings: {
        default_mandate: null,
        payment_method_options: null,
        payment_method_types: null,
      },
      period_end: init.created,
      period_start: init.created,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: {
        amount_tax_display: null,
        pdf: { page_size: 'auto' },
        template: null,
        template_version: null,
      },
      shipping_cost: null,
      shipping_details: null,
      starting_balance: 0,
      statement_descriptor: null,
      status,
      status_transitions: transitions,
      subscription,
      subtotal,
      subtotal_excluding_tax: subtotal,
      test_clock: null,
      total,
      total_discount_amounts: [],
      total_excluding_tax: total,
      total_pretax_credit_amounts: [],
      total_taxes: [],
      webhooks_delivered_at: null,
    },
    rest,
  );
  return invoice;
}

type InvoiceLineItemShape = Required<Stripe.InvoiceLineItem>;

/**
 * What a billing engine computes for an invoice line. `price` sets `pricing`; `subscription_item`
 * (a subscription's line) or `invoice_item` (an invoice item's line) sets `parent`.
 */
export interface InvoiceLineItemInit extends Partial<InvoiceLineItemShape> {
  id: string;
  invoice: string | null;
  amount: number;
  currency: string;
  period: Stripe.InvoiceLineItem.Period;
  price?: Stripe.Price | null;
  subscription_item?: string;
  invoice_item?: string;
  proration?: boolean;
}

/** The `parent` of a line: the subscription item or invoice item it bills. */
function lineParent(init: InvoiceLineItemInit): Stripe.InvoiceLineItem.Parent | null {
  const proration = init.proration ?? false;
  const subscription = typeof init.subscription === 'string' ? init.subscription : null;
  if (init.subscription_item !== undefined) {
    return {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: init.invoice_item ?? null,
        proration,
        proration_details: { credited_items: null },
        subscription,
        subscription_item: init.subscription_item,
      },
      type: 'subscription_item_details',
    };
  }
  if (init.invoice_item !== undefined) {
    return {
      invoice_item_details: {
        invoice_item: init.invoice_item,
        proration,
        proration_details: { credited_items: null },
        subscription,
      },
      subscription_item_details: null,
      type: 'invoice_item_details',
    };
  }
  return null;
}

/**
 * `pricing` of a line or invoice item billing `price`. `price_details` is conditional (the SDK
 * marks it optional, fixtures3.json omits it) but Stripe renders it whenever a price is billed.
 */
export function pricingOf(
  price: Stripe.Price | null | undefined,
): Stripe.InvoiceLineItem.Pricing | null {
  if (!price) return null;
  return {
    price_details: { price: price.id, product: idOf(price.product) },
    type: 'price_details',
    unit_amount_decimal: price.unit_amount_decimal,
  };
}

/** An invoice line item as listed under `invoice.lines` or `GET /v1/invoices/:id/lines`. */
export function invoiceLineItemShape(init: InvoiceLineItemInit): Stripe.InvoiceLineItem {
  const quantity = init.quantity === undefined ? 1 : init.quantity;
  return withInit<InvoiceLineItemShape>(
    {
      id: init.id,
      object: 'line_item',
      amount: init.amount,
      currency: init.currency,
      description: null,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: init.invoice,
      livemode: false,
      metadata: {},
      parent: lineParent(init),
      period: init.period,
      pretax_credit_amounts: [],
      pricing: pricingOf(init.price),
      quantity,
      quantity_decimal: quantity === null ? null : decimal(quantity),
      subscription: null,
      subtotal: init.amount,
      taxes: [],
    },
    init,
  );
}
