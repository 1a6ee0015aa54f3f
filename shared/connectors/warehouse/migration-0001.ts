/**
 * Migration 1: the raw event log and the finance models. Frozen once released: change the schema
 * with a new migration (ALTER TABLE … ADD COLUMN) and extend `tables.ts` to match.
 *
 * `{schema}` is replaced by the configured schema. Keys and sort orders are explained in
 * docs/warehouse.md; Redshift does not enforce PRIMARY KEY, the loader keeps keys unique.
 */

const LIVEMODE = 'livemode BOOLEAN';
const METADATA = 'metadata SUPER';

/** The columns every soft-deletable model row has. */
const SOFT_DELETE = `deleted BOOLEAN NOT NULL,
  deleted_at TIMESTAMP`;

/** The columns every model row has: the event that wrote it (its version) and when. */
const VERSION = `event_id VARCHAR(255) NOT NULL,
  event_created TIMESTAMP NOT NULL,
  loaded_at TIMESTAMP`;

/** What a Stripe object's table carries after its own columns: its mode, metadata, soft delete. */
const STRIPE_OBJECT = [LIVEMODE, METADATA, SOFT_DELETE];

interface ModelTable {
  name: string;
  /** Its own columns after `id`, in order, one a line. */
  columns: string;
  /** Shared columns between its own and the version columns (none for child rows). */
  carries?: readonly string[];
  /** The PRIMARY KEY columns; `id` unless given. */
  key?: string;
  /** Its distribution and sort key clauses. */
  layout: string;
}

/** A model table's DDL: `id`, its own columns, the shared ones, the version columns, its key. */
function modelTable({ name, columns, carries = [], key = 'id', layout }: ModelTable): string {
  const body = ['id VARCHAR(255) NOT NULL', columns, ...carries, VERSION, `PRIMARY KEY (${key})`];
  return `CREATE TABLE {schema}.${name} (\n  ${body.join(',\n  ')}\n) ${layout}`;
}

export const MIGRATION_0001 = {
  version: 1,
  name: 'raw events and finance models',
  statements: [
    `CREATE TABLE {schema}.events (
  id VARCHAR(255) NOT NULL,
  type VARCHAR(255) NOT NULL,
  created TIMESTAMP NOT NULL,
  api_version VARCHAR(64),
  livemode BOOLEAN NOT NULL,
  object_type VARCHAR(64),
  object_id VARCHAR(255),
  payload SUPER,
  loaded_at TIMESTAMP,
  PRIMARY KEY (id)
) DISTKEY (object_id) SORTKEY (created)`,
    modelTable({
      name: 'customers',
      columns: `email VARCHAR(512),
  name VARCHAR(512),
  currency VARCHAR(3),
  balance BIGINT,
  delinquent BOOLEAN,
  tax_exempt VARCHAR(16),
  created TIMESTAMP`,
      carries: STRIPE_OBJECT,
      layout: 'DISTSTYLE ALL SORTKEY (id)',
    }),
    modelTable({
      name: 'subscriptions',
      columns: `customer_id VARCHAR(255),
  status VARCHAR(32),
  currency VARCHAR(3),
  collection_method VARCHAR(32),
  cancel_at_period_end BOOLEAN,
  start_date TIMESTAMP,
  current_period_start TIMESTAMP,
  current_period_end TIMESTAMP,
  trial_start TIMESTAMP,
  trial_end TIMESTAMP,
  cancel_at TIMESTAMP,
  canceled_at TIMESTAMP,
  ended_at TIMESTAMP,
  created TIMESTAMP,
  latest_invoice_id VARCHAR(255)`,
      carries: STRIPE_OBJECT,
      layout: 'DISTKEY (id) SORTKEY (start_date)',
    }),
    modelTable({
      name: 'subscription_items',
      columns: `subscription_id VARCHAR(255) NOT NULL,
  customer_id VARCHAR(255),
  price_id VARCHAR(255),
  product_id VARCHAR(255),
  quantity BIGINT,
  unit_amount BIGINT,
  currency VARCHAR(3),
  recurring_interval VARCHAR(16),
  recurring_interval_count INTEGER,
  created TIMESTAMP,
  current_period_start TIMESTAMP,
  current_period_end TIMESTAMP`,
      layout: 'DISTKEY (subscription_id) SORTKEY (subscription_id)',
    }),
    modelTable({
      name: 'invoices',
      columns: `customer_id VARCHAR(255),
  subscription_id VARCHAR(255),
  number VARCHAR(64),
  status VARCHAR(32),
  billing_reason VARCHAR(64),
  collection_method VARCHAR(32),
  currency VARCHAR(3),
  amount_due BIGINT,
  amount_paid BIGINT,
  amount_remaining BIGINT,
  subtotal BIGINT,
  tax BIGINT,
  total BIGINT,
  created TIMESTAMP,
  due_date TIMESTAMP,
  period_start TIMESTAMP,
  period_end TIMESTAMP,
  finalized_at TIMESTAMP,
  paid_at TIMESTAMP,
  voided_at TIMESTAMP,
  marked_uncollectible_at TIMESTAMP`,
      carries: STRIPE_OBJECT,
      layout: 'DISTKEY (id) COMPOUND SORTKEY (status, due_date)',
    }),
    modelTable({
      name: 'invoice_lines',
      columns: `invoice_id VARCHAR(255) NOT NULL,
  line_number INTEGER NOT NULL,
  customer_id VARCHAR(255),
  subscription_id VARCHAR(255),
  subscription_item_id VARCHAR(255),
  invoice_item_id VARCHAR(255),
  price_id VARCHAR(255),
  product_id VARCHAR(255),
  description VARCHAR(4096),
  amount BIGINT,
  currency VARCHAR(3),
  quantity BIGINT,
  period_start TIMESTAMP,
  period_end TIMESTAMP,
  proration BOOLEAN`,
      key: 'invoice_id, id',
      layout: 'DISTKEY (invoice_id) COMPOUND SORTKEY (invoice_id, line_number)',
    }),
    modelTable({
      name: 'credit_notes',
      columns: `invoice_id VARCHAR(255),
  customer_id VARCHAR(255),
  number VARCHAR(64),
  status VARCHAR(32),
  type VARCHAR(32),
  reason VARCHAR(64),
  currency VARCHAR(3),
  amount BIGINT,
  subtotal BIGINT,
  total BIGINT,
  pre_payment_amount BIGINT,
  post_payment_amount BIGINT,
  out_of_band_amount BIGINT,
  created TIMESTAMP,
  effective_at TIMESTAMP,
  voided_at TIMESTAMP`,
      carries: STRIPE_OBJECT,
      layout: 'DISTKEY (invoice_id) SORTKEY (created)',
    }),
    modelTable({
      name: 'payments',
      columns: `customer_id VARCHAR(255),
  invoice_id VARCHAR(255),
  status VARCHAR(32),
  amount BIGINT,
  amount_received BIGINT,
  currency VARCHAR(3),
  capture_method VARCHAR(32),
  payment_method_id VARCHAR(255),
  latest_charge_id VARCHAR(255),
  cancellation_reason VARCHAR(64),
  created TIMESTAMP,
  canceled_at TIMESTAMP`,
      carries: STRIPE_OBJECT,
      layout: 'DISTKEY (id) SORTKEY (created)',
    }),
    modelTable({
      name: 'invoice_payments',
      columns: `invoice_id VARCHAR(255),
  payment_intent_id VARCHAR(255),
  charge_id VARCHAR(255),
  amount_paid BIGINT,
  amount_requested BIGINT,
  currency VARCHAR(3),
  status VARCHAR(32),
  is_default BOOLEAN,
  created TIMESTAMP,
  paid_at TIMESTAMP,
  canceled_at TIMESTAMP`,
      carries: [LIVEMODE, SOFT_DELETE],
      layout: 'DISTKEY (invoice_id) SORTKEY (invoice_id)',
    }),
    modelTable({
      name: 'refunds',
      columns: `charge_id VARCHAR(255),
  payment_intent_id VARCHAR(255),
  amount BIGINT,
  currency VARCHAR(3),
  status VARCHAR(32),
  reason VARCHAR(64),
  failure_reason VARCHAR(64),
  created TIMESTAMP`,
      carries: STRIPE_OBJECT,
      layout: 'DISTKEY (payment_intent_id) SORTKEY (created)',
    }),
  ],
} as const;
