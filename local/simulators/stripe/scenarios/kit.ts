/** Building blocks the scenarios share: a catalog price, a paying customer, a test clock. */
import type Stripe from 'stripe';
import type { ScenarioContext } from './types.ts';

/** A product with one recurring price (or a one-time price when `interval` is undefined). */
export async function price(
  { stripe }: ScenarioContext,
  input: {
    product: string;
    amount: number;
    currency?: string;
    interval?: 'month' | 'year';
    nickname?: string;
  },
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: input.currency ?? 'usd',
    unit_amount: input.amount,
    nickname: input.nickname ?? input.product,
    product_data: { name: input.product },
    ...(input.interval ? { recurring: { interval: input.interval } } : {}),
  });
}

/**
 * A customer with a default payment method: one of Stripe's test cards (`pm_card_visa`,
 * `pm_card_chargeCustomerFail`, …) or a payment method created beforehand.
 */
export async function customer(
  { stripe, log }: ScenarioContext,
  input: {
    name: string;
    email: string;
    paymentMethod?: string;
    testClock?: string;
    currency?: string;
  },
): Promise<Stripe.Customer> {
  const created = await stripe.customers.create({
    name: input.name,
    email: input.email,
    ...(input.testClock ? { test_clock: input.testClock } : {}),
    ...(input.paymentMethod
      ? {
          payment_method: input.paymentMethod,
          invoice_settings: { default_payment_method: input.paymentMethod },
        }
      : {}),
  });
  log(`customer ${created.id} (${input.name})`);
  return created;
}

/** A test clock frozen at `at` (now by default). */
export async function testClock(
  { stripe, log }: ScenarioContext,
  name: string,
  at?: number,
): Promise<Stripe.TestHelpers.TestClock> {
  const clock = await stripe.testHelpers.testClocks.create({
    frozen_time: at ?? Math.floor(Date.now() / 1000),
    name,
  });
  log(`test clock ${clock.id} frozen at ${new Date(clock.frozen_time * 1000).toISOString()}`);
  return clock;
}

/** Advances a test clock and waits until it is ready again. */
export async function advance(context: ScenarioContext, clock: string, to: number): Promise<void> {
  const { stripe, log, until } = context;
  await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  log(`advancing ${clock} to ${new Date(to * 1000).toISOString()} …`);
  await until(
    `test clock ${clock} to be ready`,
    async () => {
      const current = await stripe.testHelpers.testClocks.retrieve(clock);
      return current.status === 'ready' ? true : undefined;
    },
    120_000,
  );
}

/** The invoice a subscription billed last, expanded. */
export async function latestInvoice(
  { stripe }: ScenarioContext,
  subscription: string,
): Promise<Stripe.Invoice> {
  const current = await stripe.subscriptions.retrieve(subscription, { expand: ['latest_invoice'] });
  const invoice = current.latest_invoice;
  if (invoice === null || typeof invoice === 'string')
    throw new Error(`Subscription ${subscription} has no invoice.`);
  return invoice;
}

/** Waits until the subscription has the given status. */
export async function subscriptionStatus(
  context: ScenarioContext,
  subscription: string,
  status: Stripe.Subscription.Status,
): Promise<void> {
  await context.until(`subscription ${subscription} to be ${status}`, async () => {
    const current = await context.stripe.subscriptions.retrieve(subscription);
    return current.status === status ? true : undefined;
  });
}

/** A month and two hours: past a monthly renewal and the hour Stripe waits to finalize it. */
export const MONTH_AND_A_BIT = 33 * 86_400;

/**
 * The opening of most stories: a product and price, a customer paying by card (or the given
 * payment method), subscribed and active, on a test clock when one is given.
 */
export async function subscriber(
  context: ScenarioContext,
  input: {
    name: string;
    email: string;
    product: string;
    amount: number;
    currency?: string;
    interval?: 'month' | 'year';
    quantity?: number;
    paymentMethod?: string;
    testClock?: string;
  },
): Promise<{ price: Stripe.Price; customer: Stripe.Customer; subscription: Stripe.Subscription }> {
  const plan = await price(context, {
    product: input.product,
    amount: input.amount,
    interval: input.interval ?? 'month',
    ...(input.currency ? { currency: input.currency } : {}),
  });
  const buyer = await customer(context, {
    name: input.name,
    email: input.email,
    paymentMethod: input.paymentMethod ?? 'pm_card_visa',
    ...(input.testClock ? { testClock: input.testClock } : {}),
  });
  const subscription = await context.stripe.subscriptions.create({
    customer: buyer.id,
    items: [{ price: plan.id, quantity: input.quantity ?? 1 }],
  });
  await subscriptionStatus(context, subscription.id, 'active');
  return { price: plan, customer: buyer, subscription };
}
