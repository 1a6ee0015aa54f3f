/**
 * BatchExecuteStatement through the real SDK: its Sqls run in order in one transaction (a failure
 * rolls back the statements before it), each with its own SubStatement status and result; temp
 * tables live for the batch; and the MERGE upsert a loader runs from a staging table.
 */
import { GetStatementResultCommand } from '@aws-sdk/client-redshift-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, runBatch, runOk, useRedshiftSimulator } from './support.ts';

const t = useRedshiftSimulator();

beforeAll(async () => {
  await runOk(
    t.client,
    `CREATE TABLE ${t.schema}.customers (id VARCHAR(32) NOT NULL, email VARCHAR(128), updated TIMESTAMP, PRIMARY KEY (id)) DISTKEY (id) SORTKEY (updated)`,
  );
});

describe('atomicity', () => {
  it('rolls back the first two statements when the third fails, and reports each', async () => {
    // Act
    const described = await runBatch(t.client, [
      `INSERT INTO ${t.schema}.customers VALUES ('cus_1', 'a@example.com', GETDATE())`,
      `INSERT INTO ${t.schema}.customers VALUES ('cus_2', 'b@example.com', GETDATE())`,
      `INSERT INTO ${t.schema}.nope VALUES ('cus_3')`,
      `INSERT INTO ${t.schema}.customers VALUES ('cus_4', 'd@example.com', GETDATE())`,
    ]);
    const rows = await query(t.client, `SELECT COUNT(*) FROM ${t.schema}.customers`);

    // Assess
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toBe(`ERROR: relation "${t.schema}.nope" does not exist`);
    expect(described.SubStatements?.map((s) => [s.Id, s.Status])).toEqual([
      [`${described.Id}:1`, 'FINISHED'],
      [`${described.Id}:2`, 'FINISHED'],
      [`${described.Id}:3`, 'FAILED'],
      [`${described.Id}:4`, 'ABORTED'],
    ]);
    expect(described.SubStatements?.[2]?.Error).toBe(described.Error);
    expect(rows).toEqual([[0]]);
  });

  it('commits every statement when all succeed, each with its own result', async () => {
    // Act
    const described = await runBatch(t.client, [
      `INSERT INTO ${t.schema}.customers VALUES ('cus_5', 'e@example.com', '2024-01-01')`,
      `SELECT id, email FROM ${t.schema}.customers WHERE id = 'cus_5'`,
    ]);
    const result = await t.client.send(new GetStatementResultCommand({ Id: `${described.Id}:2` }));

    // Assess
    expect(described.Status).toBe('FINISHED');
    expect(described.SubStatements?.map((s) => [s.Status, s.HasResultSet, s.ResultRows])).toEqual([
      ['FINISHED', false, 1],
      ['FINISHED', true, 1],
    ]);
    expect(result.Records).toEqual([[{ stringValue: 'cus_5' }, { stringValue: 'e@example.com' }]]);
  });

  it('refuses BEGIN inside a batch, which is one transaction already', async () => {
    // Act
    const described = await runBatch(t.client, ['BEGIN', 'SELECT 1']);

    // Assess
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toContain('not allowed in BatchExecuteStatement');
  });
});

describe('staging and MERGE', () => {
  it('loads a temp table and merges it, updating matches and inserting the rest', async () => {
    // Prepare
    await runOk(
      t.client,
      `INSERT INTO ${t.schema}.customers VALUES ('cus_6', 'old@example.com', '2024-01-01')`,
    );

    // Act
    const described = await runBatch(t.client, [
      `CREATE TEMP TABLE stage (LIKE ${t.schema}.customers)`,
      `INSERT INTO stage VALUES ('cus_6', 'new@example.com', '2024-02-01'), ('cus_7', 'g@example.com', '2024-02-01')`,
      `MERGE INTO ${t.schema}.customers USING stage s ON ${t.schema}.customers.id = s.id
         WHEN MATCHED THEN UPDATE SET email = s.email, updated = s.updated
         WHEN NOT MATCHED THEN INSERT (id, email, updated) VALUES (s.id, s.email, s.updated)`,
    ]);
    const rows = await query(
      t.client,
      `SELECT id, email FROM ${t.schema}.customers WHERE id IN ('cus_6', 'cus_7') ORDER BY id`,
    );
    const after = await runBatch(t.client, ['SELECT COUNT(*) FROM stage']);

    // Assess
    expect(described.Status).toBe('FINISHED');
    expect(rows).toEqual([
      ['cus_6', 'new@example.com'],
      ['cus_7', 'g@example.com'],
    ]);
    expect(after.Error).toBe('ERROR: relation "stage" does not exist');
  });

  it("reports Redshift's error when two source rows match one target row", async () => {
    // Act
    const described = await runBatch(t.client, [
      `CREATE TEMP TABLE dupes (LIKE ${t.schema}.customers)`,
      `INSERT INTO dupes VALUES ('cus_6', 'x@example.com', NULL), ('cus_6', 'y@example.com', NULL)`,
      `MERGE INTO ${t.schema}.customers USING dupes d ON ${t.schema}.customers.id = d.id
         WHEN MATCHED THEN UPDATE SET email = d.email
         WHEN NOT MATCHED THEN INSERT (id, email) VALUES (d.id, d.email)`,
    ]);

    // Assess
    expect(described.Error).toBe('ERROR: Found multiple matches to update the same tuple.');
  });

  it('records the dist and sort keys of the table in the catalog', () => {
    // Act
    const design = t.sim.catalog.table(t.schema, 'customers');

    // Assess
    expect(design).toMatchObject({
      distKey: 'id',
      distStyle: 'key',
      sortKey: ['updated'],
      primaryKey: ['id'],
    });
  });
});
