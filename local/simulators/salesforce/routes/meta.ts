/**
 * The org's descriptive resources: the versions list (`GET /services/data/`, no session needed,
 * not counted), a version's resource map, `GET /limits`, `GET /sobjects` (describeGlobal) and
 * `GET /sobjects/{type}/describe`, with the schema in the Describe API's vocabulary.
 */
import { CALL_KINDS } from '../calls.ts';
import { ACCESS, type ApiAnswer, type ApiRequest, type Route } from '../router.ts';
import type { FieldType, SalesforceField, SalesforceObject } from '../schema.ts';
import { objectOf } from './records.ts';

/** The API versions the simulator answers, oldest first (older versions answer 404). */
export const API_VERSIONS = [
  { version: '62.0', label: "Winter '25" },
  { version: '63.0', label: "Spring '25" },
  { version: '64.0', label: "Summer '25" },
  { version: '65.0', label: "Winter '26" },
  { version: '66.0', label: "Spring '26" },
  { version: '67.0', label: "Summer '26" },
  { version: '68.0', label: "Winter '27" },
] as const;

/** The oldest version the simulator accepts. */
export const MIN_API_VERSION = '62.0';

/** `v62.0` → `62.0` when the simulator answers that version. */
export function supportedVersion(segment: string): string | undefined {
  const version = /^v(\d+\.\d)$/.exec(segment)?.[1];
  return API_VERSIONS.some((v) => v.version === version) ? version : undefined;
}

const DESCRIBE_TYPES: Record<FieldType, string> = {
  Id: 'id',
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Phone: 'phone',
  Email: 'email',
  Url: 'url',
  Number: 'double',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Lookup: 'reference',
};

function describeField(field: SalesforceField) {
  return {
    name: field.name,
    label: field.label,
    type: DESCRIBE_TYPES[field.type],
    length: field.length ?? 0,
    precision: field.precision ?? 0,
    scale: field.scale ?? 0,
    custom: field.custom,
    externalId: field.externalId,
    unique: field.unique,
    caseSensitive: field.caseSensitive,
    idLookup: field.externalId || field.type === 'Id',
    nillable: !field.required && field.type !== 'Checkbox' && field.type !== 'Id',
    createable: field.createable,
    updateable: field.updateable,
    defaultValue: field.defaultValue ?? null,
    referenceTo: field.referenceTo ? [field.referenceTo] : [],
    relationshipName: field.relationshipName ?? null,
  };
}

function describeObject(object: SalesforceObject, version: string) {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.pluralLabel,
    custom: object.custom,
    keyPrefix: object.keyPrefix,
    createable: true,
    updateable: true,
    queryable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

function versions(): ApiAnswer {
  const list = API_VERSIONS.map((v) => ({ ...v, url: `/services/data/v${v.version}` }));
  return { status: 200, body: list };
}

function resources(request: ApiRequest): ApiAnswer {
  const base = `/services/data/v${request.version}`;
  const { orgId, userId } = request.sim.org.store.ids;
  const body: Record<string, string> = {
    composite: `${base}/composite`,
    identity: `${request.sim.baseUrl}/id/${orgId}/${userId}`,
    limits: `${base}/limits`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    sobjects: `${base}/sobjects`,
  };
  return { status: 200, body };
}

function limits(request: ApiRequest): ApiAnswer {
  const { max, used } = request.sim.limits;
  return {
    status: 200,
    body: { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) } },
  };
}

function describeGlobal(request: ApiRequest): ApiAnswer {
  const objects = Object.values(request.sim.org.schema.objects);
  return {
    status: 200,
    body: {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: objects.map((o) => describeObject(o, request.version)),
    },
  };
}

function describe(request: ApiRequest): ApiAnswer {
  const object = objectOf(request);
  const fields = Object.values(object.fields).map(describeField);
  return { status: 200, body: { ...describeObject(object, request.version), fields } };
}

/** The descriptive routes. */
export const metaRoutes: Route[] = [
  {
    method: 'GET',
    path: '/services/data',
    kind: CALL_KINDS.other,
    access: ACCESS.public,
    handle: versions,
  },
  {
    method: 'GET',
    path: '/services/data/:version',
    kind: CALL_KINDS.other,
    access: ACCESS.api,
    handle: resources,
  },
  {
    method: 'GET',
    path: '/services/data/:version/limits',
    kind: CALL_KINDS.limits,
    access: ACCESS.api,
    handle: limits,
  },
  {
    method: 'GET',
    path: '/services/data/:version/sobjects',
    kind: CALL_KINDS.describe,
    access: ACCESS.api,
    handle: describeGlobal,
  },
  {
    method: 'GET',
    path: '/services/data/:version/sobjects/:type/describe',
    kind: CALL_KINDS.describe,
    access: ACCESS.api,
    handle: describe,
  },
];
