/** What both sides of the ledger share: the table, its client, the clock and the TTL. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface LedgerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long records are kept before DynamoDB's TTL removes them. */
  ttlDays: number;
  now?: () => number;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Base of {@link Ledger} and {@link Deliveries}: one table, one client, one clock. */
export abstract class LedgerTable {
  protected readonly client: DynamoDBDocumentClient;
  protected readonly table: string;
  protected readonly now: () => number;
  readonly #ttlSeconds: number;

  constructor(options: LedgerOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.#ttlSeconds = options.ttlDays * 86_400;
    this.now = options.now ?? Date.now;
  }

  /** When a record written now expires (DynamoDB TTL, epoch seconds). */
  protected expiresAt(): number {
    return Math.floor(this.now() / 1000) + this.#ttlSeconds;
  }
}
