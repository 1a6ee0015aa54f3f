/**
 * Redeeming coupons and promotion codes on invoices and invoice items through the official SDK:
 * every discount of a request is checked before any is redeemed (so a refused request redeems
 * nothing), and the limits Stripe enforces: a coupon's `max_redemptions` (it then turns
 * `valid: false`) and `redeem_by`, a promotion code's customer, expiry and `max_redemptions`,
 * and an `amount_off` coupon's currency.
 */
import { describe, expect, it } from 'vitest';
import { createDiscounts } from '../../../../local/simulators/stripe/billing/discounts.ts';
import { StripeApiError } from '../../../../local/simulators/stripe/errors.ts';
import { rejectionOf, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

const oneOff = (max?: number) =>
  t.stripe.coupons.create({
    percent_off: 10,
    duration: 'once',
    ...(max === undefined ? {} : { max_redemptions: max }),
  });

describe('redeeming discounts', () => {
  it('redeems nothing when a later discount of the same request is refused', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const good = await oneOff();
    const last = await oneOff(1);
    const count = t.sim.world.allEvents().length;

    // Act
    const missing = await rejectionOf(
      t.stripe.invoices.create({
        customer: customer.id,
        discounts: [{ coupon: good.id }, { coupon: 'no_such_coupon' }],
      }),
    );
    const twice = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: customer.id,
        amount: 1_000,
        currency: 'usd',
        discounts: [{ coupon: good.id }, { coupon: last.id }, { coupon: last.id }],
      }),
    );
    let direct: unknown;
    try {
      createDiscounts(
        t.sim.world,
        [{ coupon: good.id }, { coupon: 'no_such_coupon' }],
        { customer: customer.id },
        { at: t.sim.world.now(), param: 'discounts' },
      );
    } catch (error) {
      direct = error;
    }

    // Assess
    expect([missing.statusCode, missing.param]).toEqual([404, 'discounts[1][coupon]']);
    expect([twice.statusCode, twice.code, twice.param]).toEqual([
      400,
      'coupon_expired',
      'discounts[2][coupon]',
    ]);
    expect(direct).toBeInstanceOf(StripeApiError);
    expect(await t.stripe.coupons.retrieve(good.id)).toMatchObject({ times_redeemed: 0 });
    expect(await t.stripe.coupons.retrieve(last.id)).toMatchObject({
      times_redeemed: 0,
      valid: true,
    });
    expect(t.sim.world.all('discount')).toEqual([]);
    expect((await t.stripe.invoices.list({ customer: customer.id })).data).toEqual([]);
    expect((await t.stripe.invoiceItems.list({ customer: customer.id })).data).toEqual([]);
    expect(t.sim.world.allEvents().slice(count)).toEqual([]);
  });

  it('turns a coupon invalid at max_redemptions and refuses it afterwards', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const coupon = await oneOff(1);
    await t.stripe.invoices.create({ customer: customer.id, discounts: [{ coupon: coupon.id }] });

    // Act
    const spent = await t.stripe.coupons.retrieve(coupon.id);
    const refused = await rejectionOf(
      t.stripe.invoices.create({ customer: customer.id, discounts: [{ coupon: coupon.id }] }),
    );

    // Assess
    expect(spent).toMatchObject({ times_redeemed: 1, max_redemptions: 1, valid: false });
    expect([refused.statusCode, refused.code, refused.param, refused.message]).toEqual([
      400,
      'coupon_expired',
      'discounts[0][coupon]',
      `Coupon expired: ${coupon.id}`,
    ]);
  });

  it('enforces a coupon’s redeem_by and the currency of an amount_off coupon', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const late = await t.stripe.coupons.create({
      percent_off: 5,
      redeem_by: Math.floor(Date.now() / 1000) - 60,
    });
    const euros = await t.stripe.coupons.create({ amount_off: 500, currency: 'eur' });

    // Act
    const expired = await rejectionOf(
      t.stripe.invoices.create({ customer: customer.id, discounts: [{ coupon: late.id }] }),
    );
    const foreign = await rejectionOf(
      t.stripe.invoiceItems.create({
        customer: customer.id,
        amount: 2_000,
        currency: 'usd',
        discounts: [{ coupon: euros.id }],
      }),
    );

    // Assess
    expect([expired.statusCode, expired.code, expired.param]).toEqual([
      400,
      'coupon_expired',
      'discounts[0][coupon]',
    ]);
    expect([foreign.statusCode, foreign.param]).toEqual([400, 'discounts[0][coupon]']);
    expect(foreign.message).toContain('eur');
  });

  it('enforces a promotion code’s customer, expiry and max_redemptions', async () => {
    // Prepare
    const jenny = await t.stripe.customers.create();
    const other = await t.stripe.customers.create();
    const coupon = await oneOff();
    const mine = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      customer: jenny.id,
    });
    const stale = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      expires_at: Math.floor(Date.now() / 1000) - 60,
    });
    const single = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      max_redemptions: 1,
    });
    const invoiceWith = (customer: string, code: string) =>
      t.stripe.invoices.create({ customer, discounts: [{ promotion_code: code }] });

    // Act
    const notYours = await rejectionOf(invoiceWith(other.id, mine.id));
    const yours = await invoiceWith(jenny.id, mine.id);
    const expired = await rejectionOf(invoiceWith(jenny.id, stale.id));
    await invoiceWith(jenny.id, single.id);
    const usedUp = await rejectionOf(invoiceWith(other.id, single.id));

    // Assess
    for (const error of [notYours, expired, usedUp]) {
      expect([error.statusCode, error.param]).toEqual([400, 'discounts[0][promotion_code]']);
    }
    expect(yours.discounts).toHaveLength(1);
    expect(await t.stripe.promotionCodes.retrieve(single.id)).toMatchObject({ times_redeemed: 1 });
    expect(await t.stripe.coupons.retrieve(coupon.id)).toMatchObject({ times_redeemed: 2 });
  });
});
