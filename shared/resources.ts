/**
 * One source of truth for the hub's storage and queues: the CDK stack (`infra/`) and the local
 * runtime (`local/`) both build their tables, queues and dead-letter queues from these
 * definitions, so a key name or a redrive policy cannot differ between a laptop and AWS.
 */
import { CONNECTORS, type ConnectorName } from './connectors.ts';

/** The path Stripe posts events to (DESIGN §3): the API Gateway route and the local host's. */
export const WEBHOOK_PATH = '/webhooks/stripe';

/**
 * The ingress function's timeout. Stripe waits for the answer; anything slower is better retried
 * by Stripe. It is also how long an idempotency lock lives when the function dies.
 */
export const INGRESS_TIMEOUT_SECONDS = 15;

/** The ledger table (DESIGN §4): single-table design with two sparse GSIs. */
export const LEDGER_TABLE = {
  localName: 'switchyard-ledger',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    /**
     * Lineage of one Stripe object (customer, subscription, invoice, …) across events. Keys only:
     * the event id is in the table key, and payloads are not copied into the index.
     */
    byObject: {
      name: 'byObject',
      partitionKey: 'objectId',
      sortKey: 'objectSk',
      projection: { type: 'KEYS_ONLY', nonKeyAttributes: [] },
    },
    /**
     * Deliveries that need attention: sparse, holding PENDING, FAILED and DEAD only (a delivery
     * leaves it when it succeeds or is skipped), so no partition grows with the history.
     */
    byStatus: {
      name: 'byStatus',
      partitionKey: 'deliveryStatus',
      sortKey: 'statusSk',
      projection: {
        type: 'INCLUDE',
        nonKeyAttributes: ['eventId', 'connector', 'status', 'attempts', 'lastError', 'updatedAt'],
      },
    },
  },
} as const;

/** The Powertools idempotency table (its default attribute names). */
export const IDEMPOTENCY_TABLE = {
  localName: 'switchyard-idempotency',
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;

/** The bucket that holds event payloads too large for one SQS message or ledger item. */
export const PAYLOAD_BUCKET = {
  localName: 'switchyard-payloads',
  prefix: 'events/',
  /** Payloads are evidence for reconciliation and audits; kept as long as ledger events. */
  expirationDays: 90,
} as const;

/** Where the warehouse loader stages each batch as NDJSON for Redshift's COPY. */
export const STAGING_BUCKET = {
  localName: 'switchyard-warehouse-staging',
  prefix: 'warehouse/',
  /** The loader deletes a batch's files once loaded; this only catches what a crash left. */
  expirationDays: 1,
} as const;

/** SQS's classic per-message ceiling; anything larger travels as an S3 pointer. */
export const MAX_SQS_MESSAGE_BYTES = 262_144;

/** Settings shared by every connector queue and its consumer. */
export const CONNECTOR_QUEUE_DEFAULTS = {
  /** A queue's visibility timeout is six times its consumer's timeout (AWS guidance). */
  visibilityTimeoutMultiplier: 6,
  /** After this many failed receives SQS moves the message to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Dead letters are kept for SQS's maximum, 14 days, so nobody loses one over a holiday. */
  dlqRetentionDays: 14,
  retentionDays: 4,
} as const;

/**
 * How each connector's function takes its queue: the event source mapping on AWS, the poller on
 * a laptop. Batch connectors pay per call, not per event, so a batching window gathers many
 * events into one invocation; a concurrency cap keeps them within the vendor's limits.
 */
export interface ConnectorIntake {
  /** The function's timeout; the queue's visibility timeout is six times that. */
  timeoutSeconds: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** At most this many invocations at once (the event source's maximum concurrency, ≥ 2). */
  maxConcurrency?: number;
}

export const CONNECTOR_INTAKE: Readonly<Record<ConnectorName, ConnectorIntake>> = {
  // sObject Collections write 200 records per call; two functions at most stay far below an
  // org's 25 concurrent long-running requests, shared with every other integration.
  salesforce: {
    timeoutSeconds: 120,
    batchSize: 1_000,
    maxBatchingWindowSeconds: 20,
    maxConcurrency: 2,
  },
  netsuite: { timeoutSeconds: 60, batchSize: 10, maxBatchingWindowSeconds: 1 },
  avalara: { timeoutSeconds: 60, batchSize: 10, maxBatchingWindowSeconds: 1 },
  // One COPY and one MERGE per batch: large batches, and Redshift's commit queue prefers few writers.
  warehouse: {
    timeoutSeconds: 300,
    batchSize: 5_000,
    maxBatchingWindowSeconds: 60,
    maxConcurrency: 2,
  },
};

export interface ConnectorQueueDefinition {
  connector: ConnectorName;
  queueName: string;
  dlqName: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  maximumMessageBytes: number;
}

/** The queue and dead-letter queue of one connector. */
export function connectorQueue(connector: ConnectorName): ConnectorQueueDefinition {
  const d = CONNECTOR_QUEUE_DEFAULTS;
  return {
    connector,
    queueName: `switchyard-${connector}`,
    dlqName: `switchyard-${connector}-dlq`,
    visibilityTimeoutSeconds:
      CONNECTOR_INTAKE[connector].timeoutSeconds * d.visibilityTimeoutMultiplier,
    maxReceiveCount: d.maxReceiveCount,
    maximumMessageBytes: MAX_SQS_MESSAGE_BYTES,
  };
}

/** Every connector queue, in connector order. */
export const CONNECTOR_QUEUES: readonly ConnectorQueueDefinition[] = CONNECTORS.map(connectorQueue);
