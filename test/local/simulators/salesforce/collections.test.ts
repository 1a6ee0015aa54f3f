/**
 * sObject Collections through jsforce's `sobject(type).upsert(records[], extId)`: creating and
 * updating in one call, UpsertResults in request order, the per-record errors a real org gives
 * (unknown field, too long, wrong type, out of range, missing Name, a key twice, a parent that
 * does not exist), `allOrNone` rolling everything back, and the 200-record cap.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, rejectionOf, useSalesforceSimulator } from './support.ts';

const t = useSalesforceSimulator();
let conn: Connection;
beforeAll(async () => {
  conn = await connect(t.sim);
});

const KEY = 'Stripe_Customer_Id__c';
let n = 0;
/** A customer id no other test uses. */
function cus(): string {
  n += 1;
  return `cus_col${n}`;
}

/** The errors of each result as `CODE message [fields]`, or `ok`. */
function outcomes(results: unknown): string[] {
  return (
    results as {
      success: boolean;
      errors: { statusCode: string; message: string; fields: string[] }[];
    }[]
  ).map((r) =>
    r.success
      ? 'ok'
      : r.errors.map((e) => `${e.statusCode} ${e.message} [${e.fields.join(',')}]`).join('; '),
  );
}

describe('upsert by external id', () => {
  it('creates new records and updates existing ones, answering in request order', async () => {
    // Prepare
    const [a, b] = [cus(), cus()];
    await conn.sobject('Account').upsert([{ Name: 'Alpha', [KEY]: a }], KEY);

    // Act
    const results = await conn.sobject('Account').upsert(
      [
        { Name: 'Alpha Renamed', [KEY]: a, Stripe_Balance__c: -1500 },
        {
          Name: 'Beta',
          [KEY]: b,
          Stripe_Delinquent__c: true,
          Stripe_Last_Payment_Date__c: '2026-01-01T00:00:00Z',
        },
      ],
      KEY,
    );

    // Assess
    expect(results).toEqual([
      { id: expect.stringMatching(/^001\w{15}$/), success: true, errors: [], created: false },
      { id: expect.stringMatching(/^001\w{15}$/), success: true, errors: [], created: true },
    ]);
    expect(t.sim.org.record('Account', KEY, a)).toMatchObject({
      Name: 'Alpha Renamed',
      Stripe_Balance__c: -1500,
    });
    expect(t.sim.org.record('Account', KEY, b)).toMatchObject({
      Name: 'Beta',
      Stripe_Delinquent__c: true,
      Stripe_Deleted__c: false,
      Stripe_Last_Payment_Date__c: '2026-01-01T00:00:00.000Z',
    });
  });

  it('fails only the bad records, each with the error a real org gives', async () => {
    // Prepare
    const twice = cus();
    const records = [
      { Name: 'Fine', [KEY]: cus() },
      { Name: 'Unknown field', [KEY]: cus(), Foo__c: 'x' },
      { Name: 'Too long', [KEY]: cus(), Stripe_Currency__c: 'usdx' },
      { Name: 'Not a number', [KEY]: cus(), Stripe_Balance__c: 'lots' },
      { Name: 'Too big', [KEY]: cus(), Stripe_Balance__c: 1e19 },
      { [KEY]: cus(), Phone: '555' },
      { Name: 'Twice', [KEY]: twice },
      { Name: 'Twice again', [KEY]: twice },
      { Name: 'Bad email', [KEY]: cus(), Stripe_Email__c: 'nope' },
      { Name: 'Bad date', [KEY]: cus(), Stripe_Last_Payment_Date__c: 'yesterday' },
    ];

    // Act
    const results = await conn.sobject('Account').upsert(records, KEY);

    // Assess
    expect(outcomes(results)).toEqual([
      'ok',
      "INVALID_FIELD No such column 'Foo__c' on sobject of type Account []",
      'STRING_TOO_LONG Stripe Currency: data value too large: usdx (max length=3) [Stripe_Currency__c]',
      'INVALID_TYPE_ON_FIELD_IN_RECORD Stripe Balance: value not of required type: lots [Stripe_Balance__c]',
      'NUMBER_OUTSIDE_VALID_RANGE Stripe Balance: value outside of valid range on numeric field: 10000000000000000000 [Stripe_Balance__c]',
      'REQUIRED_FIELD_MISSING Required fields are missing: [Name] [Name]',
      `DUPLICATE_VALUE Duplicate external id specified: ${twice} [${KEY}]`,
      `DUPLICATE_VALUE Duplicate external id specified: ${twice} [${KEY}]`,
      'INVALID_EMAIL_ADDRESS Stripe Email: invalid email address: nope [Stripe_Email__c]',
      'INVALID_TYPE_ON_FIELD_IN_RECORD Stripe Last Payment Date: value not of required type: yesterday [Stripe_Last_Payment_Date__c]',
    ]);
    expect(t.sim.org.record('Account', KEY, twice)).toBeUndefined();
    expect(t.sim.org.records('Account').map((r) => r.Name)).toContain('Fine');
  });

  it('resolves parents by external id and fails a record whose parent does not exist', async () => {
    // Prepare
    const parent = cus();
    await conn.sobject('Account').upsert([{ Name: 'Parent', [KEY]: parent }], KEY);

    // Act
    const results = await conn.sobject('Stripe_Subscription__c').upsert(
      [
        {
          Stripe_Subscription_Id__c: 'sub_col1',
          Account__r: { [KEY]: parent },
          MRR__c: 4900,
          Currency__c: 'usd',
        },
        { Stripe_Subscription_Id__c: 'sub_col2', Account__r: { [KEY]: 'cus_missing' } },
      ],
      'Stripe_Subscription_Id__c',
    );

    // Assess
    expect(outcomes(results)).toEqual([
      'ok',
      `INVALID_FIELD Foreign key external ID: cus_missing not found for field ${KEY} in entity Account []`,
    ]);
    const sub = t.sim.org.record('Stripe_Subscription__c', 'Stripe_Subscription_Id__c', 'sub_col1');
    expect(sub).toMatchObject({
      Account__c: t.sim.org.record('Account', KEY, parent)?.Id,
      MRR__c: 4900,
      Name: sub?.Id,
      Cancel_At_Period_End__c: false,
    });
    expect(sub?.Id).toMatch(/^a0[0-9A-Z]\w{15}$/);
  });

  it('rolls every record back with allOrNone when one fails', async () => {
    // Prepare
    const existing = cus();
    await conn.sobject('Account').upsert([{ Name: 'Before', [KEY]: existing }], KEY);
    const fresh = cus();

    // Act
    const results = await conn.sobject('Account').upsert(
      [
        { Name: 'After', [KEY]: existing },
        { Name: 'New', [KEY]: fresh },
        { Name: 'Broken', [KEY]: cus(), Stripe_Tax_Exempt__c: 'x'.repeat(21) },
      ],
      KEY,
      { allOrNone: true },
    );

    // Assess
    const rolledBack =
      'ALL_OR_NONE_OPERATION_ROLLED_BACK Record rolled back because not all records were valid and the request was using AllOrNone header []';
    expect(outcomes(results)).toEqual([
      rolledBack,
      rolledBack,
      `STRING_TOO_LONG Stripe Tax Exempt: data value too large: ${'x'.repeat(21)} (max length=20) [Stripe_Tax_Exempt__c]`,
    ]);
    expect(t.sim.org.record('Account', KEY, existing)?.Name).toBe('Before');
    expect(t.sim.org.record('Account', KEY, fresh)).toBeUndefined();
  });

  it('refuses more than 200 records in one call as a whole', async () => {
    // Prepare
    const records = Array.from({ length: 201 }, (_, i) => ({
      Name: `Bulk ${i}`,
      [KEY]: `cus_bulk${i}`,
    }));

    // Act
    const error = await rejectionOf(conn.sobject('Account').upsert(records, KEY));

    // Assess
    expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect(error.message).toBe(
      'record limit reached. cannot submit more than 200 records into this call',
    );
    expect(t.sim.org.record('Account', KEY, 'cus_bulk0')).toBeUndefined();
  });

  it('answers 404 for an upsert key that is not an external id field', async () => {
    // Act
    const error = await rejectionOf(
      conn.sobject('Account').upsert([{ Name: 'X', Phone: '1' }], 'Phone'),
    );

    // Assess
    expect(error.errorCode).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'Provided external ID field does not exist or is not accessible: Phone',
    );
  });
});

describe('create and update collections', () => {
  it('creates records of several objects and updates them by Id', async () => {
    // Act
    const created = await conn
      .sobject('Account')
      .create([{ Name: 'Created 1' }, { Name: 'Created 2' }]);
    const ids = (created as { id: string }[]).map((r) => r.id);
    const updated = await conn
      .sobject('Account')
      .update(ids.map((Id) => ({ Id, Phone: '+1 555 0100' })));

    // Assess
    expect(outcomes(created)).toEqual(['ok', 'ok']);
    expect(outcomes(updated)).toEqual(['ok', 'ok']);
    expect(ids.map((id) => t.sim.org.record('Account', 'Id', id)?.Phone)).toEqual([
      '+1 555 0100',
      '+1 555 0100',
    ]);
  });
});
