/** Self-serve stories: sign-ups by card and by ACH, an upgrade, a customer billed in EUR. */
import { customer, latestInvoice, price, subscriber, subscriptionStatus } from './kit.ts';
import type { Scenario } from './types.ts';

export const cardSignup: Scenario = {
  name: 'card-signup',
  title: 'Self-serve sign-up paying by card: customer, monthly subscription, first invoice paid',
  async run(context) {
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Ada Card',
      email: 'ada@example.com',
      product: 'Starter',
      amount: 2_900,
    });
    const invoice = await latestInvoice(context, subscription.id);
    return { customer: buyer.id, subscription: subscription.id, invoice: invoice.id };
  },
};

export const achSignup: Scenario = {
  name: 'ach-signup',
  title: 'Self-serve sign-up paying by ACH debit: the first payment processes, then succeeds',
  async run(context) {
    const { stripe } = context;
    const plan = await price(context, { product: 'Team', amount: 9_900, interval: 'month' });
    const bank = await stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: {
        account_holder_type: 'company',
        routing_number: '110000000',
        account_number: '000123456789',
      },
      billing_details: { name: 'Bea Bank Ltd' },
    });
    const buyer = await customer(context, {
      name: 'Bea Bank Ltd',
      email: 'ap@bea.example',
      paymentMethod: bank.id,
    });
    const subscription = await stripe.subscriptions.create({
      customer: buyer.id,
      items: [{ price: plan.id }],
      payment_settings: { payment_method_types: ['us_bank_account'] },
    });
    context.log(
      `subscription ${subscription.id} is ${subscription.status} while the debit processes …`,
    );
    await subscriptionStatus(context, subscription.id, 'active');
    const invoice = await latestInvoice(context, subscription.id);
    return { customer: buyer.id, subscription: subscription.id, invoice: invoice.id };
  },
};

export const upgradeWithProration: Scenario = {
  name: 'upgrade-proration',
  title: 'Upgrade mid-period: Starter → Pro with proration invoiced at once',
  async run(context) {
    const { stripe } = context;
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Cy Upgrade',
      email: 'cy@example.com',
      product: 'Starter',
      amount: 2_900,
    });
    const pro = await price(context, { product: 'Pro', amount: 7_900, interval: 'month' });
    const [item] = subscription.items.data;
    if (item === undefined) throw new Error('The subscription has no item.');
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await latestInvoice(context, subscription.id);
    context.log(`proration invoice ${invoice.id}: ${invoice.status}, total ${invoice.total}`);
    return { customer: buyer.id, subscription: subscription.id, proration_invoice: invoice.id };
  },
};

export const eurCustomer: Scenario = {
  name: 'eur-customer',
  title: 'A customer billed in EUR: a yearly subscription priced in euros',
  async run(context) {
    const { customer: buyer, subscription } = await subscriber(context, {
      name: 'Émile Euro SARL',
      email: 'compta@emile.example',
      product: 'Business (EU)',
      amount: 99_000,
      currency: 'eur',
      interval: 'year',
    });
    const invoice = await latestInvoice(context, subscription.id);
    return { customer: buyer.id, subscription: subscription.id, invoice: invoice.id };
  },
};
