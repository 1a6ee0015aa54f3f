/** `/v1/coupons` and `/v1/promotion_codes`: discounts to redeem, and their events. */
import type Stripe from 'stripe';
import { invalidParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { couponShape, promotionCodeShape } from '../shapes/core.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { activeFilter, currencyOf, list, metadataChange, update } from './catalog-common.ts';
import { deletedObject, pathId, retrieve } from './common.ts';

const DURATIONS = ['once', 'repeating', 'forever'] as const;

function createCoupon(world: World, params: Params): StripeRecord {
  const id = params.string('id');
  const percentOff = params.decimal('percent_off');
  const amountOff = params.integer('amount_off', { min: 1 });
  const currency = currencyOf(params);
  const duration = params.enum('duration', DURATIONS) ?? 'once';
  const months = params.integer('duration_in_months', { min: 1 });
  const name = params.string('name');
  const maxRedemptions = params.integer('max_redemptions', { min: 1 });
  const redeemBy = params.integer('redeem_by');
  const metadata = params.metadata();
  params.done();
  if ((percentOff === undefined) === (amountOff === undefined)) {
    throw invalidParam('percent_off', 'You must pass exactly one of percent_off or amount_off.');
  }
  if (percentOff !== undefined && (percentOff <= 0 || percentOff > 100)) {
    throw invalidParam('percent_off', 'Percent off must be greater than 0 and at most 100.');
  }
  if (amountOff !== undefined && currency === undefined) {
    throw invalidParam(
      'currency',
      'You must pass currency when passing amount_off.',
      'parameter_missing',
    );
  }
  if (duration === 'repeating' && months === undefined) {
    throw invalidParam(
      'duration_in_months',
      'Missing required param: duration_in_months.',
      'parameter_missing',
    );
  }
  const couponId = id ?? newId('', 8).slice(1);
  if (world.find(couponId))
    throw invalidParam('id', 'Coupon already exists.', 'resource_already_exists');
  const coupon = world.insert(
    couponShape({
      id: couponId,
      created: world.now(),
      percent_off: percentOff ?? null,
      amount_off: amountOff ?? null,
      currency: amountOff === undefined ? null : (currency ?? null),
      duration,
      duration_in_months: duration === 'repeating' ? (months ?? null) : null,
      name: name ?? null,
      max_redemptions: maxRedemptions ?? null,
      redeem_by: redeemBy ?? null,
      metadata: mergeMetadata({}, metadata),
    }),
  );
  world.emit('coupon.created', coupon);
  return coupon;
}

function createPromotionCode(world: World, params: Params): StripeRecord {
  const promotion = params.object('promotion');
  const couponId = promotion?.requiredString('coupon');
  promotion?.enum('type', ['coupon'] as const);
  promotion?.done();
  const code = params.string('code');
  const customer = params.string('customer');
  const active = params.boolean('active');
  const maxRedemptions = params.integer('max_redemptions', { min: 1 });
  const expiresAt = params.integer('expires_at');
  const metadata = params.metadata();
  params.done();
  if (couponId === undefined)
    throw invalidParam('promotion', 'Missing required param: promotion.', 'parameter_missing');
  world.get('coupon', couponId, { param: 'promotion[coupon]' });
  if (customer) world.get('customer', customer, { param: 'customer' });
  const finalCode = code ?? newId('', 8).slice(1).toUpperCase();
  if (world.all('promotion_code').some((p) => p.code === finalCode && p.active === true)) {
    throw invalidParam('code', 'An active promotion code with `code` already exists.');
  }
  const promo = world.insert(
    promotionCodeShape({
      id: newId('promo', 24),
      created: world.now(),
      code: finalCode,
      coupon: couponId,
      customer: customer ?? null,
      active: active ?? true,
      max_redemptions: maxRedemptions ?? null,
      expires_at: expiresAt ?? null,
      metadata: mergeMetadata({}, metadata),
    }),
  );
  world.emit('promotion_code.created', promo);
  return promo;
}

/** Coupons and promotion codes. */
export function couponRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/coupons',
      handle: ({ world, params }) => createCoupon(world, params),
    },
    { method: 'GET', path: '/v1/coupons/:id', handle: retrieve('coupon') },
    {
      method: 'POST',
      path: '/v1/coupons/:id',
      handle: update('coupon', (p, current) => ({
        name: p.string('name'),
        metadata: metadataChange(p, current),
      })),
    },
    {
      method: 'DELETE',
      path: '/v1/coupons/:id',
      handle: (request) => {
        request.params.done();
        const coupon = request.world.get('coupon', pathId(request));
        coupon.deleted = true;
        coupon.valid = false;
        request.world.emit('coupon.deleted', { ...coupon, deleted: undefined } as StripeRecord);
        return deletedObject(coupon);
      },
    },
    { method: 'GET', path: '/v1/coupons', handle: list('coupon', '/v1/coupons') },
    {
      method: 'POST',
      path: '/v1/promotion_codes',
      handle: ({ world, params }) => createPromotionCode(world, params),
    },
    {
      method: 'GET',
      path: '/v1/promotion_codes/:id',
      handle: retrieve('promotion_code', 'promotion code'),
    },
    {
      method: 'POST',
      path: '/v1/promotion_codes/:id',
      handle: update('promotion_code', (p, current) => ({
        active: p.boolean('active'),
        metadata: metadataChange(p, current),
      })),
    },
    {
      method: 'GET',
      path: '/v1/promotion_codes',
      handle: list('promotion_code', '/v1/promotion_codes', (o, params) => {
        const byActive = activeFilter(o, params);
        const code = params.string('code');
        const coupon = params.string('coupon');
        const customer = params.string('customer');
        return (promo) =>
          byActive(promo) &&
          (code === undefined || promo.code === code) &&
          (coupon === undefined ||
            (promo.promotion as Stripe.PromotionCode.Promotion).coupon === coupon) &&
          (customer === undefined || promo.customer === customer);
      }),
    },
  ];
}
