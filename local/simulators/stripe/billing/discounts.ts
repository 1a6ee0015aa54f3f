/**
 * Discounts: `discounts[][coupon|promotion_code|discount]` parameters turned into `di_…`
 * Discount objects attached to a customer, subscription, subscription item, invoice or invoice
 * item, and the amount a coupon takes off an amount.
 */
import { invalidParam } from '../errors.ts';
import type { Params } from '../form.ts';
import { discountShape } from '../shapes/core.ts';
import { newId, type StripeRecord, type World } from '../world.ts';

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

/**
 * Creates the Discount objects for `specs` (or reuses a named `di_…`), checking coupons and
 * promotion codes exist and are valid; returns their ids.
 */
export function createDiscounts(
  world: World,
  specs: DiscountSpec[],
  target: DiscountTarget,
  options: { at: number; param: string },
): string[] {
  return specs.map((spec, index) => {
    const param = `${options.param}[${index}]`;
    if (spec.discount)
      return world.get('discount', spec.discount, { param: `${param}[discount]` }).id;
    let promotionCode: StripeRecord | undefined;
    let couponId = spec.coupon;
    if (spec.promotionCode) {
      promotionCode = world.get('promotion_code', spec.promotionCode, {
        param: `${param}[promotion_code]`,
        noun: 'promotion code',
      });
      if (promotionCode.active !== true) {
        throw invalidParam(
          `${param}[promotion_code]`,
          `This promotion code is inactive: '${promotionCode.code}'.`,
        );
      }
      couponId = (promotionCode.promotion as { coupon: string }).coupon;
    }
    const coupon = world.get('coupon', couponId ?? '', { param: `${param}[coupon]` });
    if (coupon.valid !== true)
      throw invalidParam(`${param}[coupon]`, `Coupon expired: ${coupon.id}`);
    coupon.times_redeemed = (coupon.times_redeemed as number) + 1;
    if (promotionCode) promotionCode.times_redeemed = (promotionCode.times_redeemed as number) + 1;
    const months = coupon.duration_in_months as number | null;
    const discount = world.insert(
      discountShape({
        id: newId('di', 24),
        start: options.at,
        coupon: coupon.id,
        end:
          coupon.duration === 'repeating' && months !== null
            ? options.at + Math.round(months * 30.4375 * 86_400)
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
