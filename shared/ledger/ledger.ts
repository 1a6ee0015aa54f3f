/**
 * The ledger: every event received, every delivery outcome, every object version applied.
 * Used by the ingress to record events, by connectors to record outcomes and guard against
 * out-of-order events, and by `switchyard trace` / `status` to explain what happened.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectorName } from '../connectors.ts';
import type { ClassifiedError } from '../errors.ts';
import { primaryObjectId, relatedObjectIds, type StripeEvent } from '../events/types.ts';
import { LEDGER_TABLE } from '../resources.ts';
import {
  DELIVERY_STATUS,
  type DeliveryRecord,
  type DeliveryStatus,
  type EventRecord,
  keys,
  type PayloadRef,
  type RefRecord,
  type VersionRecord,
} from './records.ts';

type LedgerItem = EventRecord | DeliveryRecord | RefRecord | VersionRecord;

export interface LedgerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long records are kept before DynamoDB's TTL removes them. */
  ttlDays: number;
  now?: () => number;
}

export interface RecordEventInput {
  event: StripeEvent;
  routes: readonly ConnectorName[];
  receivedAt: string;
  payloadBytes: number;
  /** The raw body, when small enough to sit in the item; otherwise `payloadRef`. */
  payload?: string;
  payloadRef?: PayloadRef;
}

/** One event of an object's or event's history, with what each connector did with it. */
export interface TracedEvent {
  event: EventRecord;
  deliveries: DeliveryRecord[];
}

export interface UpdateDeliveryInput {
  eventId: string;
  connector: ConnectorName;
  status: DeliveryStatus;
  /** Counts one more attempt when true. */
  attempted?: boolean;
  error?: ClassifiedError;
  targetIds?: Record<string, string>;
}

export interface ClaimVersionInput {
  connector: ConnectorName;
  objectId: string;
  created: number;
  eventId: string;
}

/** Typed access to the ledger table. */
export class Ledger {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: LedgerOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#ttlSeconds = options.ttlDays * 86_400;
    this.#now = options.now ?? Date.now;
  }

  #expiresAt(): number {
    return Math.floor(this.#now() / 1000) + this.#ttlSeconds;
  }

  /**
   * Records an event with a PENDING delivery per routed connector and an index entry per related
   * object, all in one transaction. Returns false, writing nothing, when the event is already
   * recorded (a retry after a crash or a failed fan-out).
   */
  async recordEvent(input: RecordEventInput): Promise<boolean> {
    const { event } = input;
    const expiresAt = this.#expiresAt();
    const objectId = primaryObjectId(event);
    const objectSk = keys.objectSk(event.created, event.id);
    const relatedIds = relatedObjectIds(event);
    const eventItem: EventRecord = {
      ...keys.event(event.id),
      entity: 'event',
      eventId: event.id,
      type: event.type,
      created: event.created,
      livemode: event.livemode,
      apiVersion: event.api_version,
      ...(objectId ? { objectId, objectSk } : {}),
      relatedIds,
      receivedAt: input.receivedAt,
      routes: [...input.routes],
      ...(input.payload === undefined ? {} : { payload: input.payload }),
      ...(input.payloadRef === undefined ? {} : { payloadRef: input.payloadRef }),
      payloadBytes: input.payloadBytes,
      expiresAt,
    };
    const deliveries: DeliveryRecord[] = input.routes.map((connector) => ({
      ...keys.delivery(event.id, connector),
      entity: 'delivery',
      eventId: event.id,
      connector,
      status: DELIVERY_STATUS.PENDING,
      attempts: 0,
      createdAt: input.receivedAt,
      updatedAt: input.receivedAt,
      deliveryStatus: DELIVERY_STATUS.PENDING,
      statusSk: keys.statusSk(input.receivedAt, event.id, connector),
      expiresAt,
    }));
    const refs: RefRecord[] = relatedIds
      .filter((id) => id !== objectId)
      .map((id) => ({
        ...keys.ref(event.id, id),
        entity: 'ref',
        eventId: event.id,
        type: event.type,
        created: event.created,
        objectId: id,
        objectSk,
        expiresAt,
      }));
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.#table,
                Item: eventItem,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...[...deliveries, ...refs].map((Item) => ({ Put: { TableName: this.#table, Item } })),
          ],
        }),
      );
      return true;
    } catch (error) {
      const alreadyRecorded =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (alreadyRecorded) return false;
      throw error;
    }
  }

  /** Marks deliveries as put on their queues, so a retried fan-out does not send them twice. */
  async markEnqueued(eventId: string, connectors: readonly ConnectorName[]): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    await Promise.all(
      connectors.map((connector) =>
        this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: keys.delivery(eventId, connector),
            UpdateExpression: 'SET enqueuedAt = if_not_exists(enqueuedAt, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      ),
    );
  }

  /** The event, its deliveries, or undefined when the ledger has never seen it. */
  async getEvent(eventId: string): Promise<TracedEvent | undefined> {
    const items = await this.#queryAll({
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.event(eventId).pk },
    });
    const event = items.find((i): i is EventRecord => i.entity === 'event');
    if (!event) return undefined;
    const deliveries = items.filter((i): i is DeliveryRecord => i.entity === 'delivery');
    return { event, deliveries };
  }

  /**
   * The lineage of a Stripe object: every event about it or referring to it, oldest first,
   * each with its deliveries.
   */
  async lineage(objectId: string): Promise<TracedEvent[]> {
    const index = LEDGER_TABLE.indexes.byObject;
    const hits = await this.#queryAll({
      TableName: this.#table,
      IndexName: index.name,
      KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': index.partitionKey },
      ExpressionAttributeValues: { ':o': objectId },
    });
    const eventIds = [...new Set(hits.map((h) => h.eventId))];
    const traced = await Promise.all(eventIds.map((id) => this.getEvent(id)));
    return traced.filter((t): t is TracedEvent => t !== undefined);
  }

  /** Updates what happened to one delivery; `attempted` counts one more try. */
  async updateDelivery(input: UpdateDeliveryInput): Promise<void> {
    const updatedAt = new Date(this.#now()).toISOString();
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':status': input.status,
      ':updatedAt': updatedAt,
      ':statusSk': keys.statusSk(updatedAt, input.eventId, input.connector),
      ':zero': 0,
      ':one': input.attempted ? 1 : 0,
    };
    const sets = [
      '#status = :status',
      'deliveryStatus = :status',
      'updatedAt = :updatedAt',
      'statusSk = :statusSk',
      'attempts = if_not_exists(attempts, :zero) + :one',
    ];
    const removes: string[] = [];
    if (input.error) {
      sets.push('lastError = :error');
      values[':error'] = input.error;
    } else if (input.status === DELIVERY_STATUS.SUCCEEDED) {
      removes.push('lastError');
    }
    if (input.targetIds && Object.keys(input.targetIds).length > 0) {
      sets.push('targetIds = :targetIds');
      values[':targetIds'] = input.targetIds;
    }
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: keys.delivery(input.eventId, input.connector),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * The applied-version guard (DESIGN §5): records that `eventId` is applied to `objectId` by
   * `connector` unless a newer event was applied already. Returns false for a stale event,
   * which the connector then skips (SKIPPED_STALE). Stripe's `created` has one-second
   * resolution, so an event of the same second is not stale: connectors re-fetch when unsure.
   */
  async claimVersion(input: ClaimVersionInput): Promise<boolean> {
    const item: VersionRecord = {
      ...keys.version(input.connector, input.objectId),
      entity: 'version',
      connector: input.connector,
      objectId: input.objectId,
      created: input.created,
      eventId: input.eventId,
      appliedAt: new Date(this.#now()).toISOString(),
      expiresAt: this.#expiresAt(),
    };
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: keys.version(input.connector, input.objectId),
          UpdateExpression:
            'SET entity = :entity, connector = :connector, objectId = :objectId, created = :created, eventId = :eventId, appliedAt = :appliedAt, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(pk) OR created <= :created',
          ExpressionAttributeValues: {
            ':entity': item.entity,
            ':connector': item.connector,
            ':objectId': item.objectId,
            ':created': item.created,
            ':eventId': item.eventId,
            ':appliedAt': item.appliedAt,
            ':expiresAt': item.expiresAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** The newest version a connector applied to an object, if any. */
  async appliedVersion(
    connector: ConnectorName,
    objectId: string,
  ): Promise<VersionRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: keys.version(connector, objectId) }),
    );
    return result.Item as VersionRecord | undefined;
  }

  /** Deliveries in one status, oldest update first. */
  async deliveriesByStatus(
    status: DeliveryStatus,
    options: { limit?: number } = {},
  ): Promise<DeliveryRecord[]> {
    const index = LEDGER_TABLE.indexes.byStatus;
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: index.name,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': index.partitionKey },
        ExpressionAttributeValues: { ':s': status },
        Limit: options.limit ?? 100,
      }),
    );
    return (result.Items ?? []) as DeliveryRecord[];
  }

  /** How many deliveries are in one status (counted on the status index, not scanned). */
  async countByStatus(status: DeliveryStatus): Promise<number> {
    const index = LEDGER_TABLE.indexes.byStatus;
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: index.name,
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': index.partitionKey },
          ExpressionAttributeValues: { ':s': status },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  async #queryAll(input: QueryCommandInput): Promise<LedgerItem[]> {
    const items: LedgerItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({ ...input, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as LedgerItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
