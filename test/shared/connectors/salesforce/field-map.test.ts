/**
 * The field map: the documented defaults, and a user's override merged over them (and every
 * mistake it can hold, each with the message a user reads).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FIELD_MAP,
  parseFieldMap,
} from '../../../../shared/connectors/salesforce/field-map.ts';
import { RECORD_KINDS } from '../../../../shared/connectors/salesforce/mapping.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SOURCE = 'SALESFORCE_FIELD_MAP';
const KEYS_OF_ACCOUNT = Object.keys(DEFAULT_FIELD_MAP.account.fields).join(', ');

describe('DEFAULT_FIELD_MAP', () => {
  it('is the documented field-map.json, frozen', () => {
    // Prepare
    const file = join(ROOT, 'shared', 'connectors', 'salesforce', 'field-map.json');

    // Act
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));

    // Assess
    expect(DEFAULT_FIELD_MAP).toEqual(json);
    expect(Object.isFrozen(DEFAULT_FIELD_MAP.account.fields)).toBe(true);
  });

  it('is documented key by key, with its default field, in docs/salesforce-field-map.md', () => {
    // Prepare
    const doc = readFileSync(join(ROOT, 'docs', 'salesforce-field-map.md'), 'utf8');
    const sections = doc.split('\n## ');

    // Act
    const documented = RECORD_KINDS.flatMap((kind) => {
      const section = sections.find((text) => text.split('\n')[0]?.includes(`(\`${kind}\``)) ?? '';
      return [...section.matchAll(/^\| `(\w+)` +\| (?:`(\w+)`|_\(not written\)_) +\|/gm)].map(
        ([, key, field]) => `${kind}.${key} → ${field ?? null}`,
      );
    });

    // Assess
    const mapped = RECORD_KINDS.flatMap((kind) =>
      Object.entries(DEFAULT_FIELD_MAP[kind].fields).map(
        ([key, field]) => `${kind}.${key} → ${field}`,
      ),
    );
    expect(documented).toEqual(mapped);
  });
});

describe('parseFieldMap', () => {
  it.each([undefined, null, '', '  \n'])(
    'gives the defaults for an unset override (%j)',
    (override) => {
      // Act
      const map = parseFieldMap(override, SOURCE);

      // Assess
      expect(map).toBe(DEFAULT_FIELD_MAP);
    },
  );

  it.each([
    ['JSON text', '{"account": {"fields": {"email": "Billing_Email__c", "phone": null}}}'],
    ['a parsed object', { account: { fields: { email: 'Billing_Email__c', phone: null } } }],
  ])('changes only what an override names, given as %s', (_, override) => {
    // Act
    const map = parseFieldMap(override, SOURCE);

    // Assess
    expect(map.account.fields).toEqual({
      ...DEFAULT_FIELD_MAP.account.fields,
      email: 'Billing_Email__c',
      phone: null,
    });
    expect(map.account.object).toBe('Account');
    expect(map.subscription).toEqual(DEFAULT_FIELD_MAP.subscription);
    expect(DEFAULT_FIELD_MAP.account.fields.email).toBe('Stripe_Email__c');
  });

  it('moves objects, upsert keys and links, and swaps fields between keys', () => {
    // Prepare
    const override = {
      account: { fields: { phone: 'Stripe_Email__c', email: 'Phone' } },
      invoice: { object: 'acme__Invoice__c', externalIdField: 'acme__Stripe_Id__c' },
      payment: { parents: { invoice: null, account: 'Customer__r' } },
    };

    // Act
    const map = parseFieldMap(override, SOURCE);

    // Assess
    expect(map.account.fields).toMatchObject({ phone: 'Stripe_Email__c', email: 'Phone' });
    expect(map.invoice).toMatchObject({
      object: 'acme__Invoice__c',
      externalIdField: 'acme__Stripe_Id__c',
    });
    expect(map.payment.parents).toEqual({ account: 'Customer__r' });
  });

  it('accepts the overrides docs/salesforce-field-map.md shows', () => {
    // Prepare
    const doc = readFileSync(join(ROOT, 'docs', 'salesforce-field-map.md'), 'utf8');
    const examples = [
      ...doc.matchAll(/```json\n([\s\S]*?)```/g),
      ...doc.matchAll(/salesforceFieldMap='([^']+)'/g),
    ];

    // Act
    const maps = examples.map(([, json]) => parseFieldMap(json, 'the documentation'));

    // Assess
    expect(maps).toHaveLength(2);
    expect(maps[0]?.account.fields.email).toBe('Billing_Email__c');
    expect(maps[1]?.account.fields.phone).toBeNull();
  });

  it('says which setting holds text that is not JSON, and what to write instead', () => {
    // Act
    const parse = () => parseFieldMap('{account: {}}', SOURCE);

    // Assess
    expect(parse).toThrow(
      /^SALESFORCE_FIELD_MAP is not valid JSON \(.+\); set it to a JSON object such as \{"account": \{"fields": \{"email": "Billing_Email__c"\}\}\}\.$/,
    );
  });

  it.each([
    [
      'an array',
      '[]',
      `${SOURCE} must be a JSON object keyed by record kind (account, subscription, invoice, payment); it is an array.`,
    ],
    [
      'an unknown kind',
      { contact: {} },
      `${SOURCE} names an unknown record kind "contact"; the kinds are account, subscription, invoice, payment.`,
    ],
    [
      'a kind that is not an object',
      { account: 'Account' },
      `${SOURCE}: account must be an object with any of object, externalIdField, fields, parents; it is a string.`,
    ],
    [
      'an unknown setting',
      { account: { field: {} } },
      `${SOURCE}: account has an unknown setting "field"; the settings are object, externalIdField, fields, parents.`,
    ],
    [
      'fields that are not an object',
      { account: { fields: ['Name'] } },
      `${SOURCE}: account.fields must be an object from logical key to Salesforce field or null; it is an array.`,
    ],
    [
      'an unknown logical key',
      { account: { fields: { mail: 'Mail__c' } } },
      `${SOURCE}: account.fields has an unknown logical key "mail"; the keys are ${KEYS_OF_ACCOUNT}.`,
    ],
    [
      'a field that is not a name',
      { account: { fields: { email: 42 } } },
      `${SOURCE}: account.fields.email must be a Salesforce field API name (a string), or null to not write it; it is a number.`,
    ],
    [
      'a field given as an object',
      { account: { fields: { email: { name: 'Billing_Email__c' } } } },
      `${SOURCE}: account.fields.email must be a Salesforce field API name (a string), or null to not write it; it is an object.`,
    ],
    [
      'a field with a space',
      { account: { fields: { email: 'Billing Email' } } },
      `${SOURCE}: account.fields.email is "Billing Email", which is not a Salesforce field API name: use letters, digits and single underscores, starting with a letter, as in Billing_Email__c, or null to not write it.`,
    ],
    [
      'a field with a double underscore inside',
      { invoice: { fields: { tax: 'Tax__Total__Amount__c' } } },
      `${SOURCE}: invoice.fields.tax is "Tax__Total__Amount__c", which is not a Salesforce field API name: use letters, digits and single underscores, starting with a letter, as in Billing_Email__c, or null to not write it.`,
    ],
    [
      'a field ending in an underscore',
      { invoice: { fields: { tax: 'Tax___c' } } },
      `${SOURCE}: invoice.fields.tax is "Tax___c", which is not a Salesforce field API name: use letters, digits and single underscores, starting with a letter, as in Billing_Email__c, or null to not write it.`,
    ],
    [
      'a field starting with a digit',
      { invoice: { fields: { tax: '1Tax__c' } } },
      `${SOURCE}: invoice.fields.tax is "1Tax__c", which is not a Salesforce field API name: use letters, digits and single underscores, starting with a letter, as in Billing_Email__c, or null to not write it.`,
    ],
    [
      'a field name over 40 characters',
      { invoice: { fields: { tax: `${'T'.repeat(41)}__c` } } },
      `${SOURCE}: invoice.fields.tax is "${'T'.repeat(41)}__c", which is not a Salesforce field API name: use letters, digits and single underscores, starting with a letter, as in Billing_Email__c, or null to not write it.`,
    ],
    [
      'an object that is not a name',
      { payment: { object: 'Stripe Payment' } },
      `${SOURCE}: payment.object is "Stripe Payment", which is not a Salesforce object API name: use letters, digits and single underscores, starting with a letter, as in Stripe_Invoice__c.`,
    ],
    [
      'no upsert key',
      { payment: { externalIdField: null } },
      `${SOURCE}: payment.externalIdField must be a Salesforce field API name (a string); it is null.`,
    ],
    [
      'a lookup field for a relationship',
      { invoice: { parents: { account: 'Account__c' } } },
      `${SOURCE}: invoice.parents.account is "Account__c", which is not a Salesforce relationship API name: use letters, digits and single underscores, starting with a letter, as in Account__r, or null to not link it.`,
    ],
    [
      'a parent the kind cannot have',
      { subscription: { parents: { invoice: 'Invoice__r' } } },
      `${SOURCE}: subscription.parents has an unknown parent "invoice"; the parents of subscription are account.`,
    ],
    [
      'a parent of the account',
      { account: { parents: { payment: 'Payment__r' } } },
      `${SOURCE}: account.parents has an unknown parent "payment"; account has no parents.`,
    ],
    [
      'two keys writing one field',
      { account: { fields: { email: 'Phone' } } },
      `${SOURCE}: account.fields.phone and account.fields.email both write Account.Phone; a field holds one value: point one of them at another field or set it to null.`,
    ],
    [
      'two keys writing one field in another case',
      { account: { fields: { email: 'PHONE' } } },
      `${SOURCE}: account.fields.phone and account.fields.email both write Account.Phone; a field holds one value: point one of them at another field or set it to null.`,
    ],
    [
      'a key writing the upsert key',
      { account: { fields: { email: 'Stripe_Customer_Id__c' } } },
      `${SOURCE}: account.fields.email writes Stripe_Customer_Id__c, the External ID field Account records are upserted by; point it at another field or set it to null.`,
    ],
  ])('refuses %s, saying what is wrong', (_, override, message) => {
    // Act
    const parse = () => parseFieldMap(override, SOURCE);

    // Assess
    expect(parse).toThrow(message);
    expect(parse).toThrowError(expect.objectContaining({ name: 'ConfigError', message }));
  });
});
