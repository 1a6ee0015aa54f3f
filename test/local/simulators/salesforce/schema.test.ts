/**
 * The SFDX metadata in `salesforce/` and the schema the simulator reads from it: every XML file
 * is well-formed, each object has its upsert key, the shared field spec is what the metadata
 * says, the permission set covers every custom field, and a field added to a copy of the
 * metadata exists in a simulator started on that copy.
 */
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEMA_DIR,
  loadSalesforceSchema,
} from '../../../../local/simulators/salesforce/schema.ts';
import { startSalesforceSimulator } from '../../../../local/simulators/salesforce/server.ts';
import { DEFAULT_FIELD_MAP } from '../../../../shared/connectors/salesforce/field-map.ts';
import { connect, rejectionOf } from './support.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const xmlFiles = filesUnder(DEFAULT_SCHEMA_DIR).filter((f) => f.endsWith('.xml'));

/** `Name: Type(size)` per field, as the shared spec writes it. */
function summary(type: string): string[] {
  const object = loadSalesforceSchema().objects[type];
  return Object.values(object?.fields ?? {})
    .filter((f) => f.custom)
    .map((f) => {
      const size =
        f.type === 'Number'
          ? `(${f.precision},${f.scale})`
          : f.type === 'Text' || f.type === 'LongTextArea'
            ? `(${f.length})`
            : '';
      const key = f.externalId ? ' key' : '';
      const lookup = f.referenceTo ? ` → ${f.referenceTo} as ${f.relationshipName}` : '';
      return `${f.name}: ${f.type}${size}${key}${lookup}`;
    })
    .sort();
}

describe('the SFDX metadata', () => {
  it('is well-formed Metadata API XML in source format', () => {
    // Act
    const problems = xmlFiles.flatMap((file) => {
      const result = XMLValidator.validate(readFileSync(file, 'utf8'));
      return result === true ? [] : [`${relative(DEFAULT_SCHEMA_DIR, file)}: ${result.err.msg}`];
    });
    const project = JSON.parse(readFileSync(join(DEFAULT_SCHEMA_DIR, 'sfdx-project.json'), 'utf8'));

    // Assess
    expect(xmlFiles.length).toBeGreaterThan(60);
    expect(problems).toEqual([]);
    expect(project).toMatchObject({
      packageDirectories: [{ path: 'force-app', default: true }],
      sourceApiVersion: '62.0',
    });
  });

  it('gives every object its unique, case-sensitive external id upsert key', () => {
    // Act
    const schema = loadSalesforceSchema();
    const keys = Object.values(schema.objects).map((o) => {
      const key = Object.values(o.fields).filter((f) => f.externalId);
      return `${o.name}: ${key.map((f) => `${f.name} unique=${f.unique} caseSensitive=${f.caseSensitive}`).join(', ')}`;
    });

    // Assess
    expect(keys.sort()).toEqual([
      'Account: Stripe_Customer_Id__c unique=true caseSensitive=true',
      'Stripe_Invoice__c: Stripe_Invoice_Id__c unique=true caseSensitive=true',
      'Stripe_Payment__c: Stripe_Payment_Id__c unique=true caseSensitive=true',
      'Stripe_Subscription__c: Stripe_Subscription_Id__c unique=true caseSensitive=true',
    ]);
  });

  it('declares the shared field spec', () => {
    // Act
    const account = summary('Account');
    const payment = summary('Stripe_Payment__c');
    const invoice = summary('Stripe_Invoice__c');

    // Assess
    expect(account).toEqual([
      'Stripe_Balance__c: Number(18,0)',
      'Stripe_Currency__c: Text(3)',
      'Stripe_Customer_Id__c: Text(255) key',
      'Stripe_Deleted__c: Checkbox',
      'Stripe_Delinquent__c: Checkbox',
      'Stripe_Email__c: Email',
      'Stripe_Last_Payment_Amount__c: Number(18,0)',
      'Stripe_Last_Payment_Date__c: DateTime',
      'Stripe_Last_Payment_Error__c: Text(255)',
      'Stripe_Last_Payment_Status__c: Text(40)',
      'Stripe_Link__c: Url',
      'Stripe_Tax_Exempt__c: Text(20)',
    ]);
    expect(payment).toEqual([
      'Account__c: Lookup → Account as Account__r',
      'Amount_Received__c: Number(18,0)',
      'Amount_Refunded__c: Number(18,0)',
      'Amount__c: Number(18,0)',
      'Created__c: DateTime',
      'Currency__c: Text(3)',
      'Failure_Code__c: Text(80)',
      'Failure_Message__c: Text(255)',
      'Invoice__c: Lookup → Stripe_Invoice__c as Invoice__r',
      'Payment_Method_Type__c: Text(40)',
      'Status__c: Text(40)',
      'Stripe_Link__c: Url',
      'Stripe_Payment_Id__c: Text(255) key',
    ]);
    expect(invoice).toContain(
      'Subscription__c: Lookup → Stripe_Subscription__c as Subscription__r',
    );
    expect(invoice).toContain('Due_Date__c: Date');
    expect(invoice).toHaveLength(24);
    expect(summary('Stripe_Subscription__c')).toContain('Items__c: LongTextArea(32768)');
    expect(summary('Stripe_Subscription__c')).toHaveLength(15);
  });

  it('grants the integration permission set every custom field, every standard field the connector writes, and every object', () => {
    // Prepare
    const schema = loadSalesforceSchema();
    const file = join(
      DEFAULT_SCHEMA_DIR,
      'force-app/main/default/permissionsets/Switchyard_Integration.permissionset-meta.xml',
    );
    const parsed = new XMLParser({ parseTagValue: false }).parse(readFileSync(file, 'utf8')) as {
      PermissionSet: {
        fieldPermissions: { field: string; readable: string; editable: string }[];
        objectPermissions: {
          object: string;
          allowRead: string;
          allowEdit: string;
          allowCreate: string;
        }[];
      };
    };

    // Act
    const granted = parsed.PermissionSet.fieldPermissions
      .filter((p) => p.readable === 'true' && p.editable === 'true')
      .map((p) => p.field)
      .sort();
    const objects = parsed.PermissionSet.objectPermissions
      .filter((p) => p.allowRead === 'true' && p.allowEdit === 'true' && p.allowCreate === 'true')
      .map((p) => p.object)
      .sort();

    // Assess
    const custom = Object.values(schema.objects).flatMap((o) =>
      Object.values(o.fields)
        .filter((f) => f.custom)
        .map((f) => `${o.name}.${f.name}`),
    );
    // Standard fields written by default, bar Name (required fields take no field permission).
    const standard = [
      ...Object.values(DEFAULT_FIELD_MAP.account.fields),
      DEFAULT_FIELD_MAP.account.fields.description === null ? 'Description' : undefined,
    ]
      .filter((f): f is string => typeof f === 'string' && !f.endsWith('__c') && f !== 'Name')
      .map((f) => `Account.${f}`);
    expect(granted).toEqual([...custom, ...standard].sort());
    expect(objects).toEqual(Object.keys(schema.objects).sort());
  });
});

describe('the simulator’s schema', () => {
  it('follows the metadata: a field added to a copy exists in a simulator started on it', async () => {
    // Prepare
    const copy = mkdtempSync(join(tmpdir(), 'sfdx-'));
    cpSync(DEFAULT_SCHEMA_DIR, copy, { recursive: true });
    writeFileSync(
      join(copy, 'force-app/main/default/objects/Account/fields/Stripe_Segment__c.field-meta.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Stripe_Segment__c</fullName>
    <label>Stripe Segment</label>
    <length>10</length>
    <type>Text</type>
</CustomField>
`,
    );
    const withField = await startSalesforceSimulator({ port: 0, schemaDir: copy });
    const without = await startSalesforceSimulator({ port: 0 });
    try {
      const [a, b] = [await connect(withField), await connect(without)];
      const record = {
        Name: 'Segmented',
        Stripe_Customer_Id__c: 'cus_seg',
        Stripe_Segment__c: 'enterprise',
      };

      // Act
      const saved = await a.sobject('Account').upsert(record, 'Stripe_Customer_Id__c');
      const refused = await rejectionOf(
        b.sobject('Account').upsert(record, 'Stripe_Customer_Id__c'),
      );

      // Assess
      expect(saved).toMatchObject({ success: true, created: true });
      expect(
        withField.org.record('Account', 'Stripe_Customer_Id__c', 'cus_seg')?.Stripe_Segment__c,
      ).toBe('enterprise');
      expect(refused.errorCode).toBe('INVALID_FIELD');
      expect(refused.message).toBe("No such column 'Stripe_Segment__c' on sobject of type Account");
    } finally {
      await withField.stop();
      await without.stop();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('refuses metadata it cannot follow, naming the file', () => {
    // Prepare
    const copy = mkdtempSync(join(tmpdir(), 'sfdx-'));
    cpSync(DEFAULT_SCHEMA_DIR, copy, { recursive: true });
    const file = join(
      copy,
      'force-app/main/default/objects/Account/fields/Stripe_Tier__c.field-meta.xml',
    );
    writeFileSync(
      file,
      '<CustomField><fullName>Stripe_Tier__c</fullName><type>Picklist</type></CustomField>',
    );

    const empty = mkdtempSync(join(tmpdir(), 'sfdx-empty-'));

    // Act
    const load = () => loadSalesforceSchema(copy);
    const loadEmpty = () => loadSalesforceSchema(empty);

    // Assess
    try {
      expect(load).toThrow(/Stripe_Tier__c\.field-meta\.xml: .*got Picklist/);
      expect(loadEmpty).toThrow(/No objects\/ folder/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
