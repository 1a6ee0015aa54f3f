/** `/v1/invoiceitems`: create, retrieve, update, delete, list; their events. */
import { checkCurrency } from '../billing/currency.ts';
import { checkDiscountSpecs, type DiscountSpec, readDiscounts } from '../billing/discounts.ts';
import {
  createItem,
  deleteItem,
  editableInvoice,
  type ItemChanges,
  updateItem,
} from '../billing/invoice-items.ts';
import { readPeriod, unsetOr } from '../billing/invoice-requests.ts';
import { invalidParam, invalidState, missingParam } from '../errors.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { priceShape } from '../shapes/core.ts';
import { createdFilter, newId, type StripeRecord, type World } from '../world.ts';
import { pathId, retrieve } from './common.ts';

const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'] as const;

interface PriceData {
  currency: string;
  product: string;
  unitAmount: number;
  taxBehavior: (typeof TAX_BEHAVIORS)[number] | undefined;
}

/** Reads `price_data[…]`: an inline one-time price for a product. */
function readPriceData(params: Params): PriceData | undefined {
  const data = params.object('price_data');
  if (data === undefined) return undefined;
  const currency = data.requiredString('currency').toLowerCase();
  const product = data.requiredString('product');
  const unitAmount = data.integer('unit_amount', { min: 0 });
  const decimal = data.decimal('unit_amount_decimal');
  const taxBehavior = data.enum('tax_behavior', TAX_BEHAVIORS);
  data.done();
  const amount = unitAmount ?? (decimal === undefined ? undefined : Math.round(decimal));
  if (amount === undefined) throw missingParam('price_data[unit_amount]');
  return { currency, product, unitAmount: amount, taxBehavior };
}

/** Reads `pricing[price]`. */
function readPricing(params: Params): string | undefined {
  const pricing = params.object('pricing');
  const price = pricing?.string('price');
  pricing?.done();
  return price;
}

/** The price an item bills: a catalog one-time price, or a new inactive one from price_data. */
function priceFor(
  world: World,
  priceId: string | undefined,
  data: PriceData | undefined,
  at: number,
): StripeRecord | undefined {
  if (priceId !== undefined) return world.get('price', priceId, { param: 'pricing[price]' });
  if (data === undefined) return undefined;
  return world.insert(
    priceShape({
      id: newId('price', 24),
      created: at,
      currency: data.currency,
      product: data.product,
      unit_amount: data.unitAmount,
      active: false,
      ...(data.taxBehavior === undefined ? {} : { tax_behavior: data.taxBehavior }),
    }),
  );
}

/** Checks a price an item may bill (before anything is created). */
function checkPrice(world: World, priceId: string | undefined, data: PriceData | undefined): void {
  if (data !== undefined) world.get('product', data.product, { param: 'price_data[product]' });
  if (priceId === undefined) return;
  const price = world.get('price', priceId, { param: 'pricing[price]' });
  if (price.type === 'recurring') {
    throw invalidParam(
      'pricing[price]',
      'The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`.',
    );
  }
}

function create(world: World, params: Params): StripeRecord {
  const customerId = params.string('customer');
  const amount = params.integer('amount');
  const currencyParam = params.string('currency')?.toLowerCase();
  const description = params.string('description');
  const discountable = params.boolean('discountable');
  const discountSpecs: DiscountSpec[] | undefined =
    unsetOr(params, 'discounts', () => readDiscounts(params)) ?? undefined;
  const invoiceId = params.string('invoice');
  const metadata = params.metadata();
  const period = readPeriod(params);
  const priceData = readPriceData(params);
  const priceId = readPricing(params);
  const quantity = params.integer('quantity', { min: 0 });
  const subscriptionId = params.string('subscription');
  params.done();
  if (!customerId) throw missingParam('customer');
  const customer = world.get('customer', customerId, { param: 'customer' });
  const sources = [amount, priceId, priceData].filter((s) => s !== undefined).length;
  if (sources === 0) throw missingParam('amount');
  if (sources > 1)
    throw invalidParam(
      'amount',
      'You may only specify one of these parameters: amount, price_data, pricing[price].',
    );
  checkPrice(world, priceId, priceData);
  const currency =
    currencyParam ??
    priceData?.currency ??
    (priceId ? (world.get('price', priceId).currency as string) : undefined);
  if (currency === undefined) throw missingParam('currency');
  const priceCurrency =
    priceData?.currency ?? (priceId ? (world.get('price', priceId).currency as string) : currency);
  if (priceCurrency !== currency)
    throw invalidParam(
      'currency',
      `The currency (${currency}) must be the price's (${priceCurrency}).`,
    );
  if (invoiceId !== undefined) {
    const invoice = world.get('invoice', invoiceId, { param: 'invoice' });
    if (invoice.customer !== customer.id)
      throw invalidParam('invoice', `The invoice ${invoiceId} belongs to another customer.`);
    if (invoice.status !== 'draft')
      throw invalidState('You can only add invoice items to draft invoices.', 'invoice');
    if (invoice.currency !== currency)
      throw invalidParam('currency', `The invoice's currency is ${invoice.currency as string}.`);
  }
  if (subscriptionId !== undefined) {
    const subscription = world.get('subscription', subscriptionId, { param: 'subscription' });
    if (subscription.customer !== customer.id)
      throw invalidParam(
        'subscription',
        `The subscription ${subscriptionId} belongs to another customer.`,
      );
  }
  checkCurrency(world, { customer: customer.id, currency, param: 'currency' });
  checkDiscountSpecs(world, discountSpecs, { param: 'discounts', currency, customer: customer.id });
  const at = world.timeFor(customer.id);
  const price = priceFor(world, priceId, priceData, at);
  return createItem(world, {
    customer: customer.id,
    currency,
    ...(amount === undefined ? {} : { amount }),
    ...(price === undefined ? {} : { price: price.id }),
    ...(quantity === undefined ? {} : { quantity }),
    description: description ?? null,
    period: period ?? { start: at, end: at },
    subscription: subscriptionId ?? null,
    invoice: invoiceId ?? null,
    metadata: mergeMetadata({}, metadata),
    ...(discountSpecs ? { discountSpecs } : {}),
    ...(discountable === undefined ? {} : { discountable }),
  });
}

function update(world: World, item: StripeRecord, params: Params): StripeRecord {
  const amount = params.integer('amount');
  const description = params.string('description');
  const discountable = params.boolean('discountable');
  const discounts = unsetOr(params, 'discounts', () => readDiscounts(params));
  const metadata = params.metadata();
  const period = readPeriod(params);
  const priceData = readPriceData(params);
  const priceId = readPricing(params);
  const quantity = params.integer('quantity', { min: 0 });
  params.done();
  if ([amount, priceId, priceData].filter((s) => s !== undefined).length > 1) {
    throw invalidParam(
      'amount',
      'You may only specify one of these parameters: amount, price_data, pricing[price].',
    );
  }
  editableInvoice(world, item);
  checkPrice(world, priceId, priceData);
  checkDiscountSpecs(world, discounts ?? undefined, {
    param: 'discounts',
    currency: item.currency as string,
    customer: item.customer as string,
  });
  const price = priceFor(world, priceId, priceData, world.timeFor(item.customer as string));
  const changes: ItemChanges = {
    ...(amount === undefined ? {} : { amount }),
    ...(price === undefined ? {} : { price }),
    ...(quantity === undefined ? {} : { quantity }),
    ...(description === undefined ? {} : { description }),
    ...(discountable === undefined ? {} : { discountable }),
    ...(discounts === null
      ? { discounts: [] }
      : discounts === undefined
        ? {}
        : { discountSpecs: discounts }),
    ...(metadata === undefined
      ? {}
      : { metadata: mergeMetadata(item.metadata as Record<string, string>, metadata) }),
    ...(period === undefined ? {} : { period }),
  };
  return updateItem(world, item, changes);
}

function list(world: World, params: Params): unknown {
  const customer = params.string('customer');
  const invoice = params.string('invoice');
  const pending = params.boolean('pending');
  const created = createdFilter(params);
  const page = world.paginate(
    world
      .all('invoiceitem')
      .filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (invoice === undefined || i.invoice === invoice) &&
          (pending === undefined || (i.invoice === null) === pending) &&
          created(i.date as number),
      ),
    params,
    '/v1/invoiceitems',
  );
  params.done();
  return page;
}

/** The `/v1/invoiceitems` routes (pending items, and items on draft invoices). */
export function invoiceItemRoutes(): Route[] {
  const itemOf = (world: World, id: string) => world.get('invoiceitem', id);
  return [
    {
      method: 'POST',
      path: '/v1/invoiceitems',
      handle: ({ world, params }) => create(world, params),
    },
    { method: 'GET', path: '/v1/invoiceitems/:id', handle: retrieve('invoiceitem') },
    {
      method: 'POST',
      path: '/v1/invoiceitems/:id',
      handle: (request) =>
        update(request.world, itemOf(request.world, pathId(request)), request.params),
    },
    {
      method: 'DELETE',
      path: '/v1/invoiceitems/:id',
      handle: (request) => {
        request.params.done();
        return deleteItem(request.world, itemOf(request.world, pathId(request)));
      },
    },
    { method: 'GET', path: '/v1/invoiceitems', handle: ({ world, params }) => list(world, params) },
  ];
}
