/**
 * How a subscription follows its invoices and its customer: active once an invoice is paid,
 * past_due when a renewal fails, cancelled when its customer is deleted.
 */
import type { World } from '../world.ts';
import { subscriptionOf } from './invoice-payments.ts';
import { cancelSubscription, setStatus } from './subscriptions.ts';

/** Registers how subscriptions follow their invoices and their customer. */
export function followInvoices(world: World): void {
  world.listen('invoice.paid', (invoice) => {
    const subscription = subscriptionOf(world, invoice);
    if (
      subscription &&
      ['incomplete', 'past_due', 'unpaid'].includes(subscription.status as string)
    ) {
      setStatus(world, subscription, 'active');
    }
  });
  world.listen('invoice.payment_failed', (invoice) => {
    const subscription = subscriptionOf(world, invoice);
    if (subscription?.status === 'active' && invoice.billing_reason !== 'subscription_create') {
      setStatus(world, subscription, 'past_due');
    }
  });
  world.listen('customer.deleted', (customer) => {
    for (const subscription of world.all('subscription')) {
      if (subscription.customer === customer.id && subscription.status !== 'canceled') {
        cancelSubscription(world, subscription);
      }
    }
  });
}
