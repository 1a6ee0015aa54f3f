/**
 * Single records through jsforce: upsert by external id (201 created, 200 updated), reads by Id
 * and by external id in Salesforce's wire formats, create and update, and the 400 / 404 answers
 * of a record that cannot be saved or found.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiPath, call, connect, rejectionOf, useSalesforceSimulator } from './support.ts';

const t = useSalesforceSimulator();
let conn: Connection;
beforeAll(async () => {
  conn = await connect(t.sim);
});

const KEY = 'Stripe_Customer_Id__c';

describe('single upsert', () => {
  it('answers 201 with created: true, then 200 with created: false', async () => {
    // Prepare
    const body = JSON.stringify({ Name: 'Solo' });
    const path = apiPath(`/sobjects/Account/${KEY}/cus_solo`);
    const headers = { 'content-type': 'application/json' };

    // Act
    const first = await call(t.sim, 'PATCH', path, {
      token: conn.accessToken ?? '',
      body,
      headers,
    });
    const second = await call(t.sim, 'PATCH', path, {
      token: conn.accessToken ?? '',
      body,
      headers,
    });

    // Assess
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(first.json).toEqual({
      id: expect.stringMatching(/^001/),
      success: true,
      errors: [],
      created: true,
    });
    expect(second.json).toEqual({ ...(first.json as object), created: false });
  });

  it('is what jsforce sends for one record, and answers its errors as a 400 array', async () => {
    // Act
    const saved = await conn
      .sobject('Account')
      .upsert({ Name: 'Single', [KEY]: 'cus_single' }, KEY);
    const error = await rejectionOf(
      conn.sobject('Account').upsert({ [KEY]: 'cus_nameless', Stripe_Currency__c: 'euro' }, KEY),
    );

    // Assess
    expect(saved).toMatchObject({ success: true, created: true });
    expect(error.name).toBe('MULTIPLE_API_ERRORS');
    expect(error.data).toEqual([
      {
        message: 'Stripe Currency: data value too large: euro (max length=3)',
        errorCode: 'STRING_TOO_LONG',
        fields: ['Stripe_Currency__c'],
      },
      {
        message: 'Required fields are missing: [Name]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['Name'],
      },
    ]);
  });
});

describe('reads', () => {
  it('reads a record by Id and by external id in the API’s wire formats', async () => {
    // Prepare
    const saved = await conn.sobject('Stripe_Invoice__c').upsert(
      {
        Stripe_Invoice_Id__c: 'in_read1',
        Due_Date__c: '2026-01-31',
        Paid_At__c: '2026-01-02T03:04:05.000Z',
        Total__c: '1999',
        Stripe_Deleted__c: 'false',
      },
      'Stripe_Invoice_Id__c',
    );
    const id = (saved as { id: string }).id;

    // Act
    const byId = await conn.sobject('Stripe_Invoice__c').retrieve(id);
    const byKey = await conn.request(
      apiPath('/sobjects/Stripe_Invoice__c/Stripe_Invoice_Id__c/in_read1?fields=Id,Total__c'),
    );

    // Assess
    expect(byId).toMatchObject({
      attributes: { type: 'Stripe_Invoice__c', url: apiPath(`/sobjects/Stripe_Invoice__c/${id}`) },
      Id: id,
      Name: id,
      Due_Date__c: '2026-01-31',
      Paid_At__c: '2026-01-02T03:04:05.000+0000',
      Total__c: 1999,
      Stripe_Deleted__c: false,
      Account__c: null,
      CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
    });
    expect(byKey).toEqual({
      attributes: { type: 'Stripe_Invoice__c', url: apiPath(`/sobjects/Stripe_Invoice__c/${id}`) },
      Id: id,
      Total__c: 1999,
    });
  });

  it('answers 404 NOT_FOUND for a missing record, object or external id field', async () => {
    // Act
    const errors = [
      await rejectionOf(conn.sobject('Account').retrieve('001000000000000AAA')),
      await rejectionOf(conn.request(apiPath(`/sobjects/Account/${KEY}/cus_nobody`))),
      await rejectionOf(conn.request(apiPath('/sobjects/Unicorn__c/001000000000000AAA'))),
      await rejectionOf(conn.request(apiPath('/sobjects/Account/Name/Acme'))),
    ];

    // Assess
    expect(errors.map((e) => `${e.errorCode}: ${e.message}`)).toEqual([
      'NOT_FOUND: The requested resource does not exist',
      'NOT_FOUND: The requested resource does not exist',
      'NOT_FOUND: The requested resource does not exist',
      'NOT_FOUND: Provided external ID field does not exist or is not accessible: Name',
    ]);
  });
});

describe('create and update', () => {
  it('creates with 201 and updates with 204, keeping read-only fields read-only', async () => {
    // Act
    const created = await conn.sobject('Account').create({ Name: 'Made', BillingCity: 'Lyon' });
    const id = (created as { id: string }).id;
    const updated = await conn.sobject('Account').update({ Id: id, BillingCountry: 'France' });
    const readOnly = await rejectionOf(
      conn.sobject('Account').update({ Id: id, CreatedDate: '2020-01-01T00:00:00Z' }),
    );

    // Assess
    expect(created).toEqual({ id: expect.stringMatching(/^001/), success: true, errors: [] });
    expect(updated).toEqual({ id, success: true, errors: [] });
    expect(t.sim.org.record('Account', 'Id', id)).toMatchObject({
      BillingCity: 'Lyon',
      BillingCountry: 'France',
    });
    expect(readOnly.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('checks lookups given as ids against the parent object', async () => {
    // Prepare
    const account = (await conn.sobject('Account').create({ Name: 'Parent' })) as { id: string };

    // Act
    const linked = await conn
      .sobject('Stripe_Payment__c')
      .create({ Stripe_Payment_Id__c: 'pi_1', Account__c: account.id });
    const wrongObject = await rejectionOf(
      conn
        .sobject('Stripe_Payment__c')
        .create({ Stripe_Payment_Id__c: 'pi_2', Invoice__c: account.id }),
    );
    const both = await rejectionOf(
      conn.sobject('Stripe_Payment__c').create({
        Stripe_Payment_Id__c: 'pi_3',
        Account__c: account.id,
        Account__r: { [KEY]: 'cus_x' },
      }),
    );

    // Assess
    expect(linked).toMatchObject({ success: true });
    expect(wrongObject.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(both.message).toBe(
      'Cannot specify both an external ID reference Account__r and a salesforce id, Account__c',
    );
  });
});

describe('describe', () => {
  it('describes objects and fields in the Describe API’s vocabulary', async () => {
    // Act
    const global = await conn.describeGlobal();
    const payment = await conn.sobject('Stripe_Payment__c').describe();

    // Assess
    expect(global.sobjects.map((o) => o.name).sort()).toEqual([
      'Account',
      'Stripe_Invoice__c',
      'Stripe_Payment__c',
      'Stripe_Subscription__c',
    ]);
    const fields = Object.fromEntries(payment.fields.map((f) => [f.name, f]));
    expect(fields.Invoice__c).toMatchObject({
      type: 'reference',
      referenceTo: ['Stripe_Invoice__c'],
      relationshipName: 'Invoice__r',
      nillable: true,
    });
    expect(fields.Stripe_Payment_Id__c).toMatchObject({
      type: 'string',
      length: 255,
      externalId: true,
      unique: true,
    });
    expect(fields.Amount__c).toMatchObject({ type: 'double', precision: 18, scale: 0 });
    expect(fields.Id).toMatchObject({ type: 'id', createable: false, updateable: false });
  });
});
