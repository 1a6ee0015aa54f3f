/**
 * The ledger and idempotency tables as synthesized: keys, indexes and projections from
 * shared/resources.ts (the local runtime builds its tables from the same definitions).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { gsiProjection } from '../../infra/hub-stack.ts';
import { IDEMPOTENCY_TABLE, LEDGER_TABLE } from '../../shared/resources.ts';
import { logicalId, synthHub } from './support.ts';

const { stack, template } = synthHub();

describe('ledger and idempotency tables', () => {
  it('ledger: keys and GSIs from shared/resources.ts, on demand, TTL, PITR', () => {
    const { byObject, byStatus } = LEDGER_TABLE.indexes;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: LEDGER_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: LEDGER_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: Match.arrayWith(
        [byObject, byStatus].map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      ),
    });
  });

  it('ledger: GSIs project exactly what shared/resources.ts defines', () => {
    const ledger = template.findResources('AWS::DynamoDB::Table')[logicalId(stack.ledgerTable)];
    const expected = Object.values(LEDGER_TABLE.indexes).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        index.projection.type === 'INCLUDE'
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.nonKeyAttributes] }
          : { ProjectionType: index.projection.type },
    }));
    expect(ledger?.Properties.GlobalSecondaryIndexes).toEqual(expected);
  });

  it('ledger survives stack deletion', () => {
    const ledger = template.findResources('AWS::DynamoDB::Table')[logicalId(stack.ledgerTable)];
    expect(ledger?.DeletionPolicy).toBe('Retain');
  });

  it('idempotency: Powertools key, on demand, TTL, PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('gsiProjection', () => {
  it('maps each projection type, with non-key attributes for INCLUDE only', () => {
    expect(gsiProjection({ type: 'KEYS_ONLY', nonKeyAttributes: [] })).toEqual({
      projectionType: 'KEYS_ONLY',
    });
    expect(gsiProjection({ type: 'ALL', nonKeyAttributes: [] })).toEqual({ projectionType: 'ALL' });
    expect(gsiProjection({ type: 'INCLUDE', nonKeyAttributes: ['status'] })).toEqual({
      projectionType: 'INCLUDE',
      nonKeyAttributes: ['status'],
    });
  });

  it('refuses non-key attributes that DynamoDB would ignore or reject', () => {
    expect(() => gsiProjection({ type: 'KEYS_ONLY', nonKeyAttributes: ['status'] })).toThrow(
      /KEYS_ONLY projection lists non-key attributes \(status\)/,
    );
  });
});
