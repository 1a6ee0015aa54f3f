/**
 * The org's object schema, read from the SFDX source metadata (`salesforce/`) that we deploy to
 * real orgs, plus the standard fields Salesforce itself defines. Reading the same XML the org
 * gets keeps the simulator, the connector's field mapping and the deployed metadata from
 * drifting apart: a field the metadata lacks does not exist here either.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { standardFields } from './standard-fields.ts';

/** The field types the simulator knows, named as in the Metadata API (`CustomField.type`). */
export const FIELD_TYPES = {
  id: 'Id',
  text: 'Text',
  textArea: 'TextArea',
  longTextArea: 'LongTextArea',
  phone: 'Phone',
  email: 'Email',
  url: 'Url',
  number: 'Number',
  checkbox: 'Checkbox',
  date: 'Date',
  dateTime: 'DateTime',
  lookup: 'Lookup',
} as const;

/** One of {@link FIELD_TYPES}. */
export type FieldType = (typeof FIELD_TYPES)[keyof typeof FIELD_TYPES];

/** A field of an object, as the API sees it. */
export interface SalesforceField {
  /** The API name (`Stripe_Customer_Id__c`, `Name`). */
  name: string;
  label: string;
  type: FieldType;
  /** Maximum characters of a text field. */
  length?: number;
  /** Total digits of a Number field, and how many of them follow the decimal point. */
  precision?: number;
  scale?: number;
  externalId: boolean;
  unique: boolean;
  /** Whether a unique field tells `cus_A` from `cus_a`. */
  caseSensitive: boolean;
  /** A create without it fails with REQUIRED_FIELD_MISSING. */
  required: boolean;
  /** Writable on create / on update (false for Id and the audit fields). */
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  /** A Checkbox's value when a create leaves it out. */
  defaultValue?: boolean;
  /** Lookup: the parent object. */
  referenceTo?: string;
  /** Lookup: the name to traverse to the parent (`Account__r`). */
  relationshipName?: string;
  /** Lookup: the parent's name for its children (`Stripe_Subscriptions` → `Stripe_Subscriptions__r`). */
  childRelationshipName?: string;
}

/** An object (standard or custom) and its fields. */
export interface SalesforceObject {
  name: string;
  label: string;
  pluralLabel: string;
  custom: boolean;
  /** The first three characters of its record ids (`001` for Account). */
  keyPrefix: string;
  fields: Record<string, SalesforceField>;
}

/** Every object the simulated org has. */
export interface SalesforceSchema {
  objects: Record<string, SalesforceObject>;
}

/** The SFDX project in this repository (`salesforce/`). */
export const DEFAULT_SCHEMA_DIR = fileURLToPath(new URL('../../../salesforce', import.meta.url));

const STANDARD_OBJECTS: Record<string, { label: string; pluralLabel: string; keyPrefix: string }> =
  { Account: { label: 'Account', pluralLabel: 'Accounts', keyPrefix: '001' } };

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/**
 * Reads the object schema from an SFDX project (a folder with `sfdx-project.json`, whose
 * package directories hold `main/default/objects/`) or from a folder that holds `objects/`
 * directly. Throws, naming the file, on XML it cannot read or a field type it does not know,
 * so a metadata change the simulator cannot follow fails loudly instead of drifting.
 */
export function loadSalesforceSchema(dir: string = DEFAULT_SCHEMA_DIR): SalesforceSchema {
  const objectDirs = objectsDirsOf(resolve(dir));
  if (objectDirs.length === 0) {
    throw new Error(
      `No objects/ folder under ${dir}: point schemaDir at the SFDX project (the folder with sfdx-project.json) or at a folder that holds objects/.`,
    );
  }
  const objects: Record<string, SalesforceObject> = {};
  for (const [name, standard] of Object.entries(STANDARD_OBJECTS)) {
    objects[name] = { name, ...standard, custom: false, fields: standardFields(name, false) };
  }
  const customNames = objectDirs
    .flatMap((objectsDir) => readdirSync(objectsDir).map((name) => ({ objectsDir, name })))
    .sort((a, b) => a.name.localeCompare(b.name));
  let customIndex = 0;
  for (const { objectsDir, name } of customNames) {
    const folder = join(objectsDir, name);
    let object = objects[name];
    if (object === undefined) {
      object = customObject(folder, name, customIndex);
      customIndex += 1;
      objects[name] = object;
    }
    const fieldsDir = join(folder, 'fields');
    if (!existsSync(fieldsDir)) continue;
    for (const file of readdirSync(fieldsDir)
      .filter((f) => f.endsWith('.field-meta.xml'))
      .sort()) {
      const field = readField(join(fieldsDir, file));
      object.fields[field.name] = field;
    }
  }
  return { objects };
}

function objectsDirsOf(dir: string): string[] {
  const project = join(dir, 'sfdx-project.json');
  if (existsSync(project)) {
    const config = JSON.parse(readFileSync(project, 'utf8')) as {
      packageDirectories?: { path?: string }[];
    };
    return (config.packageDirectories ?? [])
      .map((p) => join(dir, p.path ?? '', 'main', 'default', 'objects'))
      .filter((d) => existsSync(d));
  }
  for (const candidate of [join(dir, 'objects'), join(dir, 'main', 'default', 'objects')]) {
    if (existsSync(candidate)) return [candidate];
  }
  return [];
}

function keyPrefixOf(index: number): string {
  return `a0${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[index % 36]}`;
}

function customObject(folder: string, name: string, index: number): SalesforceObject {
  const file = join(folder, `${name}.object-meta.xml`);
  if (!existsSync(file)) {
    throw new Error(
      `${name} has fields but is neither a standard object the simulator knows (${Object.keys(STANDARD_OBJECTS).join(', ')}) nor a custom object with ${file}.`,
    );
  }
  const xml = parseXml(file, 'CustomObject');
  return {
    name,
    label: text(xml.label) ?? name,
    pluralLabel: text(xml.pluralLabel) ?? name,
    custom: true,
    keyPrefix: keyPrefixOf(index),
    fields: standardFields(name, true),
  };
}

function readField(file: string): SalesforceField {
  const xml = parseXml(file, 'CustomField');
  const name = text(xml.fullName);
  const type = text(xml.type);
  const known = Object.values(FIELD_TYPES) as string[];
  if (name === undefined || type === undefined || !known.includes(type) || type === 'Id') {
    throw new Error(
      `${file}: the simulator needs fullName and a type among ${known.filter((t) => t !== 'Id').join(', ')} (got ${type ?? 'none'}).`,
    );
  }
  const fieldType = type as FieldType;
  const field: SalesforceField = {
    name,
    label: text(xml.label) ?? name,
    type: fieldType,
    externalId: text(xml.externalId) === 'true',
    unique: text(xml.unique) === 'true',
    caseSensitive: text(xml.caseSensitive) === 'true',
    required: text(xml.required) === 'true',
    createable: true,
    updateable: true,
    custom: true,
  };
  const length = integer(xml.length);
  if (length !== undefined) field.length = length;
  else if (fieldType === 'Text') field.length = 255;
  if (fieldType === 'Number') {
    field.precision = integer(xml.precision) ?? 18;
    field.scale = integer(xml.scale) ?? 0;
  }
  if (fieldType === 'Checkbox') field.defaultValue = text(xml.defaultValue) === 'true';
  if (fieldType === 'Lookup') {
    const referenceTo = text(xml.referenceTo);
    if (referenceTo === undefined) throw new Error(`${file}: a Lookup needs referenceTo.`);
    field.referenceTo = referenceTo;
    field.relationshipName = name.replace(/__c$/, '__r');
    const child = text(xml.relationshipName);
    if (child !== undefined) field.childRelationshipName = child;
  }
  return field;
}

function parseXml(file: string, root: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parser.parse(readFileSync(file, 'utf8'), true);
  } catch (error) {
    throw new Error(`${file} is not well-formed XML: ${(error as Error).message}`);
  }
  const element = (parsed as Record<string, unknown>)[root];
  if (typeof element !== 'object' || element === null) {
    throw new Error(`${file} has no <${root}> root element.`);
  }
  return element as Record<string, unknown>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(value: unknown): number | undefined {
  const raw = text(value);
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** The object named `name`, whatever its case (the API ignores case in names). */
export function objectNamed(schema: SalesforceSchema, name: string): SalesforceObject | undefined {
  const wanted = name.toLowerCase();
  return Object.values(schema.objects).find((o) => o.name.toLowerCase() === wanted);
}

/** The field named `name` on `object`, whatever its case. */
export function fieldNamed(object: SalesforceObject, name: string): SalesforceField | undefined {
  if (Object.hasOwn(object.fields, name)) return object.fields[name];
  const wanted = name.toLowerCase();
  return Object.values(object.fields).find((f) => f.name.toLowerCase() === wanted);
}

/** The Lookup field whose relationship is `name` (`Account__r`), whatever its case. */
export function relationshipNamed(
  object: SalesforceObject,
  name: string,
): SalesforceField | undefined {
  const wanted = name.toLowerCase();
  return Object.values(object.fields).find((f) => f.relationshipName?.toLowerCase() === wanted);
}
