/**
 * A Stripe customer as the Salesforce Account: every logical value from the customer object of
 * Stripe's own fixtures (fixtures3.json), its variations, deleted customers and dashboard links.
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  type MappableObject,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };

/** Stripe's example customer with a full address and contact details, overridden by `fields`. */
function customer(fields: Partial<Stripe.Customer> = {}): Stripe.Customer {
  const base = openapiObject('customer') as unknown as Stripe.Customer;
  return {
    ...base,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+44 20 7946 0000',
    description: 'Analytical engines',
    address: {
      line1: '12 St James Square',
      line2: 'Floor 2',
      city: 'London',
      state: 'Greater London',
      postal_code: 'SW1Y 4JH',
      country: 'GB',
    },
    currency: 'gbp',
    balance: -500,
    delinquent: true,
    tax_exempt: 'reverse',
    ...fields,
  };
}

function accountWrite(eventType: string, object: Stripe.Customer | Stripe.DeletedCustomer) {
  return writesFor({ eventType, object: object as unknown as MappableObject, options: TEST });
}

describe('customer → Account', () => {
  it.each(['customer.created', 'customer.updated'])('%s writes every value', (eventType) => {
    // Prepare
    const ada = customer();

    // Act
    const writes = accountWrite(eventType, ada);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'account',
        stripeId: ada.id,
        complete: true,
        parents: {},
        values: {
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          phone: '+44 20 7946 0000',
          description: 'Analytical engines',
          billingStreet: '12 St James Square\nFloor 2',
          billingCity: 'London',
          billingState: 'Greater London',
          billingPostalCode: 'SW1Y 4JH',
          billingCountry: 'GB',
          currency: 'gbp',
          balance: -500,
          delinquent: true,
          taxExempt: 'reverse',
          stripeLink: `https://dashboard.stripe.com/test/customers/${ada.id}`,
          deleted: false,
        },
      },
    ]);
  });

  it('writes Stripe’s example customer as it is: nulls clear, the id names it', () => {
    // Prepare
    const example = openapiObject('customer') as unknown as Stripe.Customer;

    // Act
    const [write] = accountWrite('customer.created', example);

    // Assess
    expect(write?.values).toMatchObject({
      name: example.id,
      email: null,
      phone: null,
      billingStreet: null,
      billingCity: null,
      billingCountry: null,
      currency: example.currency,
      balance: example.balance,
      delinquent: example.delinquent,
      taxExempt: example.tax_exempt,
    });
  });

  it.each([
    ['its name', { name: 'Grace Hopper', email: 'grace@example.com' }, 'Grace Hopper'],
    [
      'its email when it has no name',
      { name: null, email: 'grace@example.com' },
      'grace@example.com',
    ],
    [
      'its email when the name is blank',
      { name: '  ', email: 'grace@example.com' },
      'grace@example.com',
    ],
    ['its id when it has neither', { name: null, email: null }, 'cus_QXg1o8vcGmoR32'],
  ])('names the Account after %s', (_, fields, expected) => {
    // Act
    const [write] = accountWrite('customer.updated', customer(fields));

    // Assess
    expect(write?.values.name).toBe(expected);
  });

  it.each([
    ['one line', { line1: '1 Main St', line2: null }, '1 Main St'],
    ['two lines', { line1: '1 Main St', line2: 'Suite 5' }, '1 Main St\nSuite 5'],
    ['only a second line', { line1: null, line2: 'Suite 5' }, 'Suite 5'],
    ['no street', { line1: null, line2: null }, null],
  ])('writes the billing street from %s', (_, street, expected) => {
    // Prepare
    const address = { city: null, country: null, postal_code: null, state: null, ...street };

    // Act
    const [write] = accountWrite('customer.updated', customer({ address }));

    // Assess
    expect(write?.values.billingStreet).toBe(expected);
  });

  it('writes no address when the customer has none', () => {
    // Act
    const [write] = accountWrite('customer.updated', customer({ address: null }));

    // Assess
    expect(write?.values).toMatchObject({
      billingStreet: null,
      billingCity: null,
      billingState: null,
      billingPostalCode: null,
      billingCountry: null,
    });
  });

  it('cuts text to the length of its Account field, marking the cut', () => {
    // Prepare
    const long = customer({ name: 'N'.repeat(300), phone: '1'.repeat(50) });

    // Act
    const [write] = accountWrite('customer.updated', long);

    // Assess
    expect(write?.values.name).toBe(`${'N'.repeat(254)}…`);
    expect(write?.values.phone).toBe(`${'1'.repeat(39)}…`);
  });

  it('links to the live Dashboard without /test in live mode', () => {
    // Prepare
    const ada = customer();

    // Act
    const [write] = writesFor({
      eventType: 'customer.updated',
      object: ada as unknown as MappableObject,
      options: { livemode: true },
    });

    // Assess
    expect(write?.values.stripeLink).toBe(`https://dashboard.stripe.com/customers/${ada.id}`);
  });
});

describe('deleted customers', () => {
  it('flags the Account without creating one when Stripe sends only the deleted stub', () => {
    // Prepare
    const stub: Stripe.DeletedCustomer = { id: 'cus_gone', object: 'customer', deleted: true };

    // Act
    const writes = accountWrite('customer.deleted', stub);

    // Assess
    expect(writes).toEqual([
      {
        kind: 'account',
        stripeId: 'cus_gone',
        values: { deleted: true },
        parents: {},
        complete: false,
      },
    ]);
  });

  it('writes the whole Account, flagged deleted, when customer.deleted carries the full customer', () => {
    // Prepare
    const ada = customer();

    // Act
    const [write] = accountWrite('customer.deleted', ada);

    // Assess
    expect(write).toMatchObject({
      complete: true,
      values: { name: 'Ada Lovelace', deleted: true },
    });
  });
});
