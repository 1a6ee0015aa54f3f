/**
 * How a subscription follows its invoices and its customer: active once an invoice is paid,
 * past_due when a renewal fails, cancelled when its customer is deleted.
 */
import type { StripeRecord, World } from '../world.ts';
import { cancelSubscription, setStatus } from './subscriptions.ts';

/** Registers how subscriptions follow their invoices and their customer. */
export function followInvoices(world: World): void {
  const subscriptionOf = (invoice: StripeRecord): StripeRecord | undefined => {
    const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
    const id = parent?.subscription_details?.subscription;
    return id ? world.find(id) : undefined;
  };
  world.listen('invoice.paid', (invoice) => {
    const subscription = subscriptionOf(invoice);
    if (
      subscription &&
      ['incomplete', 'past_due', 'unpaid'].includes(subscription.status as string)
    ) {
      setStatus(world, subscription, 'active');
    }
  });
  world.listen('invoice.payment_failed', (invoice) => {
    const subscription = subscriptionOf(invoice);
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
