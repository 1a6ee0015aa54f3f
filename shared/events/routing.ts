/**
 * Routing is data: a table from connector to the Stripe event types it takes. A pattern is an
 * exact type (`invoice.paid`), a prefix wildcard (`invoice.*` takes `invoice.paid` and
 * `invoice.payment_action_required`, and `customer.*` takes `customer.subscription.created`), or
 * `*` for every event. Users override the table with the `ROUTING_TABLE` setting (JSON).
 */
import { CONNECTORS, type ConnectorName, isConnectorName } from '../connectors.ts';

export type RoutingTable = Readonly<Record<ConnectorName, readonly string[]>>;

/** What each connector needs by default; the warehouse takes every event. */
export const DEFAULT_ROUTES: RoutingTable = {
  salesforce: [
    'customer.created',
    'customer.updated',
    'customer.deleted',
    'customer.subscription.*',
    'invoice.*',
    'invoice_payment.paid',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
    'charge.refunded',
    'refund.*',
    'credit_note.*',
  ],
  netsuite: [
    'customer.created',
    'customer.updated',
    'customer.deleted',
    'invoice.finalized',
    'invoice.updated',
    'invoice.paid',
    'invoice.voided',
    'invoice.marked_uncollectible',
    'invoice_payment.paid',
    'charge.refunded',
    'refund.*',
    'credit_note.*',
  ],
  avalara: [
    'invoice.created',
    'invoice.updated',
    'invoice.finalized',
    'invoice.paid',
    'invoice.voided',
    'invoice.marked_uncollectible',
    'credit_note.created',
    'credit_note.voided',
    'charge.refunded',
    'refund.created',
  ],
  warehouse: ['*'],
};

const PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

/**
 * Validates a routing table from configuration. Connectors left out take no events; unknown
 * connectors and malformed patterns are errors that say what is wrong.
 */
export function parseRoutingTable(value: unknown): RoutingTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('expected an object from connector name to a list of event type patterns');
  }
  const table: Record<ConnectorName, string[]> = {
    salesforce: [],
    netsuite: [],
    avalara: [],
    warehouse: [],
  };
  for (const [connector, patterns] of Object.entries(value)) {
    if (!isConnectorName(connector)) {
      throw new Error(`unknown connector "${connector}" (known: ${CONNECTORS.join(', ')})`);
    }
    if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string')) {
      throw new Error(`"${connector}" must be a list of event type patterns`);
    }
    for (const pattern of patterns as string[]) {
      if (!PATTERN.test(pattern)) {
        throw new Error(
          `"${pattern}" (for ${connector}) is not an event type pattern: use an exact type such as "invoice.paid", a prefix such as "invoice.*", or "*"`,
        );
      }
    }
    table[connector] = patterns as string[];
  }
  return table;
}

/**
 * Reads a routing table from configuration: JSON text (an environment variable, a CDK context
 * value) or a value already parsed (cdk.json). `source` names the setting in the error message.
 */
export function readRoutingTable(value: unknown, source: string): RoutingTable {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (cause) {
      throw new Error(
        `${source} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}): set it to an object such as {"salesforce": ["customer.*"], "warehouse": ["*"]}.`,
        { cause },
      );
    }
  }
  try {
    return parseRoutingTable(parsed);
  } catch (cause) {
    throw new Error(
      `${source} is not a routing table: ${cause instanceof Error ? cause.message : String(cause)}.`,
      { cause },
    );
  }
}

function matches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Decides which connectors take an event type. Results are memoised per type. */
export class Router {
  readonly #table: RoutingTable;
  readonly #cache = new Map<string, readonly ConnectorName[]>();

  constructor(table: RoutingTable = DEFAULT_ROUTES) {
    this.#table = table;
  }

  /** The connectors that take `type`, in connector order; empty when none does. */
  route(type: string): readonly ConnectorName[] {
    const cached = this.#cache.get(type);
    if (cached) return cached;
    const targets = CONNECTORS.filter((c) => this.#table[c].some((p) => matches(p, type)));
    if (this.#cache.size < 10_000) this.#cache.set(type, targets);
    return targets;
  }
}
