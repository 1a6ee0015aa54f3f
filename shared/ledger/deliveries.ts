/**
 * The delivery side of the ledger: a consumer claims a delivery, applies it only if it is newer
 * than what was applied to the object (the applied-version guard, DESIGN §5), and records the
 * outcome. Every write is conditional, so two copies of one message never both win.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectorName } from '../connectors.ts';
import type { ClassifiedError } from '../errors.ts';
import {
  DELIVERY_STATUS,
  type DeliveryRecord,
  type DeliveryStatus,
  keys,
  SETTLED_STATUSES,
  type VersionRecord,
} from './records.ts';
import { isConditionFailure, LedgerTable } from './table.ts';

export interface UpdateDeliveryInput {
  eventId: string;
  connector: ConnectorName;
  status: DeliveryStatus;
  /** Counts one more attempt when true. */
  attempted?: boolean;
  error?: ClassifiedError;
  targetIds?: Record<string, string>;
}

/** Why a consumer may or may not apply a delivery now. */
export type ClaimOutcome = 'claimed' | 'settled' | 'busy' | 'missing';

export interface VersionInput {
  connector: ConnectorName;
  objectId: string;
}

export interface ClaimVersionInput extends VersionInput {
  created: number;
  eventId: string;
  /** How long the object stays locked for this event if it is not released. */
  lockSeconds: number;
}

/**
 * May this event be applied to its object now? With `fresh`, `tie` says the version held another
 * event of the same second: Stripe's `created` has one-second resolution, so which of the two is
 * newer is unknown, and the connector re-reads the object.
 */
export type VersionClaim =
  | { outcome: 'fresh'; tie: boolean }
  | { outcome: 'stale' }
  | { outcome: 'locked'; by: string };

/** Claims, outcomes and applied versions of connector deliveries. One per consumer container. */
export class Deliveries extends LedgerTable {
  /**
   * Takes a delivery for one consumer for `leaseSeconds`, so a second copy of the message (SQS
   * delivers at least once) is not applied at the same time. `settled` means it already
   * succeeded or was skipped; `busy` that another consumer holds it; `missing` that the ledger
   * has no such delivery.
   */
  async claimDelivery(input: {
    eventId: string;
    connector: ConnectorName;
    leaseSeconds: number;
  }): Promise<ClaimOutcome> {
    const now = this.now();
    const key = keys.delivery(input.eventId, input.connector);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND NOT (#status IN (:s1, :s2)) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':until': now + input.leaseSeconds * 1000,
            ':now': now,
            ':s1': SETTLED_STATUSES[0],
            ':s2': SETTLED_STATUSES[1],
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.client.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      const delivery = current.Item as DeliveryRecord | undefined;
      if (!delivery) return 'missing';
      return SETTLED_STATUSES.includes(delivery.status) ? 'settled' : 'busy';
    }
  }

  /**
   * Records what happened to one delivery and releases its lease. Returns false, changing
   * nothing, when the delivery was already settled (a late outcome never overwrites a success or
   * a skip).
   */
  async updateDelivery(input: UpdateDeliveryInput): Promise<boolean> {
    const updatedAt = new Date(this.now()).toISOString();
    const settled = SETTLED_STATUSES.includes(input.status);
    const values: Record<string, unknown> = {
      ':status': input.status,
      ':succeeded': DELIVERY_STATUS.SUCCEEDED,
      ':skipped': DELIVERY_STATUS.SKIPPED_STALE,
      ':updatedAt': updatedAt,
      ':zero': 0,
      ':one': input.attempted ? 1 : 0,
    };
    const sets = [
      '#status = :status',
      'updatedAt = :updatedAt',
      'attempts = if_not_exists(attempts, :zero) + :one',
    ];
    const removes = ['leaseUntil'];
    if (settled) {
      // Settled deliveries leave the sparse status index.
      removes.push('deliveryStatus', 'statusSk');
    } else {
      sets.push('deliveryStatus = :status', 'statusSk = :statusSk');
      values[':statusSk'] = keys.statusSk(updatedAt, input.eventId, input.connector);
    }
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
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.delivery(input.eventId, input.connector),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND NOT (#status IN (:succeeded, :skipped))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: keys.delivery(input.eventId, input.connector),
          ConsistentRead: true,
        }),
      );
      if (current.Item) return false;
      throw new Error(
        `The ledger has no ${input.connector} delivery of ${input.eventId}: only events recorded by the ingress can be delivered.`,
        { cause: error },
      );
    }
  }

  /**
   * The applied-version guard (DESIGN §5), with a lock per object: takes `objectId` for `eventId`
   * unless a newer event was applied already (`stale`: the connector skips it, SKIPPED_STALE) or
   * another event of the same object is being applied right now (`locked`: try again later), so
   * an older event can never be applied after a newer one, even by two functions at once.
   * Stripe's `created` has one-second resolution, so an event of the same second is not stale:
   * connectors re-fetch when unsure. Release the lock with {@link releaseVersion}.
   */
  async claimVersion(input: ClaimVersionInput): Promise<VersionClaim> {
    const now = this.now();
    try {
      const { Attributes: before } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.version(input.connector, input.objectId),
          ReturnValues: 'UPDATED_OLD',
          UpdateExpression:
            'SET entity = :entity, connector = :connector, objectId = :objectId, created = :created, eventId = :eventId, appliedAt = :appliedAt, lockedBy = :eventId, lockedUntil = :until, expiresAt = :expiresAt',
          ConditionExpression:
            '(attribute_not_exists(pk) OR created <= :created) AND (attribute_not_exists(lockedUntil) OR lockedUntil < :now OR lockedBy = :eventId)',
          ExpressionAttributeValues: {
            ':entity': 'version',
            ':connector': input.connector,
            ':objectId': input.objectId,
            ':created': input.created,
            ':eventId': input.eventId,
            ':appliedAt': new Date(now).toISOString(),
            ':until': now + input.lockSeconds * 1000,
            ':now': now,
            ':expiresAt': this.expiresAt(),
          },
        }),
      );
      const tie = before?.created === input.created && before?.eventId !== input.eventId;
      return { outcome: 'fresh', tie };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.appliedVersion(input, { consistent: true });
      if (current === undefined || current.created <= input.created) {
        return { outcome: 'locked', by: current?.lockedBy ?? 'another event' };
      }
      return { outcome: 'stale' };
    }
  }

  /** Releases the object lock `eventId` holds (a lock left behind expires by itself). */
  async releaseVersion(input: VersionInput & { eventId: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.version(input.connector, input.objectId),
          UpdateExpression: 'REMOVE lockedBy, lockedUntil',
          ConditionExpression: 'lockedBy = :eventId',
          ExpressionAttributeValues: { ':eventId': input.eventId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The newest version a connector applied to (or is applying to) an object, if any. */
  async appliedVersion(
    input: VersionInput,
    options: { consistent?: boolean } = {},
  ): Promise<VersionRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.version(input.connector, input.objectId),
        ConsistentRead: options.consistent ?? false,
      }),
    );
    return result.Item as VersionRecord | undefined;
  }
}
