/**
 * The fields Salesforce defines itself, which no metadata file declares: the system fields every
 * object has, the Name of a custom object, and the standard Account fields Switchyard writes.
 */
import type { FieldType, SalesforceField } from './schema.ts';

function field(
  name: string,
  label: string,
  type: FieldType,
  extra: Partial<SalesforceField> = {},
): SalesforceField {
  return {
    name,
    label,
    type,
    externalId: false,
    unique: false,
    caseSensitive: false,
    required: false,
    createable: true,
    updateable: true,
    custom: false,
    ...extra,
  };
}

const readOnly = { createable: false, updateable: false } as const;

function systemFields(): SalesforceField[] {
  return [
    field('Id', 'Record ID', 'Id', { ...readOnly, length: 18 }),
    field('CreatedDate', 'Created Date', 'DateTime', readOnly),
    field('LastModifiedDate', 'Last Modified Date', 'DateTime', readOnly),
    field('SystemModstamp', 'System Modstamp', 'DateTime', readOnly),
  ];
}

const ACCOUNT_FIELDS: SalesforceField[] = [
  field('Name', 'Account Name', 'Text', { length: 255, required: true }),
  field('Phone', 'Account Phone', 'Phone', { length: 40 }),
  field('BillingStreet', 'Billing Street', 'TextArea', { length: 255 }),
  field('BillingCity', 'Billing City', 'Text', { length: 40 }),
  field('BillingState', 'Billing State/Province', 'Text', { length: 80 }),
  field('BillingPostalCode', 'Billing Zip/Postal Code', 'Text', { length: 20 }),
  field('BillingCountry', 'Billing Country', 'Text', { length: 80 }),
  field('Description', 'Account Description', 'LongTextArea', { length: 32_000 }),
];

/**
 * The built-in fields of `objectName`, keyed by name. A custom object's Name is Text(80) and not
 * required: Salesforce fills it with the record id when a create leaves it out.
 */
export function standardFields(
  objectName: string,
  custom: boolean,
): Record<string, SalesforceField> {
  const own = custom
    ? [
        field('Name', `${objectName.replace(/__c$/, '').replaceAll('_', ' ')} Name`, 'Text', {
          length: 80,
        }),
      ]
    : objectName === 'Account'
      ? ACCOUNT_FIELDS
      : [];
  const [id, ...audit] = systemFields();
  const all = [id, ...own, ...audit].filter((f): f is SalesforceField => f !== undefined);
  return Object.fromEntries(all.map((f) => [f.name, { ...f }]));
}
