/** A Stripe customer as the Salesforce Account it becomes. */
import type Stripe from 'stripe';
import type { Mapper, RecordWrite } from './types.ts';
import { dashboardLink, fitText } from './values.ts';

/** The first text that is not empty: Account Name is required, so something must fill it. */
function firstText(...candidates: (string | null | undefined)[]): string | undefined {
  return candidates.find((text): text is string => typeof text === 'string' && text.trim() !== '');
}

function street(address: Stripe.Address | null | undefined): string | null {
  const lines = [address?.line1, address?.line2].filter((line) => firstText(line) !== undefined);
  return lines.length > 0 ? lines.join('\n') : null;
}

/**
 * customer.created/updated/deleted → the Account, complete. A deleted customer as Stripe renders it
 * afterwards (only id, object and `deleted: true`) says nothing but that: a `deleted` flag that
 * must not create an Account.
 */
export const customerWrites: Mapper = ({ eventType, object, options }): RecordWrite[] => {
  if (object.deleted === true) {
    return [
      {
        kind: 'account',
        stripeId: object.id,
        values: { deleted: true },
        parents: {},
        complete: false,
      },
    ];
  }
  const customer = object as unknown as Stripe.Customer;
  const address = customer.address;
  // Lengths are those of the standard Account fields (Name 255, Phone 40, BillingCity 40, …).
  const values = {
    name: fitText(firstText(customer.name, customer.email) ?? customer.id, 255),
    email: customer.email ?? null,
    phone: fitText(customer.phone, 40),
    description: fitText(customer.description, 32_000),
    billingStreet: fitText(street(address), 255),
    billingCity: fitText(address?.city, 40),
    billingState: fitText(address?.state, 80),
    billingPostalCode: fitText(address?.postal_code, 20),
    billingCountry: fitText(address?.country, 80),
    currency: customer.currency ?? null,
    balance: customer.balance ?? null,
    delinquent: customer.delinquent ?? null,
    taxExempt: customer.tax_exempt ?? null,
    stripeLink: dashboardLink('account', customer.id, options),
    deleted: eventType === 'customer.deleted',
  };
  return [{ kind: 'account', stripeId: customer.id, values, parents: {}, complete: true }];
};
