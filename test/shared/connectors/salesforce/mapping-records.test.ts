/**
 * The Salesforce record one logical write becomes, through the default field map and a user's
 * override: upsert key, mapped values, values mapped to null left out, Name, parent references.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FIELD_MAP,
  parseFieldMap,
  toSalesforceRecord,
} from '../../../../shared/connectors/salesforce/field-map.ts';
import type { RecordWrite } from '../../../../shared/connectors/salesforce/mapping.ts';

describe('toSalesforceRecord', () => {
  it('writes a customer’s Account by its Stripe id, leaving out values mapped to null', () => {
    // Prepare
    const account: RecordWrite = {
      kind: 'account',
      stripeId: 'cus_1',
      values: {
        name: 'Ada',
        email: 'ada@example.com',
        description: 'not written',
        balance: -500,
        deleted: false,
      },
      parents: {},
      complete: true,
    };

    // Act
    const written = toSalesforceRecord(account, DEFAULT_FIELD_MAP);

    // Assess
    expect(written).toEqual({
      object: 'Account',
      externalIdField: 'Stripe_Customer_Id__c',
      record: {
        attributes: { type: 'Account' },
        Stripe_Customer_Id__c: 'cus_1',
        Name: 'Ada',
        Stripe_Email__c: 'ada@example.com',
        Stripe_Balance__c: -500,
        Stripe_Deleted__c: false,
      },
    });
  });

  it('names a new custom record after its Stripe id and points at its parents by their Stripe ids', () => {
    // Prepare
    const invoice: RecordWrite = {
      kind: 'invoice',
      stripeId: 'in_1',
      values: { status: 'paid', total: 9700, paidAt: null },
      parents: { account: 'cus_1', subscription: 'sub_1' },
      complete: true,
    };

    // Act
    const { record } = toSalesforceRecord(invoice, DEFAULT_FIELD_MAP);

    // Assess
    expect(record).toEqual({
      attributes: { type: 'Stripe_Invoice__c' },
      Stripe_Invoice_Id__c: 'in_1',
      Name: 'in_1',
      Status__c: 'paid',
      Total__c: 9700,
      Paid_At__c: null,
      Account__r: { Stripe_Customer_Id__c: 'cus_1' },
      Subscription__r: { Stripe_Subscription_Id__c: 'sub_1' },
    });
  });

  it('gives a partial write no Name, so it cannot create a nameless record', () => {
    // Prepare
    const link: RecordWrite = {
      kind: 'payment',
      stripeId: 'pi_1',
      values: {},
      parents: { invoice: 'in_1' },
      complete: false,
    };

    // Act
    const { record } = toSalesforceRecord(link, DEFAULT_FIELD_MAP);

    // Assess
    expect(record).toEqual({
      attributes: { type: 'Stripe_Payment__c' },
      Stripe_Payment_Id__c: 'pi_1',
      Invoice__r: { Stripe_Invoice_Id__c: 'in_1' },
    });
  });

  it('follows an override: other fields, objects and upsert keys, and links it no longer makes', () => {
    // Prepare
    const map = parseFieldMap(
      {
        invoice: { object: 'acme__Invoice__c', externalIdField: 'acme__Stripe_Id__c' },
        payment: {
          fields: { amount: 'Gross__c', failureMessage: null },
          parents: { account: null },
        },
      },
      'SALESFORCE_FIELD_MAP',
    );
    const payment: RecordWrite = {
      kind: 'payment',
      stripeId: 'pi_1',
      values: { amount: 2000, failureMessage: 'Declined', unknownKey: 'left out' },
      parents: { account: 'cus_1', invoice: 'in_1' },
      complete: true,
    };

    // Act
    const { record } = toSalesforceRecord(payment, map);

    // Assess
    expect(record).toEqual({
      attributes: { type: 'Stripe_Payment__c' },
      Stripe_Payment_Id__c: 'pi_1',
      Name: 'pi_1',
      Gross__c: 2000,
      Invoice__r: { acme__Stripe_Id__c: 'in_1' },
    });
  });
});
