/**
 * StripeEvent → warehouse rows, without I/O: the raw event row for `events`, and the row of the
 * object it carries for its model table (with child rows: an invoice's lines, a subscription's
 * items). Which table an object goes to is a table keyed by the object's type; objects the
 * warehouse does not model (charges, products, …) are kept as raw events only.
 */
import type { StripeEvent, StripeObject } from '../../events/types.ts';
import { fitRow } from './column-limits.ts';
import {
  creditNoteRow,
  invoiceLineRows,
  invoiceRow,
  subscriptionItemRows,
  subscriptionRow,
  type Version,
} from './mapping-billing.ts';
import { type Fields, type JsonValue, MappingError, Reader, type Row } from './mapping-fields.ts';
import { customerRow, invoicePaymentRow, paymentRow, refundRow } from './mapping-payments.ts';
import type { ChildTable, EntityTable } from './tables.ts';

export type { Row } from './mapping-fields.ts';
export { MappingError } from './mapping-fields.ts';

/** How the rows of one child table come from its parent's list field. */
interface ChildMapping {
  table: ChildTable;
  /** The list field of the parent object (`lines`, `items`). */
  list: string;
  rows(parent: Reader, items: readonly Fields[], version: Version): Row[];
}

interface ObjectMapping {
  table: EntityTable;
  row(object: Reader, version: Version): Row;
  children: readonly ChildMapping[];
}

/** Stripe object type → its model table. */
const BY_OBJECT_TYPE: Readonly<Record<string, ObjectMapping>> = {
  customer: { table: 'customers', row: customerRow, children: [] },
  subscription: {
    table: 'subscriptions',
    row: subscriptionRow,
    children: [{ table: 'subscription_items', list: 'items', rows: subscriptionItemRows }],
  },
  invoice: {
    table: 'invoices',
    row: invoiceRow,
    children: [{ table: 'invoice_lines', list: 'lines', rows: invoiceLineRows }],
  },
  credit_note: { table: 'credit_notes', row: creditNoteRow, children: [] },
  payment_intent: { table: 'payments', row: paymentRow, children: [] },
  invoice_payment: { table: 'invoice_payments', row: invoicePaymentRow, children: [] },
  refund: { table: 'refunds', row: refundRow, children: [] },
};

/**
 * Events after which the object no longer exists in Stripe. `customer.subscription.deleted` is
 * not one: it is a cancellation, kept as the subscription's status and `ended_at`.
 */
const DELETING_EVENTS = new Set(['customer.deleted', 'invoice.deleted', 'invoiceitem.deleted']);

/** The rows of a child table, and whether they are all of them (the snapshot may hold a page). */
export interface ChildRows {
  table: ChildTable;
  rows: Row[];
  complete: boolean;
}

/** The model row an event's object maps to. */
export interface ModelRecord {
  table: EntityTable;
  /** The object's Stripe id: the row's key. */
  key: string;
  row: Row;
  children: ChildRows[];
  /** The object the rows were read from, and the event's version, to complete the children. */
  object: StripeObject;
  version: Version;
}

/** Everything one event writes to the warehouse. */
export interface MappedEvent {
  /** The row of `events`. */
  raw: Row;
  /** The model row; undefined for objects the warehouse keeps as raw events only. */
  model: ModelRecord | undefined;
}

/** The model table of a Stripe object type, if the warehouse models it. */
export function tableOfObjectType(objectType: string): EntityTable | undefined {
  return BY_OBJECT_TYPE[objectType]?.table;
}

/** The largest JSON object Redshift's COPY reads (before shredding), in bytes. */
export const MAX_COPY_JSON_BYTES = 4 * 1024 * 1024;

/**
 * The row of `events`: the whole event as SUPER, and what it is about. An event too large for
 * COPY fails alone rather than failing its whole batch.
 */
export function rawEventRow(event: StripeEvent): Row {
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_COPY_JSON_BYTES) {
    throw new MappingError(
      `Event ${event.id} is ${bytes} bytes as JSON, more than the ${MAX_COPY_JSON_BYTES} bytes Redshift's COPY reads as one object: it cannot be loaded.`,
      { context: { connector: 'warehouse', stripeEventId: event.id } },
    );
  }
  const object = event.data.object;
  return fitRow(
    'events',
    {
      id: event.id,
      type: event.type,
      created: event.created,
      api_version: event.api_version,
      livemode: event.livemode,
      object_type: object.object,
      object_id: typeof object.id === 'string' ? object.id : null,
      payload: event as unknown as JsonValue,
    },
    `Event ${event.id}`,
  );
}

function versionOf(event: StripeEvent, object: StripeObject): Version {
  const deleted = object.deleted === true || DELETING_EVENTS.has(event.type);
  return {
    eventId: event.id,
    eventCreated: event.created,
    deleted,
    deletedAt: deleted ? event.created : null,
  };
}

/**
 * The model record of an object at an event's version. `object` is the event's snapshot, or the
 * object as re-fetched from Stripe when the snapshot cannot be trusted to be the newest.
 */
export function mapObject(event: StripeEvent, object: StripeObject): ModelRecord | undefined {
  const mapping = BY_OBJECT_TYPE[object.object];
  // Objects without an id (an upcoming invoice) are previews, not state.
  if (mapping === undefined || typeof object.id !== 'string') return undefined;
  const name = `${object.object} ${object.id}`;
  const reader = new Reader(object, name);
  const version = versionOf(event, object);
  return {
    table: mapping.table,
    key: object.id,
    row: fitRow(mapping.table, mapping.row(reader, version), name),
    children: mapping.children.map((child) => {
      const list = reader.list(child.list);
      return {
        table: child.table,
        rows: child.rows(reader, list.data, version).map((row) => fitRow(child.table, row, name)),
        complete: !list.hasMore,
      };
    }),
    object,
    version,
  };
}

/**
 * Maps an event: its raw row and its object's model record. Throws {@link MappingError} when the
 * object does not have the shape the warehouse reads.
 */
export function mapEvent(
  event: StripeEvent,
  object: StripeObject = event.data.object,
): MappedEvent {
  return { raw: rawEventRow(event), model: mapObject(event, object) };
}

/**
 * The record with one child table's rows read from the full list (every page Stripe has), for a
 * snapshot that held only the first page.
 */
export function withAllChildren(
  record: ModelRecord,
  table: ChildTable,
  items: readonly Fields[],
): ModelRecord {
  const mapping = BY_OBJECT_TYPE[record.object.object]?.children.find((c) => c.table === table);
  if (mapping === undefined) {
    throw new MappingError(`${record.table} rows have no child table ${table}.`);
  }
  const name = `${record.object.object} ${record.key}`;
  const reader = new Reader(record.object, name);
  const rows = mapping.rows(reader, items, record.version).map((row) => fitRow(table, row, name));
  return {
    ...record,
    children: record.children.map((c) => (c.table === table ? { table, rows, complete: true } : c)),
  };
}
