/**
 * The SOQL subset through jsforce's `query`: selected and relationship fields, WHERE with
 * comparisons, IN, null, numbers, booleans and parentheses, ORDER BY, LIMIT, COUNT(), queryMore
 * past 2000 records, and the 400s of a query Salesforce refuses.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, rejectionOf, useSalesforceSimulator } from './support.ts';

const t = useSalesforceSimulator();
let conn: Connection;
const KEY = 'Stripe_Customer_Id__c';

beforeAll(async () => {
  conn = await connect(t.sim);
  await conn.sobject('Account').upsert(
    [
      {
        Name: 'Acme',
        [KEY]: 'cus_q1',
        Stripe_Balance__c: -500,
        Stripe_Delinquent__c: true,
        Stripe_Currency__c: 'usd',
      },
      { Name: 'Globex', [KEY]: 'cus_q2', Stripe_Balance__c: 0, Stripe_Currency__c: 'eur' },
      { Name: 'Initech', [KEY]: 'cus_q3', Stripe_Balance__c: 1200 },
    ],
    KEY,
  );
  await conn.sobject('Stripe_Subscription__c').upsert(
    [
      {
        Stripe_Subscription_Id__c: 'sub_q1',
        Name: 'sub_q1',
        Account__r: { [KEY]: 'cus_q1' },
        Status__c: 'active',
      },
      { Stripe_Subscription_Id__c: 'sub_q2', Name: 'sub_q2', Status__c: 'canceled' },
    ],
    'Stripe_Subscription_Id__c',
  );
});

/** The names the query returns, in order. */
async function names(soql: string): Promise<string[]> {
  const result = await conn.query<{ Name: string }>(soql);
  return result.records.map((r) => r.Name);
}

describe('SELECT … FROM … WHERE', () => {
  it('filters with =, !=, IN, null, numbers, booleans and parentheses', async () => {
    // Act
    const answers = [
      await names(`SELECT Name FROM Account WHERE ${KEY} = 'cus_q1'`),
      await names(
        `SELECT Name FROM Account WHERE ${KEY} != 'cus_q1' AND ${KEY} != null ORDER BY Name`,
      ),
      await names(
        `SELECT Name FROM Account WHERE ${KEY} IN ('cus_q2', 'cus_q3') ORDER BY Name DESC`,
      ),
      await names(
        `SELECT Name FROM Account WHERE ${KEY} LIKE 'cus_q%' AND Stripe_Currency__c = null`,
      ),
      await names(`SELECT Name FROM Account WHERE ${KEY} LIKE 'cus_q%' AND Stripe_Balance__c < 0`),
      await names('SELECT Name FROM Account WHERE Stripe_Delinquent__c = true'),
      await names(
        `SELECT Name FROM Account WHERE (Stripe_Balance__c > 1000 OR Stripe_Currency__c = 'EUR') AND ${KEY} != null ORDER BY Name`,
      ),
      await names(
        `SELECT Name FROM Account WHERE ${KEY} LIKE 'cus_q%' ORDER BY Stripe_Balance__c DESC LIMIT 2`,
      ),
    ];

    // Assess
    expect(answers).toEqual([
      ['Acme'],
      ['Globex', 'Initech'],
      ['Initech', 'Globex'],
      ['Initech'],
      ['Acme'],
      ['Acme'],
      ['Globex', 'Initech'],
      ['Initech', 'Globex'],
    ]);
  });

  it('reads fields of the parent through a relationship, null when there is none', async () => {
    // Act
    const result = await conn.query(
      `SELECT Name, Status__c, Account__r.${KEY}, Account__r.Name FROM Stripe_Subscription__c WHERE Stripe_Subscription_Id__c IN ('sub_q1', 'sub_q2') ORDER BY Name`,
    );

    // Assess
    const [first, second] = result.records as Record<string, unknown>[];
    expect(first).toMatchObject({
      attributes: { type: 'Stripe_Subscription__c' },
      Name: 'sub_q1',
      Status__c: 'active',
      Account__r: { attributes: { type: 'Account' }, [KEY]: 'cus_q1', Name: 'Acme' },
    });
    expect(second).toMatchObject({ Name: 'sub_q2', Account__r: null });
  });

  it('filters on a relationship field and counts with COUNT()', async () => {
    // Act
    const byParent = await names(
      `SELECT Name FROM Stripe_Subscription__c WHERE Account__r.${KEY} = 'cus_q1'`,
    );
    const count = await conn.query(`SELECT COUNT() FROM Account WHERE ${KEY} LIKE 'cus_q%'`);

    // Assess
    expect(byParent).toEqual(['sub_q1']);
    expect(count).toMatchObject({ totalSize: 3, done: true, records: [] });
  });
});

describe('queryMore', () => {
  it('pages 2000 records at a time and jsforce fetches them all', async () => {
    // Prepare
    for (let batch = 0; batch < 11; batch += 1) {
      const records = Array.from({ length: 200 }, (_, i) => ({
        Name: `Many ${batch * 200 + i}`,
        [KEY]: `cus_many${batch * 200 + i}`,
      }));
      await conn.sobject('Account').upsert(records, KEY);
    }
    const before = t.sim.org.calls.byKind.query;

    // Act
    const first = await conn.query(`SELECT Id FROM Account WHERE ${KEY} LIKE 'cus_many%'`);
    const all = await conn
      .query(`SELECT Id FROM Account WHERE ${KEY} LIKE 'cus_many%'`)
      .run({ autoFetch: true, maxFetch: 5000 });

    // Assess
    expect(first).toMatchObject({ totalSize: 2200, done: false });
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    expect(all.records).toHaveLength(2200);
    expect(t.sim.org.calls.byKind.query - before).toBe(3);
  });
});

describe('refused queries', () => {
  it('answers 400 with Salesforce’s codes and caret messages', async () => {
    // Act
    const errors = await Promise.all(
      [
        'SELECT Foo__c FROM Account',
        'SELECT Name FROM Unicorn__c',
        'SELECT Name FROM Stripe_Subscription__c WHERE Acount__r.Name = null',
        'SELECT Name FRM Account',
        "SELECT Name FROM Account WHERE Name = 'a' AND Phone = 'b' OR Phone = 'c'",
        "SELECT Name FROM Account WHERE Stripe_Balance__c = '5'",
        'SELECT Name FROM Account WHERE Name = 5',
      ].map((soql) => rejectionOf(conn.query(soql))),
    );

    // Assess
    expect(errors.map((e) => e.errorCode)).toEqual([
      'INVALID_FIELD',
      'INVALID_TYPE',
      'INVALID_FIELD',
      'MALFORMED_QUERY',
      'MALFORMED_QUERY',
      'INVALID_FIELD',
      'INVALID_FIELD',
    ]);
    expect(errors[0]?.message).toBe(
      "\nSELECT Foo__c FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    expect(errors[3]?.message).toMatch(/ERROR at Row:1:Column:13\nunexpected token: 'FRM'$/);
    expect(errors[5]?.message).toMatch(
      /value of filter criterion for field 'Stripe_Balance__c' must be of type double and should not be enclosed in quotes$/,
    );
  });
});
