/**
 * The ledger: every event received, every delivery outcome, every object version applied.
 * Used by the ingress to record events, by connectors to claim deliveries, record outcomes and
 * guard against out-of-order events, and by `switchyard trace` / `status` to explain what happened.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectorName } from '../connectors.ts';
import { primaryObjectId, relatedObjectIds, type StripeEvent } from '../events/types.ts';
import { LEDGER_TABLE } from '../resources.ts';
import {
  type AttentionStatus,
  DELIVERY_STATUS,
  type DeliveryRecord,
  type EventRecord,
  keys,
  type PayloadRef,
  type RefRecord,
  type VersionRecord,
} from './records.ts';
import { LedgerTable } from './table.ts';

export type { LedgerOptions } from './table.ts';

type LedgerItem = EventRecord | DeliveryRecord | RefRecord | VersionRecord;

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

/** How many events of an object's history `lineage` reads at most, newest first. */
const DEFAULT_LINEAGE_LIMIT = 200;

/**
 * The event log side of the ledger (DESIGN §4): events as received, their fan-out, an object's
 * lineage, and the deliveries that need attention. One instance per function container.
 */
export class Ledger extends LedgerTable {
  /**
   * Records an event with a PENDING delivery per routed connector and an index entry per related
   * object, in one transaction. Returns false, writing nothing, when the event is already
   * recorded (a retry after a crash or a failed fan-out).
   */
  async recordEvent(input: RecordEventInput): Promise<boolean> {
    const { event } = input;
    const expiresAt = this.expiresAt();
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
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: eventItem,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...[...deliveries, ...refs].map((Item) => ({ Put: { TableName: this.table, Item } })),
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

  /** Notes on the event that its messages for `connectors` are on their queues. */
  async markEnqueued(input: { eventId: string; connectors: readonly ConnectorName[] }) {
    if (input.connectors.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.event(input.eventId),
        UpdateExpression: 'ADD enqueuedTo :connectors',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':connectors': new Set(input.connectors) },
      }),
    );
  }

  /**
   * The event and its deliveries, or undefined when the ledger has never seen it.
   * `consistent` reads what was just written (the ingress's resume path needs that).
   */
  async getEvent(
    eventId: string,
    options: { consistent?: boolean } = {},
  ): Promise<TracedEvent | undefined> {
    const items = await this.#queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.event(eventId).pk },
      ConsistentRead: options.consistent ?? false,
    });
    const stored = items.find((i): i is EventRecord => i.entity === 'event');
    if (!stored) return undefined;
    const enqueuedTo = stored.enqueuedTo as unknown;
    const event: EventRecord =
      enqueuedTo instanceof Set ? { ...stored, enqueuedTo: [...enqueuedTo].sort() } : stored;
    const deliveries = items.filter((i): i is DeliveryRecord => i.entity === 'delivery');
    return { event, deliveries };
  }

  /**
   * The lineage of a Stripe object: the newest `limit` events about it or referring to it,
   * oldest first, each with its deliveries. `truncated` says whether older events were left out.
   */
  async lineage(
    objectId: string,
    options: { limit?: number } = {},
  ): Promise<{ events: TracedEvent[]; truncated: boolean }> {
    const index = LEDGER_TABLE.indexes.byObject;
    const limit = options.limit ?? DEFAULT_LINEAGE_LIMIT;
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: '#o = :o',
        ExpressionAttributeNames: { '#o': index.partitionKey },
        ExpressionAttributeValues: { ':o': objectId },
        ScanIndexForward: false,
        // One more than asked tells whether anything was left out.
        Limit: limit + 1,
      }),
    );
    const hits = (page.Items ?? []) as { pk: string }[];
    const truncated = hits.length > limit;
    const eventIds = [...new Set(hits.slice(0, limit).map((h) => keys.eventIdOf(h.pk)))].reverse();
    const events: TracedEvent[] = [];
    // A few reads at a time: a customer's history can be long.
    for (let i = 0; i < eventIds.length; i += 10) {
      const batch = await Promise.all(eventIds.slice(i, i + 10).map((id) => this.getEvent(id)));
      events.push(...batch.filter((t): t is TracedEvent => t !== undefined));
    }
    return { events, truncated };
  }

  /** Deliveries that need attention in one status, oldest update first. */
  async deliveriesByStatus(input: { status: AttentionStatus; limit?: number }) {
    const result = await this.client.send(
      new QueryCommand({ ...this.#statusQuery(input.status), Limit: input.limit ?? 100 }),
    );
    return (result.Items ?? []) as Pick<
      DeliveryRecord,
      'eventId' | 'connector' | 'status' | 'attempts' | 'lastError' | 'updatedAt'
    >[];
  }

  /** How many deliveries are in one attention status (counted on the sparse status index). */
  async countByStatus(input: { status: AttentionStatus }): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...this.#statusQuery(input.status),
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  #statusQuery(status: AttentionStatus): QueryCommandInput {
    const index = LEDGER_TABLE.indexes.byStatus;
    return {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': index.partitionKey },
      ExpressionAttributeValues: { ':s': status },
    };
  }

  async #queryAll(input: QueryCommandInput): Promise<LedgerItem[]> {
    const items: LedgerItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as LedgerItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
