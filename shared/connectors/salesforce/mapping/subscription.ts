/** A Stripe subscription as the Stripe_Subscription__c record it becomes. */
import type Stripe from 'stripe';
import { monthlyRecurringRevenue } from './mrr.ts';
import { intervalLabel, unitAmountIn } from './prices.ts';
import type { Mapper, RecordWrite } from './types.ts';
import { dashboardLink, expanded, fitText, formatAmount, idOf, isoDateTime } from './values.ts';

/** What people call a price: its product's name if Stripe expanded it, else its nickname, else its id. */
function planName(price: Stripe.Price): string {
  const product = expanded(price.product);
  const productName = product && 'name' in product ? product.name : undefined;
  return productName || price.nickname || price.id;
}

/** `2 × Pro (price_123) 20.00 usd/month`: one item, as a person reads it. */
function itemLine(item: Stripe.SubscriptionItem, currency: string): string {
  const { price } = item;
  const shownCurrency = unitAmountIn(price, currency) === null ? price.currency : currency;
  const unitAmount = unitAmountIn(price, shownCurrency);
  const amount =
    price.billing_scheme === 'tiered'
      ? 'tiered'
      : unitAmount === null
        ? 'custom amount'
        : formatAmount(unitAmount, shownCurrency);
  const quantity = item.quantity === undefined ? '' : `${item.quantity} × `;
  const metered = price.recurring?.usage_type === 'metered' ? ' per unit used' : '';
  const interval = intervalLabel(price.recurring);
  return `${quantity}${planName(price)} (${price.id}) ${amount} ${shownCurrency}${metered}/${interval}`;
}

function earliest(values: readonly number[]): number | null {
  return values.length > 0 ? Math.min(...values) : null;
}

function latest(values: readonly number[]): number | null {
  return values.length > 0 ? Math.max(...values) : null;
}

/**
 * customer.subscription.* → the subscription record, complete, under its Account. The billing
 * period lives on each item at this API version: the record shows the earliest start and the
 * latest end over the items.
 */
export const subscriptionWrites: Mapper = ({ object, options }): RecordWrite[] => {
  const subscription = object as unknown as Stripe.Subscription;
  const items = subscription.items?.data ?? [];
  const customerId = idOf(subscription.customer);
  const periodStarts = items.map((item) => item.current_period_start).filter(Number.isFinite);
  const periodEnds = items.map((item) => item.current_period_end).filter(Number.isFinite);
  // Lengths are those of the default fields: Status__c 40, Items__c 32768, Plan_Names__c 255.
  const values = {
    status: fitText(subscription.status, 40),
    items: fitText(items.map((item) => itemLine(item, subscription.currency)).join('\n'), 32_768),
    planNames: fitText([...new Set(items.map((item) => planName(item.price)))].join(', '), 255),
    quantity: items.reduce((sum, item) => sum + (item.quantity ?? 0), 0),
    mrr: monthlyRecurringRevenue(subscription),
    currency: subscription.currency,
    currentPeriodStart: isoDateTime(earliest(periodStarts)),
    currentPeriodEnd: isoDateTime(latest(periodEnds)),
    trialEnd: isoDateTime(subscription.trial_end),
    cancelAt: isoDateTime(subscription.cancel_at),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    canceledAt: isoDateTime(subscription.canceled_at),
    stripeLink: dashboardLink('subscription', subscription.id, options),
  };
  const parents = customerId === null ? {} : { account: customerId };
  return [{ kind: 'subscription', stripeId: subscription.id, values, parents, complete: true }];
};
