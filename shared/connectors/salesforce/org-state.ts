/**
 * What the connector asks Salesforce before writing, when the batch alone cannot tell: whether
 * the Account already shows a newer payment than the one this batch reports (payments of one
 * customer are separate Stripe objects, so the ledger cannot order them), and whether the records
 * a partial write (a refund, an invoice link, a deletion) would touch exist at all. One SOQL
 * query per record kind and batch, and only when such writes are in it.
 */
import type { SalesforceClient } from './client.ts';
import type { FieldMap, ObjectMap } from './field-map.ts';
import type { RecordKind, RecordWrite } from './mapping.ts';
import type { Pending } from './outcomes.ts';

/** The Account's last-payment facts, written together or not at all. */
const LAST_PAYMENT_KEYS = [
  'lastPaymentStatus',
  'lastPaymentAmount',
  'lastPaymentDate',
  'lastPaymentError',
] as const;

/**
 * Within one second (Stripe's resolution), the order an Account's payment facts can only come
 * in: a retry that succeeds follows a failure, a refund follows the payment it refunds.
 */
const STATUS_ORDER: Readonly<Record<string, number>> = {
  failed: 0,
  succeeded: 1,
  partially_refunded: 2,
  refunded: 3,
};

/** Whether facts reported at `reported` may replace the ones shown at `shown`. */
function notOlder(
  reported: { at: number | undefined; status: unknown },
  shown: { at: number | undefined; status: unknown },
): boolean {
  if (reported.at === undefined || shown.at === undefined) return true;
  if (reported.at !== shown.at) return reported.at > shown.at;
  const rank = (status: unknown) => STATUS_ORDER[String(status)] ?? 0;
  return rank(reported.status) >= rank(shown.status);
}

const factsOf = (write: RecordWrite) => ({
  at: timeOf(write.values.lastPaymentDate),
  status: write.values.lastPaymentStatus,
});

/**
 * `next` as it may be merged over `earlier`, a write to the same Account in the same batch:
 * without its payment facts when those of `earlier` are the later ones.
 */
export function withoutOlderFacts(earlier: RecordWrite, next: RecordWrite): RecordWrite {
  if (next.kind !== 'account' || factsOf(next).at === undefined) return next;
  return notOlder(factsOf(next), factsOf(earlier)) ? next : without(next, LAST_PAYMENT_KEYS);
}

/** Stripe ids per SOQL query: well within SOQL's 100,000-character limit. */
const IDS_PER_QUERY = 300;

/** A SOQL string literal. Stripe ids never need it, but nothing else reaches the query. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Salesforce answers datetimes as `…+0000`; as milliseconds. */
function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.replace(/\+0000$/, 'Z'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The records of one object with these Stripe ids, by Stripe id, with `fields`. */
async function stored(input: {
  client: SalesforceClient;
  map: ObjectMap;
  stripeIds: readonly string[];
  fields: readonly string[];
}): Promise<Map<string, Record<string, unknown>>> {
  const { map } = input;
  const found = new Map<string, Record<string, unknown>>();
  const ids = [...new Set(input.stripeIds)];
  const select = [...new Set([map.externalIdField, ...input.fields])].join(', ');
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const list = ids
      .slice(i, i + IDS_PER_QUERY)
      .map(literal)
      .join(', ');
    const rows = await input.client.query(
      `SELECT ${select} FROM ${map.object} WHERE ${map.externalIdField} IN (${list})`,
    );
    for (const row of rows) {
      const id = row[map.externalIdField];
      if (typeof id === 'string') found.set(id, row);
    }
  }
  return found;
}

function without(write: RecordWrite, keys: readonly string[]): RecordWrite {
  const values = Object.fromEntries(
    Object.entries(write.values).filter(([k]) => !keys.includes(k)),
  );
  return { ...write, values };
}

/**
 * Leaves out the last-payment facts of Accounts that already show a later payment: a late
 * `payment_intent.payment_failed` must not cover up the success that came after it, nor a
 * success of the same second the refund that followed it.
 */
export async function dropStalePaymentFacts(input: {
  client: SalesforceClient;
  fieldMap: FieldMap;
  pendings: readonly Pending[];
}): Promise<void> {
  const dateField = input.fieldMap.account.fields.lastPaymentDate;
  const statusField = input.fieldMap.account.fields.lastPaymentStatus;
  if (!dateField) return;
  const facts = input.pendings.filter(
    (p) => p.write.kind === 'account' && timeOf(p.write.values.lastPaymentDate) !== undefined,
  );
  if (facts.length === 0) return;
  const accounts = await stored({
    client: input.client,
    map: input.fieldMap.account,
    stripeIds: facts.map((p) => p.write.stripeId),
    fields: statusField ? [dateField, statusField] : [dateField],
  });
  for (const pending of facts) {
    const account = accounts.get(pending.write.stripeId);
    const shown = {
      at: timeOf(account?.[dateField]),
      status: statusField ? account?.[statusField] : undefined,
    };
    if (!notOlder(factsOf(pending.write), shown)) {
      pending.write = without(pending.write, LAST_PAYMENT_KEYS);
    }
  }
}

/**
 * The partial writes of custom objects whose record Salesforce does not have. Upserting one
 * would create a record with nothing but a few facts (its Name defaulting to its id), so the
 * caller writes it whole from Stripe instead, or not at all.
 */
export async function missingPartials(input: {
  client: SalesforceClient;
  fieldMap: FieldMap;
  pendings: readonly Pending[];
}): Promise<Pending[]> {
  const missing: Pending[] = [];
  const kinds: readonly RecordKind[] = ['subscription', 'invoice', 'payment'];
  for (const kind of kinds) {
    const partial = input.pendings.filter((p) => p.write.kind === kind && !p.write.complete);
    if (partial.length === 0) continue;
    const present = await stored({
      client: input.client,
      map: input.fieldMap[kind],
      stripeIds: partial.map((p) => p.write.stripeId),
      fields: [],
    });
    missing.push(...partial.filter((p) => !present.has(p.write.stripeId)));
  }
  return missing;
}
