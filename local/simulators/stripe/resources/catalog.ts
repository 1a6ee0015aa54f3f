/** `/v1/products`, `/v1/prices`, `/v1/coupons`, `/v1/promotion_codes`: the catalog and its events. */
import type Stripe from 'stripe';
import { invalidParam, invalidState } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route, SimRequest } from '../router.ts';
import { couponShape, priceShape, productShape, promotionCodeShape } from '../shapes/core.ts';
import { createdFilter, newId, type StripeRecord, type World } from '../world.ts';
import { applyChanges, deletedObject, pathId, retrieve } from './common.ts';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'] as const;
const DURATIONS = ['once', 'repeating', 'forever'] as const;

function currencyOf(params: Params, key = 'currency'): string | undefined {
  const value = params.string(key);
  if (value !== undefined && !/^[a-zA-Z]{3}$/.test(value)) {
    throw invalidParam(
      key,
      `Invalid currency: ${value}. Stripe currently supports these currencies: usd, eur, gbp, …`,
    );
  }
  return value?.toLowerCase();
}

function list(
  type: string,
  url: string,
  filter: (o: StripeRecord, p: Params) => (o: StripeRecord) => boolean = () => () => true,
) {
  return ({ world, params }: SimRequest) => {
    const created = createdFilter(params);
    const keep = filter({} as StripeRecord, params);
    const page = world.paginate(
      world.all(type).filter((o) => created(o.created as number) && keep(o)),
      params,
      url,
    );
    params.done();
    return page;
  };
}

function activeFilter(_: StripeRecord, params: Params): (o: StripeRecord) => boolean {
  const active = params.boolean('active');
  return (o) => active === undefined || o.active === active;
}

function createProduct(world: World, params: Params, id = params.string('id')): StripeRecord {
  const name = params.requiredString('name');
  const description = params.string('description');
  const active = params.boolean('active');
  const metadata = params.metadata();
  const taxCode = params.string('tax_code');
  const unitLabel = params.string('unit_label');
  params.done();
  if (id !== undefined && world.find(id)) {
    throw invalidParam('id', `Product already exists.`, 'resource_already_exists');
  }
  const product = world.insert(
    productShape({
      id: id ?? newId('prod', 14),
      created: world.now(),
      name,
      description: description ?? null,
      active: active ?? true,
      metadata: mergeMetadata({}, metadata),
      tax_code: taxCode ?? null,
      unit_label: unitLabel ?? null,
    }),
  );
  world.emit('product.created', product);
  return product;
}

function createPrice(world: World, params: Params): StripeRecord {
  const currency = currencyOf(params);
  if (currency === undefined)
    throw invalidParam('currency', 'Missing required param: currency.', 'parameter_missing');
  const unitAmount = params.integer('unit_amount', { min: 0 });
  const productId = params.string('product');
  const productData = params.object('product_data');
  const recurringParams = params.object('recurring');
  const interval = recurringParams?.enum('interval', INTERVALS);
  const intervalCount = recurringParams?.integer('interval_count', { min: 1, max: 36 });
  recurringParams?.string('usage_type');
  recurringParams?.done();
  if (recurringParams && interval === undefined) {
    throw invalidParam(
      'recurring[interval]',
      'Missing required param: recurring[interval].',
      'parameter_missing',
    );
  }
  const nickname = params.string('nickname');
  const lookupKey = params.string('lookup_key');
  const taxBehavior = params.enum('tax_behavior', TAX_BEHAVIORS);
  const active = params.boolean('active');
  const metadata = params.metadata();
  if (unitAmount === undefined)
    throw invalidParam('unit_amount', 'Missing required param: unit_amount.', 'parameter_missing');
  if (productId === undefined && productData === undefined) {
    throw invalidParam('product', 'Missing required param: product.', 'parameter_missing');
  }
  params.done();
  if (productId !== undefined) world.get('product', productId, { param: 'product' });
  const product = productId ?? createProduct(world, productData as Params, undefined).id;
  const price = world.insert(
    priceShape({
      id: newId('price', 24),
      created: world.now(),
      currency,
      product,
      unit_amount: unitAmount,
      ...(interval ? { recurring: { interval, interval_count: intervalCount ?? 1 } } : {}),
      nickname: nickname ?? null,
      lookup_key: lookupKey ?? null,
      tax_behavior: taxBehavior ?? 'unspecified',
      active: active ?? true,
      metadata: mergeMetadata({}, metadata),
    }),
  );
  world.emit('price.created', price);
  return price;
}

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

function update(
  type: string,
  read: (params: Params, current: StripeRecord, world: World) => Record<string, unknown>,
) {
  return (request: SimRequest) => {
    const object = request.world.get(type, pathId(request));
    const changes = read(request.params, object, request.world);
    request.params.done();
    applyChanges(request.world, object, changes, `${type}.updated`);
    return object;
  };
}

function metadataChange(params: Params, current: StripeRecord) {
  const metadata = params.metadata();
  return metadata === undefined
    ? undefined
    : mergeMetadata(current.metadata as Record<string, string>, metadata);
}

/** Products, prices, coupons and promotion codes. */
export function catalogRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/products',
      handle: ({ world, params }) => createProduct(world, params),
    },
    { method: 'GET', path: '/v1/products/:id', handle: retrieve('product') },
    {
      method: 'POST',
      path: '/v1/products/:id',
      handle: update('product', (p, current, world) => {
        const defaultPrice = p.string('default_price');
        if (defaultPrice) world.get('price', defaultPrice, { param: 'default_price' });
        return {
          name: p.string('name'),
          description: p.string('description'),
          active: p.boolean('active'),
          default_price: defaultPrice,
          metadata: metadataChange(p, current),
          updated: world.now(),
        };
      }),
    },
    {
      method: 'DELETE',
      path: '/v1/products/:id',
      handle: (request) => {
        request.params.done();
        const product = request.world.get('product', pathId(request));
        if (request.world.all('price').some((p) => p.product === product.id)) {
          throw invalidState(
            'This product cannot be deleted because it has one or more user-created prices.',
          );
        }
        product.deleted = true;
        request.world.emit('product.deleted', { ...product, deleted: undefined } as StripeRecord);
        return deletedObject(product);
      },
    },
    { method: 'GET', path: '/v1/products', handle: list('product', '/v1/products', activeFilter) },
    {
      method: 'POST',
      path: '/v1/prices',
      handle: ({ world, params }) => createPrice(world, params),
    },
    { method: 'GET', path: '/v1/prices/:id', handle: retrieve('price') },
    {
      method: 'POST',
      path: '/v1/prices/:id',
      handle: update('price', (p, current) => ({
        active: p.boolean('active'),
        nickname: p.string('nickname'),
        lookup_key: p.string('lookup_key'),
        metadata: metadataChange(p, current),
      })),
    },
    {
      method: 'GET',
      path: '/v1/prices',
      handle: list('price', '/v1/prices', (o, params) => {
        const byActive = activeFilter(o, params);
        const product = params.string('product');
        const type = params.enum('type', ['one_time', 'recurring'] as const);
        return (price) =>
          byActive(price) &&
          (product === undefined || price.product === product) &&
          (type === undefined || price.type === type);
      }),
    },
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
