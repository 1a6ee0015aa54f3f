import { describe, expect, it } from 'vitest';
import {
  loadStatements,
  MAX_BATCH_STATEMENTS,
} from '../../../../shared/connectors/warehouse/load-sql.ts';
import {
  CHILD_TABLES,
  ENTITY_TABLES,
  type TableName,
} from '../../../../shared/connectors/warehouse/tables.ts';

const options = (staged: TableName[]) => ({
  schema: 'stripe',
  staged: new Set(staged),
  locationOf: (table: TableName) => `s3://staging/warehouse/b1/${table}.ndjson`,
  copyRole: 'default',
});

describe('loadStatements', () => {
  it('uses exactly the Data API limit of 40 statements with every table staged, no more', () => {
    // Act
    const statements = loadStatements(options(['events', ...ENTITY_TABLES, ...CHILD_TABLES]));

    // Assess
    expect(statements).toHaveLength(MAX_BATCH_STATEMENTS);
    expect(statements.filter((s) => s.startsWith('COPY '))).toHaveLength(10);
    expect(statements.filter((s) => s.startsWith('MERGE INTO '))).toHaveLength(7);
  });

  it('guards order before merging: stale and already-applied rows leave the stage first', () => {
    // Act
    const statements = loadStatements(options(['events', 'customers']));

    // Assess
    const guard = statements.findIndex((s) => s.startsWith('DELETE FROM stage_customers'));
    const merge = statements.findIndex((s) => s.startsWith('MERGE INTO stripe.customers'));
    expect(guard).toBeGreaterThan(-1);
    expect(guard).toBeLessThan(merge);
    expect(statements[guard]).toContain('stage_customers.event_created < customers.event_created');
    expect(statements[merge]).not.toMatch(/WHEN MATCHED AND/);
  });

  it('replaces the lines of an applied invoice even when its new version has none', () => {
    // Act
    const statements = loadStatements(options(['events', 'invoices']));

    // Assess
    expect(statements).toContain(
      'DELETE FROM stripe.invoice_lines USING stage_invoices WHERE invoice_lines.invoice_id = stage_invoices.id',
    );
    expect(statements.some((s) => s.startsWith('INSERT INTO stripe.invoice_lines'))).toBe(false);
  });

  it('copies from the staged file with the configured role, quoted', () => {
    // Act
    const statements = loadStatements({
      ...options(['events']),
      copyRole: 'arn:aws:iam::123456789012:role/Copy',
    });

    // Assess
    expect(statements).toContain(
      "COPY stage_events FROM 's3://staging/warehouse/b1/events.ndjson' IAM_ROLE 'arn:aws:iam::123456789012:role/Copy' FORMAT AS JSON 'auto ignorecase' TIMEFORMAT 'epochsecs'",
    );
  });

  it('never cuts a value to fit: COPY has no TRUNCATECOLUMNS', () => {
    // Act
    const statements = loadStatements(options(['events', ...ENTITY_TABLES, ...CHILD_TABLES]));

    // Assess
    expect(statements.filter((s) => s.includes('TRUNCATECOLUMNS'))).toEqual([]);
  });

  it('looks a raw event up by id and created, within the batch time range (the sort key)', () => {
    // Act
    const statements = loadStatements({
      ...options(['events']),
      eventsCreated: { min: 1_767_225_600, max: 1_767_225_660 },
    });

    // Assess
    const insert = statements.find((s) => s.startsWith('INSERT INTO stripe.events'));
    expect(insert).toContain(
      "WHERE loaded.id = stage_events.id AND loaded.created = stage_events.created AND loaded.created BETWEEN '2026-01-01 00:00:00' AND '2026-01-01 00:01:00'",
    );
  });
});
