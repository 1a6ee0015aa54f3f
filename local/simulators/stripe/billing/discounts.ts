/**
 * Discounts: `discounts[][coupon|promotion_code|discount]` parameters turned into `di_…`
 * Discount objects attached to a customer, subscription, subscription item, invoice or invoice
 * item, and the amount a coupon takes off an amount.
 */
import { invalidParam } from '../errors.ts';
import type { Params } from '../form.ts';
import { discountShape } from '../shapes/core.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { SECONDS_PER_DAY } from './time.ts';

/** A discount as a request names it: a coupon, a promotion code or an existing discount. */
export interface DiscountSpec {
  coupon?: string;
  promotionCode?: string;
  discount?: string;
}

/** Reads `discounts[i][coupon|promotion_code|discount]` (each entry exactly one of them). */
export function readDiscounts(params: Params, key = 'discounts'): DiscountSpec[] | undefined {
  const entries = params.objects(key, { max: 20 });
  return entries?.map((entry, index) => {
    const spec: DiscountSpec = {};
    const coupon = entry.string('coupon');
    const promotionCode = entry.string('promotion_code');
    const discount = entry.string('discount');
    entry.done();
    if (coupon) spec.coupon = coupon;
    if (promotionCode) spec.promotionCode = promotionCode;
    if (discount) spec.discount = discount;
    if (Object.keys(spec).length !== 1) {
      throw invalidParam(
        `${key}[${index}]`,
        'Each discount must name exactly one of coupon, promotion_code or discount.',
      );
    }
    return spec;
  });
}

/** What a new discount is attached to. */
export interface DiscountTarget {
  customer: string | null;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoice?: string | null;
  invoiceItem?: string | null;
}

/** How a request's discount specs are checked: where they were sent, and what they apply to. */
export interface DiscountCheck {
  /** The parameter holding the specs (`discounts`, `items[0][discounts]`, …), named in errors. */
  param: string;
  /** The currency of what is discounted: an `amount_off` coupon must be in it. */
  currency?: string;
  /** The customer redeeming: a promotion code restricted to another customer is refused. */
  customer?: string | null;
}

/** A spec once checked: the discount it reuses, or the coupon (and promotion code) it redeems. */
type Resolved =
  | { discount: StripeRecord }
  | { coupon: StripeRecord; promotionCode: StripeRecord | undefined };

/** Stripe's 400 for a coupon that can no longer be redeemed. */
function couponExpired(param: string, coupon: StripeRecord): Error {
  return invalidParam(param, `Coupon expired: ${coupon.id}`, 'coupon_expired');
}

/** Checks one spec (`redeemed` counts redemptions earlier in the same request); throws a 400/404. */
function resolve(
  world: World,
  spec: DiscountSpec,
  param: string,
  options: DiscountCheck,
  redeemed: Map<string, number>,
): Resolved {
  if (spec.discount)
    return { discount: world.get('discount', spec.discount, { param: `${param}[discount]` }) };
  const now = world.now();
  let promotionCode: StripeRecord | undefined;
  let couponId = spec.coupon ?? '';
  let couponParam = `${param}[coupon]`;
  if (spec.promotionCode) {
    const codeParam = `${param}[promotion_code]`;
    promotionCode = world.get('promotion_code', spec.promotionCode, {
      param: codeParam,
      noun: 'promotion code',
    });
    const code = promotionCode.code as string;
    const max = promotionCode.max_redemptions as number | null;
    const expiresAt = promotionCode.expires_at as number | null;
    const owner = promotionCode.customer as string | null;
    const uses = (promotionCode.times_redeemed as number) + (redeemed.get(promotionCode.id) ?? 0);
    if (promotionCode.active !== true)
      throw invalidParam(codeParam, `This promotion code is inactive: '${code}'.`);
    if (expiresAt !== null && expiresAt <= now)
      throw invalidParam(codeParam, `This promotion code has expired: '${code}'.`);
    if (max !== null && uses >= max) {
      throw invalidParam(
        codeParam,
        `This promotion code has been redeemed the maximum number of times: '${code}'.`,
      );
    }
    if (owner !== null && typeof options.customer === 'string' && owner !== options.customer) {
      throw invalidParam(
        codeParam,
        `This promotion code cannot be redeemed by customer ${options.customer}: '${code}'.`,
      );
    }
    couponId = (promotionCode.promotion as { coupon: string }).coupon;
    couponParam = codeParam;
  }
  const coupon = world.get('coupon', couponId, { param: `${param}[coupon]` });
  const max = coupon.max_redemptions as number | null;
  const redeemBy = coupon.redeem_by as number | null;
  const uses = (coupon.times_redeemed as number) + (redeemed.get(coupon.id) ?? 0);
  if (coupon.valid !== true) throw couponExpired(couponParam, coupon);
  if (redeemBy !== null && redeemBy <= now) throw couponExpired(couponParam, coupon);
  if (max !== null && uses >= max) throw couponExpired(couponParam, coupon);
  const couponCurrency = coupon.currency as string | null;
  if (
    typeof coupon.amount_off === 'number' &&
    options.currency !== undefined &&
    couponCurrency !== options.currency
  ) {
    throw invalidParam(
      couponParam,
      `The coupon ${coupon.id} takes an amount off in ${couponCurrency ?? 'another currency'}, and cannot discount an amount in ${options.currency}.`,
    );
  }
  redeemed.set(coupon.id, (redeemed.get(coupon.id) ?? 0) + 1);
  if (promotionCode) redeemed.set(promotionCode.id, (redeemed.get(promotionCode.id) ?? 0) + 1);
  return { coupon, promotionCode };
}

/** Checks every spec, in order, counting redemptions across them; returns what each names. */
function resolveAll(world: World, specs: DiscountSpec[], options: DiscountCheck): Resolved[] {
  const redeemed = new Map<string, number>();
  return specs.map((spec, index) =>
    resolve(world, spec, `${options.param}[${index}]`, options, redeemed),
  );
}

/**
 * Checks that the discounts, coupons and promotion codes a request names exist and can be
 * redeemed (coupon `valid`, `redeem_by`, `max_redemptions`, an `amount_off` coupon in
 * `currency`; promotion code active, `expires_at`, `max_redemptions`, `customer`), with
 * Stripe's 400/404 naming the parameter. Request handlers call it before changing anything, so a
 * bad spec cannot leave the request half done; `createDiscounts` calls it too.
 */
export function checkDiscountSpecs(
  world: World,
  specs: DiscountSpec[] | undefined,
  options: DiscountCheck,
): void {
  if (specs !== undefined) resolveAll(world, specs, options);
}

/**
 * Creates the Discount objects for `specs` (or reuses a named `di_…`) and returns their ids.
 * Every spec is checked first (see `checkDiscountSpecs`), so nothing is redeemed when one of
 * them is bad. Redeeming counts on the coupon and promotion code; a coupon that reaches its
 * `max_redemptions` becomes `valid: false`.
 */
export function createDiscounts(
  world: World,
  specs: DiscountSpec[],
  target: DiscountTarget,
  options: { at: number; param: string; currency?: string },
): string[] {
  const resolved = resolveAll(world, specs, {
    param: options.param,
    customer: target.customer,
    ...(options.currency === undefined ? {} : { currency: options.currency }),
  });
  return resolved.map((found) => {
    if ('discount' in found) return found.discount.id;
    const { coupon, promotionCode } = found;
    coupon.times_redeemed = (coupon.times_redeemed as number) + 1;
    const max = coupon.max_redemptions as number | null;
    if (max !== null && (coupon.times_redeemed as number) >= max) coupon.valid = false;
    if (promotionCode) promotionCode.times_redeemed = (promotionCode.times_redeemed as number) + 1;
    const months = coupon.duration_in_months as number | null;
    const discount = world.insert(
      discountShape({
        id: newId('di', 24),
        start: options.at,
        coupon: coupon.id,
        end:
          coupon.duration === 'repeating' && months !== null
            ? options.at + Math.round(months * 30.4375 * SECONDS_PER_DAY)
            : null,
        customer: target.customer,
        subscription: target.subscription ?? null,
        subscription_item: target.subscriptionItem ?? null,
        invoice: target.invoice ?? null,
        invoice_item: target.invoiceItem ?? null,
        promotion_code: promotionCode?.id ?? null,
      }),
    );
    return discount.id;
  });
}

/**
 * The discounts an invoice, or one of its lines, gets from the `discounts` an update sent: new
 * Discount ids for `specs` (see `createDiscounts`), or none when it was sent empty (`null`).
 */
export function invoiceDiscounts(
  world: World,
  invoice: StripeRecord,
  specs: DiscountSpec[] | null,
  at: number,
): string[] {
  if (specs === null) return [];
  return createDiscounts(
    world,
    specs,
    { customer: invoice.customer as string, invoice: invoice.id },
    { at, param: 'discounts', currency: invoice.currency as string },
  );
}

/** How much the discount's coupon takes off `amount` (minor units) in `currency`. */
export function discountAmount(
  world: World,
  discountId: string,
  amount: number,
  currency: string,
): number {
  const discount = world.find(discountId);
  const couponId = (discount?.source as { coupon?: string } | undefined)?.coupon;
  const coupon = couponId ? world.find(couponId) : undefined;
  if (coupon === undefined || amount <= 0) return 0;
  if (typeof coupon.percent_off === 'number')
    return Math.round((amount * coupon.percent_off) / 100);
  if (typeof coupon.amount_off === 'number' && coupon.currency === currency) {
    return Math.min(coupon.amount_off, amount);
  }
  return 0;
}

/** Whether a discount still applies at `at` (a repeating coupon's discount ends). */
export function discountActive(world: World, discountId: string, at: number): boolean {
  const discount = world.find(discountId);
  if (discount === undefined) return false;
  const end = discount.end as number | null;
  return end === null || at < end;
}
