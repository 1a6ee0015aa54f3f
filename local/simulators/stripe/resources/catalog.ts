import { invalidParam, invalidState } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { priceShape, productShape } from '../shapes/core.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { activeFilter, currencyOf, list, metadataChange, update } from './catalog-common.ts';
import { deletedObject, pathId, retrieve } from './common.ts';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'] as const;

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

/** Products and prices. */
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
  ];
}
