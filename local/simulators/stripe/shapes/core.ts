/**
 * Shapes of the catalog and customer objects (customer, product, price, coupon, promotion code,
 * discount) at the pinned API version. Each builder returns a complete fresh test-mode object: the
 * caller's `Init` values over Stripe's defaults. The key sets are those of fixtures3.json.
 */
import type Stripe from 'stripe';
import { decimalOrNull, token, withInit } from './common.ts';

const HEX_UPPER = '0123456789ABCDEF';

/** fixtures3.json `customer`: the SDK's expandable and Connect-only optional fields are absent. */
type CustomerShape = Required<
  Omit<
    Stripe.Customer,
    | 'business_name'
    | 'cash_balance'
    | 'customer_account'
    | 'deleted'
    | 'individual_name'
    | 'invoice_credit_balance'
    | 'sources'
    | 'subscriptions'
    | 'tax'
    | 'tax_ids'
  >
>;

/** What the simulator knows of a customer; the rest is a new customer's default. */
export interface CustomerInit extends Partial<CustomerShape> {
  id: string;
  created: number;
}

/** A customer as `POST /v1/customers` returns it (`invoice_prefix` derived from the id). */
export function customerShape(init: CustomerInit): Stripe.Customer {
  return withInit<CustomerShape>(
    {
      id: init.id,
      object: 'customer',
      address: null,
      balance: 0,
      created: init.created,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_prefix: token(init.id, 8, HEX_UPPER),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    },
    init,
  );
}

/**
 * fixtures3.json `product`. The SDK types a required `tax_details` that the fixture (the reference
 * for this API version's field set) does not have, so it is left out.
 */
type ProductShape = Required<Omit<Stripe.Product, 'deleted' | 'tax_details'>>;

/** A product's computed fields; `name` is required by Stripe too. */
export interface ProductInit extends Partial<ProductShape> {
  id: string;
  created: number;
  name: string;
}

/** A product as `POST /v1/products` returns it; `updated` starts at `created`. */
export function productShape(init: ProductInit): Stripe.Product {
  const product = withInit<ProductShape>(
    {
      id: init.id,
      object: 'product',
      active: true,
      created: init.created,
      default_price: null,
      description: null,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: {},
      name: init.name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      type: 'service',
      unit_label: null,
      updated: init.created,
      url: null,
    },
    init,
  );
  return product as Stripe.Product;
}

/** fixtures3.json `price`: `currency_options` and `tiers` are only rendered when expanded. */
type PriceShape = Required<Omit<Stripe.Price, 'currency_options' | 'deleted' | 'tiers'>>;

/** A recurring price's interval; the rest defaults to a licensed, monthly-style price. */
export interface RecurringInit extends Partial<Stripe.Price.Recurring> {
  interval: Stripe.Price.Recurring.Interval;
}

/** A price's computed fields. `type` follows `recurring`, `unit_amount_decimal` the amount. */
export interface PriceInit extends Partial<Omit<PriceShape, 'recurring'>> {
  id: string;
  created: number;
  currency: string;
  product: string;
  /** Null for a tiered or custom-amount price. */
  unit_amount: number | null;
  /** Set for a recurring price; leave out for a one-time price. */
  recurring?: RecurringInit | null;
}

/** A price as `POST /v1/prices` returns it. */
export function priceShape(init: PriceInit): Stripe.Price {
  const { recurring: recurringInit, ...rest } = init;
  const recurring =
    recurringInit === null || recurringInit === undefined
      ? null
      : withInit<Stripe.Price.Recurring>(
          {
            interval: recurringInit.interval,
            interval_count: 1,
            meter: null,
            trial_period_days: null,
            usage_type: 'licensed',
          },
          recurringInit,
        );
  return withInit<PriceShape>(
    {
      id: init.id,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created: init.created,
      currency: init.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: init.product,
      recurring,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: init.unit_amount,
      unit_amount_decimal: decimalOrNull(init.unit_amount),
    },
    rest,
  );
}

/** fixtures3.json `coupon`: `applies_to` and `currency_options` appear only when set. */
type CouponShape = Required<Omit<Stripe.Coupon, 'applies_to' | 'currency_options' | 'deleted'>>;

/** A coupon's computed fields; set `percent_off`, or `amount_off` with `currency`. */
export interface CouponInit extends Partial<CouponShape> {
  id: string;
  created: number;
}

/** A coupon as `POST /v1/coupons` returns it (`duration: 'once'` is Stripe's default). */
export function couponShape(init: CouponInit): Stripe.Coupon {
  return withInit<CouponShape>(
    {
      id: init.id,
      object: 'coupon',
      amount_off: null,
      created: init.created,
      currency: null,
      duration: 'once',
      duration_in_months: null,
      livemode: false,
      max_redemptions: null,
      metadata: {},
      name: null,
      percent_off: null,
      redeem_by: null,
      times_redeemed: 0,
      valid: true,
    },
    init,
  );
}

type PromotionCodeShape = Required<Stripe.PromotionCode>;

/** A promotion code's computed fields: the customer-facing `code` and its coupon's id. */
export interface PromotionCodeInit extends Partial<Omit<PromotionCodeShape, 'promotion'>> {
  id: string;
  created: number;
  code: string;
  coupon: string;
}

/** A promotion code as `POST /v1/promotion_codes` returns it. */
export function promotionCodeShape(init: PromotionCodeInit): Stripe.PromotionCode {
  return withInit<PromotionCodeShape>(
    {
      id: init.id,
      object: 'promotion_code',
      active: true,
      code: init.code,
      created: init.created,
      customer: null,
      customer_account: null,
      expires_at: null,
      livemode: false,
      max_redemptions: null,
      metadata: {},
      promotion: { coupon: init.coupon, type: 'coupon' },
      restrictions: {
        first_time_transaction: false,
        minimum_amount: null,
        minimum_amount_currency: null,
      },
      times_redeemed: 0,
    },
    init,
  );
}

type DiscountShape = Required<Omit<Stripe.Discount, 'deleted'>>;

/** A discount's computed fields: when it started, which coupon, and what it is attached to. */
export interface DiscountInit extends Partial<Omit<DiscountShape, 'source'>> {
  id: string;
  start: number;
  coupon: string;
}

/** A discount as embedded in customers, subscriptions and invoices (`source.coupon` an id). */
export function discountShape(init: DiscountInit): Stripe.Discount {
  return withInit<DiscountShape>(
    {
      id: init.id,
      object: 'discount',
      checkout_session: null,
      customer: null,
      customer_account: null,
      end: null,
      invoice: null,
      invoice_item: null,
      promotion_code: null,
      source: { coupon: init.coupon, type: 'coupon' },
      start: init.start,
      subscription: null,
      subscription_item: null,
    },
    init,
  );
}
