/**
 * Customers and the catalog (products, prices, coupons, promotion codes) through the official SDK:
 * what each call returns and emits, Stripe's validation errors, list filters, and that every object
 * has the shape of Stripe's own fixtures at the pinned API version.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator, wire } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator();

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** The events of `type` about the object with this id, newest first. */
async function eventsAbout(id: string, type: string) {
  const { data } = await t.stripe.events.list({ type, limit: 100 });
  return data.filter((e) => (e.data.object as { id?: string }).id === id);
}

const newProduct = (name = unique('Product ')) => t.stripe.products.create({ name });
const newCoupon = (params: Partial<Stripe.CouponCreateParams> = {}) =>
  t.stripe.coupons.create({ percent_off: 25, duration: 'once', ...params });

describe('customers', () => {
  it('creates, retrieves, updates and deletes a customer, with their events', async () => {
    // Prepare
    const fields = {
      email: `${unique('jenny-')}@example.com`,
      name: 'Jenny',
      metadata: { plan: 'pro' },
    };

    // Act
    const created = await t.stripe.customers.create(fields);
    const retrieved = await t.stripe.customers.retrieve(created.id);
    const updated = await t.stripe.customers.update(created.id, {
      name: 'Jenny Rosen',
      metadata: { plan: '' },
    });
    const deleted = await t.stripe.customers.del(created.id);
    const gone = await t.stripe.customers.retrieve(created.id);
    const updateGone = await rejectionOf(t.stripe.customers.update(created.id, { name: 'Again' }));

    // Assess
    expect(created).toMatchObject({ object: 'customer', ...fields });
    expect(retrieved).toEqual(created);
    expect(updated).toMatchObject({ id: created.id, name: 'Jenny Rosen', metadata: {} });
    expect(deleted).toEqual({ id: created.id, object: 'customer', deleted: true });
    // Stripe still answers a deleted customer's id, with only `deleted: true`; it cannot change.
    expect(gone).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect(updateGone).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const [updateEvent] = await eventsAbout(created.id, 'customer.updated');
    expect(updateEvent?.data.previous_attributes).toEqual({
      name: 'Jenny',
      metadata: { plan: 'pro' },
    });
    expect(updateEvent?.data.object).toMatchObject({ name: 'Jenny Rosen' });
    expect(await eventsAbout(created.id, 'customer.created')).toHaveLength(1);
    expect(await eventsAbout(created.id, 'customer.deleted')).toHaveLength(1);
    for (const customer of [created, retrieved, updated])
      expect(shapeMismatches('customer', wire(customer))).toEqual([]);
  });

  it('keeps metadata keys made of digits', async () => {
    // Act
    const created = await t.stripe.customers.create({ metadata: { '1': 'a', '123': 'b' } });
    const retrieved = await t.stripe.customers.retrieve(created.id);

    // Assess
    expect(created.metadata).toEqual({ '1': 'a', '123': 'b' });
    expect(retrieved).toEqual(created);
  });

  it('lists customers by email', async () => {
    // Prepare
    const email = `${unique('twin-')}@example.com`;
    const a = await t.stripe.customers.create({ email });
    const b = await t.stripe.customers.create({ email });
    await t.stripe.customers.create({ email: `${unique('other-')}@example.com` });

    // Act
    const listed = await t.stripe.customers.list({ email });

    // Assess
    expect(listed.data.map((c) => c.id)).toEqual([b.id, a.id]);
  });
});

describe('products and prices', () => {
  it('creates and updates a product in Stripe’s shape', async () => {
    // Prepare
    const product = await newProduct('Widget');

    // Act
    const updated = await t.stripe.products.update(product.id, { description: 'A fine widget' });

    // Assess
    expect(product).toMatchObject({ object: 'product', name: 'Widget', active: true });
    expect(updated.description).toBe('A fine widget');
    expect(shapeMismatches('product', wire(product))).toEqual([]);
    expect(shapeMismatches('product', wire(updated))).toEqual([]);
  });

  it('creates one-time and recurring prices, inline products included', async () => {
    // Prepare
    const product = await newProduct();

    // Act
    const oneTime = await t.stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 1500,
    });
    const monthly = await t.stripe.prices.create({
      currency: 'usd',
      unit_amount: 2000,
      recurring: { interval: 'month', interval_count: 3 },
      product_data: { name: 'Quarterly plan' },
    });
    const inline = await t.stripe.products.retrieve(monthly.product as string);

    // Assess
    expect(oneTime).toMatchObject({
      object: 'price',
      type: 'one_time',
      recurring: null,
      currency: 'eur',
      unit_amount: 1500,
      product: product.id,
    });
    expect(monthly).toMatchObject({
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 3 },
    });
    expect(inline.name).toBe('Quarterly plan');
    expect(shapeMismatches('price', wire(oneTime))).toEqual([]);
    expect(shapeMismatches('price', wire(monthly))).toEqual([]);
  });

  it('lists prices by product, type and active', async () => {
    // Prepare
    const product = await newProduct();
    const base = { product: product.id, currency: 'usd', unit_amount: 100 };
    const oneTime = await t.stripe.prices.create(base);
    const recurring = await t.stripe.prices.create({ ...base, recurring: { interval: 'year' } });
    const retired = await t.stripe.prices.create(base);
    await t.stripe.prices.update(retired.id, { active: false });

    // Act
    const byProduct = await t.stripe.prices.list({ product: product.id });
    const byType = await t.stripe.prices.list({ product: product.id, type: 'recurring' });
    const active = await t.stripe.prices.list({ product: product.id, active: true });

    // Assess
    expect(byProduct.data.map((p) => p.id)).toEqual([retired.id, recurring.id, oneTime.id]);
    expect(byType.data.map((p) => p.id)).toEqual([recurring.id]);
    expect(active.data.map((p) => p.id)).toEqual([recurring.id, oneTime.id]);
  });

  it('refuses a price without unit_amount, naming it', async () => {
    // Prepare
    const product = await newProduct();

    // Act
    const error = await rejectionOf(
      t.stripe.prices.create({ product: product.id, currency: 'usd' }),
    );

    // Assess
    expect(error).toMatchObject({ statusCode: 400, param: 'unit_amount' });
  });
});

describe('coupons', () => {
  it('creates a percent-off coupon in Stripe’s shape and deletes it', async () => {
    // Act
    const coupon = await newCoupon({
      name: '25% off',
      duration: 'repeating',
      duration_in_months: 3,
    });
    const deleted = await t.stripe.coupons.del(coupon.id);
    const gone = await rejectionOf(t.stripe.coupons.retrieve(coupon.id));

    // Assess
    expect(coupon).toMatchObject({
      object: 'coupon',
      percent_off: 25,
      amount_off: null,
      duration: 'repeating',
      duration_in_months: 3,
      valid: true,
    });
    expect(shapeMismatches('coupon', wire(coupon))).toEqual([]);
    expect(deleted).toEqual({ id: coupon.id, object: 'coupon', deleted: true });
    expect(gone).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('creates an amount-off coupon with its currency', async () => {
    // Act
    const coupon = await t.stripe.coupons.create({
      amount_off: 500,
      currency: 'USD',
      duration: 'forever',
    });

    // Assess
    expect(coupon).toMatchObject({
      amount_off: 500,
      currency: 'usd',
      percent_off: null,
      duration: 'forever',
    });
    expect(shapeMismatches('coupon', wire(coupon))).toEqual([]);
  });

  it.each([
    ['amount_off without currency', { amount_off: 500, duration: 'once' }, 'currency'],
    [
      'repeating without duration_in_months',
      { percent_off: 10, duration: 'repeating' },
      'duration_in_months',
    ],
    ['neither percent_off nor amount_off', { duration: 'once' }, 'percent_off'],
  ] as const)('refuses %s with a 400 naming the parameter', async (_, params, param) => {
    // Act
    const error = await rejectionOf(t.stripe.coupons.create(params as Stripe.CouponCreateParams));

    // Assess
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param });
  });
});

describe('promotion codes', () => {
  it('creates a code for a coupon in Stripe’s shape', async () => {
    // Prepare
    const coupon = await newCoupon();
    const code = unique('SPRING').toUpperCase();

    // Act
    const promo = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code,
    });

    // Assess
    expect(promo).toMatchObject({
      object: 'promotion_code',
      code,
      active: true,
      promotion: { type: 'coupon', coupon: coupon.id },
    });
    expect(shapeMismatches('promotion_code', wire(promo))).toEqual([]);
  });

  it('refuses a second active code with the same text, and lists by code', async () => {
    // Prepare
    const coupon = await newCoupon();
    const code = unique('ONCE').toUpperCase();
    const first = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code,
    });

    // Act
    const error = await rejectionOf(
      t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code }),
    );
    const listed = await t.stripe.promotionCodes.list({ code });

    // Assess
    expect(error).toMatchObject({ statusCode: 400, param: 'code' });
    expect(listed.data.map((p) => p.id)).toEqual([first.id]);
  });

  it('refuses a code for a coupon that does not exist', async () => {
    // Act
    const error = await rejectionOf(
      t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'NOPE' } }),
    );

    // Assess
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'promotion[coupon]',
    });
  });
});
