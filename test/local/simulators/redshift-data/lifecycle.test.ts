/**
 * A statement's life through the real SDK: the Id comes back at once, DescribeStatement walks
 * SUBMITTED → PICKED → STARTED → FINISHED, a ClientToken replays the statement instead of
 * running it again, CancelStatement aborts, and requests the Data API refuses are refused.
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
} from '@aws-sdk/client-redshift-data';
import { describe, expect, it } from 'vitest';
import { query, rejectionOf, runOk, useRedshiftSimulator, WORKGROUP, waitFor } from './support.ts';

const t = useRedshiftSimulator({ executionDelayMs: 150 });

describe('status lifecycle', () => {
  it('answers with an Id at once and reports SUBMITTED, PICKED, STARTED, then FINISHED', async () => {
    // Prepare
    const seen = new Set<string>();

    // Act
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({ Sql: 'SELECT 1 AS one', ...WORKGROUP }),
    );
    for (;;) {
      const { Status } = await t.client.send(new DescribeStatementCommand({ Id }));
      seen.add(Status ?? '');
      if (Status === 'FINISHED' || Status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const described = await t.client.send(new DescribeStatementCommand({ Id }));

    // Assess
    expect(Id).toMatch(/^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$/);
    expect([...seen]).toEqual(
      ['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED'].filter((s) => seen.has(s)),
    );
    expect(seen.has('SUBMITTED')).toBe(true);
    expect(seen.has('FINISHED')).toBe(true);
    expect(described).toMatchObject({
      Status: 'FINISHED',
      HasResultSet: true,
      ResultRows: 1,
      QueryString: 'SELECT 1 AS one',
      Database: 'dev',
      WorkgroupName: 'switchyard',
    });
    expect(described.Duration).toBeGreaterThan(0);
    expect(described.RedshiftQueryId).toBeGreaterThan(0);
    expect(described.UpdatedAt?.getTime()).toBeGreaterThanOrEqual(
      described.CreatedAt?.getTime() ?? 0,
    );
  });

  it('answers ValidationException for the result of a statement that has not finished', async () => {
    // Prepare
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({ Sql: 'SELECT 1', ...WORKGROUP }),
    );

    // Act
    const error = await rejectionOf(t.client.send(new GetStatementResultCommand({ Id })));
    await waitFor(t.client, Id);

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('DescribeStatement reports FINISHED');
  });

  it('answers ResourceNotFoundException for an Id it never gave', async () => {
    // Act
    const error = await rejectionOf(
      t.client.send(new DescribeStatementCommand({ Id: '00000000-0000-4000-8000-000000000000' })),
    );

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('ClientToken', () => {
  it('replays the same statement for the same token instead of running it again', async () => {
    // Prepare
    await runOk(t.client, `CREATE TABLE ${t.schema}.tokens (n INTEGER)`);
    const request = {
      Sql: `INSERT INTO ${t.schema}.tokens VALUES (1)`,
      ClientToken: 'f0c9cd3e-6f0d-4d2e-9c55-1a2b3c4d5e6f',
      ...WORKGROUP,
    };

    // Act
    const first = await t.client.send(new ExecuteStatementCommand(request));
    await waitFor(t.client, first.Id);
    const again = await t.client.send(new ExecuteStatementCommand(request));
    const rows = await query(t.client, `SELECT COUNT(*) FROM ${t.schema}.tokens`);

    // Assess
    expect(again.Id).toBe(first.Id);
    expect(rows).toEqual([[1]]);
  });
});

describe('CancelStatement', () => {
  it('aborts a statement that has not started, and it never runs', async () => {
    // Prepare
    await runOk(t.client, `CREATE TABLE ${t.schema}.cancelled (n INTEGER)`);
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({
        Sql: `INSERT INTO ${t.schema}.cancelled VALUES (1)`,
        ...WORKGROUP,
      }),
    );

    // Act
    const cancelled = await t.client.send(new CancelStatementCommand({ Id }));
    const described = await waitFor(t.client, Id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await query(t.client, `SELECT COUNT(*) FROM ${t.schema}.cancelled`);

    // Assess
    expect(cancelled.Status).toBe(true);
    expect(described.Status).toBe('ABORTED');
    expect(rows).toEqual([[0]]);
  });

  it('aborts a running query, and refuses to cancel a finished one', async () => {
    // Prepare
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({ Sql: 'SELECT pg_sleep(20)', ...WORKGROUP }),
    );
    for (;;) {
      const { Status } = await t.client.send(new DescribeStatementCommand({ Id }));
      if (Status === 'STARTED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const started = Date.now();
    await t.client.send(new CancelStatementCommand({ Id }));
    const described = await waitFor(t.client, Id);
    const finished = await runOk(t.client, 'SELECT 1');
    const error = await rejectionOf(t.client.send(new CancelStatementCommand({ Id: finished.Id })));

    // Assess
    expect(described.Status).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('FINISHED');
  });
});

describe('CancelStatement on a batch', () => {
  it('aborts the running batch and rolls back the statements it had run', async () => {
    // Prepare
    await runOk(t.client, `CREATE TABLE ${t.schema}.batched (n INTEGER)`);
    const { Id } = await t.client.send(
      new BatchExecuteStatementCommand({
        Sqls: [`INSERT INTO ${t.schema}.batched VALUES (1)`, 'SELECT pg_sleep(20)', 'SELECT 1'],
        ...WORKGROUP,
      }),
    );
    for (;;) {
      const { SubStatements } = await t.client.send(new DescribeStatementCommand({ Id }));
      if (SubStatements?.[1]?.Status === 'STARTED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // Act
    await t.client.send(new CancelStatementCommand({ Id }));
    const described = await waitFor(t.client, Id);
    const rows = await query(t.client, `SELECT COUNT(*) FROM ${t.schema}.batched`);

    // Assess
    expect(described.Status).toBe('ABORTED');
    expect(described.SubStatements?.map((s) => s.Status)).toEqual([
      'FINISHED',
      'ABORTED',
      'ABORTED',
    ]);
    expect(rows).toEqual([[0]]);
  });
});

describe('ListStatements', () => {
  it('lists statements newest first, filtered by name', async () => {
    // Prepare
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({
        Sql: 'SELECT 2',
        StatementName: 'nightly-load-42',
        ...WORKGROUP,
      }),
    );
    await waitFor(t.client, Id);

    // Act
    const listed = await t.client.send(
      new ListStatementsCommand({ StatementName: 'nightly-load' }),
    );

    // Assess
    expect(listed.Statements?.map((s) => [s.Id, s.Status, s.QueryString])).toEqual([
      [Id, 'FINISHED', 'SELECT 2'],
    ]);
  });
});
