/**
 * The warehouse tables as the loader sees them: their columns (in the order migration 0001 creates
 * them), their key, and how a batch writes them. Migrations own the DDL; this is the loader's
 * reading of it, and a test compares the two on a migrated database.
 */

/** Columns every model row carries: which event it came from, and when the loader wrote it. */
const VERSION_COLUMNS = ['event_id', 'event_created', 'loaded_at'] as const;
const SOFT_DELETE = ['deleted', 'deleted_at'] as const;

/** Stripe objects with one row each, newest version wins (`event_created`). */
export const ENTITY_TABLES = [
  'customers',
  'subscriptions',
  'invoices',
  'credit_notes',
  'payments',
  'invoice_payments',
  'refunds',
] as const;
export type EntityTable = (typeof ENTITY_TABLES)[number];

/** Rows owned by an entity row and replaced with it: an invoice's lines, a subscription's items. */
export const CHILD_TABLES = ['invoice_lines', 'subscription_items'] as const;
export type ChildTable = (typeof CHILD_TABLES)[number];

export type ModelTable = EntityTable | ChildTable;
export type TableName = 'events' | ModelTable;

export interface TableSpec {
  name: TableName;
  /** All columns, `loaded_at` included (the loader sets it, never the staged file). */
  columns: readonly string[];
  /** The columns that identify a row. */
  key: readonly string[];
}

export interface ChildSpec extends TableSpec {
  name: ChildTable;
  parent: EntityTable;
  /** The column naming the parent row's id. */
  parentColumn: string;
}

export const EVENTS_TABLE: TableSpec = {
  name: 'events',
  columns: [
    'id',
    'type',
    'created',
    'api_version',
    'livemode',
    'object_type',
    'object_id',
    'payload',
    'loaded_at',
  ],
  key: ['id'],
};

export const ENTITY_SPECS: Readonly<Record<EntityTable, TableSpec>> = {
  customers: {
    name: 'customers',
    key: ['id'],
    columns: [
      'id',
      'email',
      'name',
      'currency',
      'balance',
      'delinquent',
      'tax_exempt',
      'created',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  subscriptions: {
    name: 'subscriptions',
    key: ['id'],
    columns: [
      'id',
      'customer_id',
      'status',
      'currency',
      'collection_method',
      'cancel_at_period_end',
      'start_date',
      'current_period_start',
      'current_period_end',
      'trial_start',
      'trial_end',
      'cancel_at',
      'canceled_at',
      'ended_at',
      'created',
      'latest_invoice_id',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  invoices: {
    name: 'invoices',
    key: ['id'],
    columns: [
      'id',
      'customer_id',
      'subscription_id',
      'number',
      'status',
      'billing_reason',
      'collection_method',
      'currency',
      'amount_due',
      'amount_paid',
      'amount_remaining',
      'subtotal',
      'tax',
      'total',
      'created',
      'due_date',
      'period_start',
      'period_end',
      'finalized_at',
      'paid_at',
      'voided_at',
      'marked_uncollectible_at',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  credit_notes: {
    name: 'credit_notes',
    key: ['id'],
    columns: [
      'id',
      'invoice_id',
      'customer_id',
      'number',
      'status',
      'type',
      'reason',
      'currency',
      'amount',
      'subtotal',
      'total',
      'pre_payment_amount',
      'post_payment_amount',
      'out_of_band_amount',
      'created',
      'effective_at',
      'voided_at',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  payments: {
    name: 'payments',
    key: ['id'],
    columns: [
      'id',
      'customer_id',
      'invoice_id',
      'status',
      'amount',
      'amount_received',
      'currency',
      'capture_method',
      'payment_method_id',
      'latest_charge_id',
      'cancellation_reason',
      'created',
      'canceled_at',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  invoice_payments: {
    name: 'invoice_payments',
    key: ['id'],
    columns: [
      'id',
      'invoice_id',
      'payment_intent_id',
      'charge_id',
      'amount_paid',
      'amount_requested',
      'currency',
      'status',
      'is_default',
      'created',
      'paid_at',
      'canceled_at',
      'livemode',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
  refunds: {
    name: 'refunds',
    key: ['id'],
    columns: [
      'id',
      'charge_id',
      'payment_intent_id',
      'amount',
      'currency',
      'status',
      'reason',
      'failure_reason',
      'created',
      'livemode',
      'metadata',
      ...SOFT_DELETE,
      ...VERSION_COLUMNS,
    ],
  },
};

export const CHILD_SPECS: Readonly<Record<ChildTable, ChildSpec>> = {
  invoice_lines: {
    name: 'invoice_lines',
    parent: 'invoices',
    parentColumn: 'invoice_id',
    key: ['invoice_id', 'id'],
    columns: [
      'id',
      'invoice_id',
      'line_number',
      'customer_id',
      'subscription_id',
      'subscription_item_id',
      'invoice_item_id',
      'price_id',
      'product_id',
      'description',
      'amount',
      'currency',
      'quantity',
      'period_start',
      'period_end',
      'proration',
      ...VERSION_COLUMNS,
    ],
  },
  subscription_items: {
    name: 'subscription_items',
    parent: 'subscriptions',
    parentColumn: 'subscription_id',
    key: ['id'],
    columns: [
      'id',
      'subscription_id',
      'customer_id',
      'price_id',
      'product_id',
      'quantity',
      'unit_amount',
      'currency',
      'recurring_interval',
      'recurring_interval_count',
      'created',
      'current_period_start',
      'current_period_end',
      ...VERSION_COLUMNS,
    ],
  },
};

/** The child tables of an entity table (an invoice's lines), in a stable order. */
export function childrenOf(table: EntityTable): ChildSpec[] {
  return CHILD_TABLES.map((name) => CHILD_SPECS[name]).filter((spec) => spec.parent === table);
}
