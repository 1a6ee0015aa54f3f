/**
 * What a failed statement reports through the real SDK, in Redshift's words (missing relation
 * or column, syntax errors with the position in the SQL sent, a user that does not exist, the
 * simulator's refusals, a real serialization conflict between two batches), and the fault
 * switch: injected statement failures and ThrottlingException.
 */
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
} from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERIALIZABLE_ISOLATION_VIOLATION } from '../../../../local/simulators/redshift-data/redshift-errors.ts';
import {
  dataClient,
  postgresUrl,
  rejectionOf,
  run,
  runOk,
  useRedshiftSimulator,
  WORKGROUP,
  waitFor,
} from './support.ts';

const t = useRedshiftSimulator();

beforeAll(async () => {
  await runOk(
    t.client,
    `CREATE TABLE ${t.schema}.events (id VARCHAR(64), payload SUPER, n INTEGER NOT NULL)`,
  );
});

describe('Redshift error texts', () => {
  it.each([
    ['SELECT * FROM stripe_nope.nope', 'ERROR: relation "stripe_nope.nope" does not exist'],
    ['SELECT missing_column FROM {schema}.events', 'ERROR: column "missing_column" does not exist'],
    ['SELECT id FROM {schema}.events WHERE', 'ERROR: syntax error at end of input\n  Position: '],
    ['SELEC 1', 'ERROR: syntax error at or near "SELEC"\n  Position: 1'],
    [
      "INSERT INTO {schema}.events (id) VALUES ('evt_1')",
      'ERROR: Cannot insert a NULL value into column n',
    ],
    [
      'INSERT INTO {schema}.events VALUES (1, NULL, 1) ON CONFLICT DO NOTHING',
      'ERROR: ON CONFLICT is PostgreSQL, not Redshift: use MERGE',
    ],
    ['SELECT payload.data.object FROM {schema}.events', 'ERROR: SUPER navigation and PartiQL'],
    [
      'CREATE INDEX ix ON {schema}.events (id)',
      'ERROR: CREATE INDEX: Redshift has no indexes; use SORTKEY',
    ],
    [
      'GRANT SELECT ON {schema}.events TO "IAMR:No-Such-Role-{schema}"',
      'ERROR: user "iamr:no-such-role-rs_',
    ],
  ])('%s fails with %j', async (sql, expected) => {
    // Act
    const described = await run(t.client, sql.replaceAll('{schema}', t.schema));

    // Assess
    expect(described.Status).toBe('FAILED');
    expect(described.Error?.startsWith(expected)).toBe(true);
  });

  it('reports a syntax error at its position in the SQL sent, not in the translation', async () => {
    // Prepare: NVL(…) is longer once translated; the error is after it.
    const sql = `SELECT NVL(id, 'x') FROM ${t.schema}.events WHERE id = = 'a'`;

    // Act
    const described = await run(t.client, sql);

    // Assess
    expect(described.Error).toBe(
      `ERROR: syntax error at or near "="\n  Position: ${sql.indexOf('= =') + 3}`,
    );
  });
});

describe('faults', () => {
  it('fails the next matching statement with a serialization conflict, then runs normally', async () => {
    // Prepare
    t.sim.faults.failNext({ match: /INSERT INTO .*events/ });

    // Act
    const other = await run(t.client, 'SELECT 1');
    const failed = await run(t.client, `INSERT INTO ${t.schema}.events VALUES ('evt_2', NULL, 1)`);
    const retried = await run(t.client, `INSERT INTO ${t.schema}.events VALUES ('evt_2', NULL, 1)`);

    // Assess
    expect(other.Status).toBe('FINISHED');
    expect(failed.Status).toBe('FAILED');
    expect(failed.Error).toMatch(/^ERROR: 1023 DETAIL: Serializable isolation violation on table/);
    expect(retried.Status).toBe('FINISHED');
  });

  it('fails statements with the error text it is given', async () => {
    // Prepare
    t.sim.faults.failNext({ count: 2, error: 'ERROR: Disk Full' });

    // Act
    const first = await run(t.client, 'SELECT 1');
    const second = await run(t.client, 'SELECT 2');
    const third = await run(t.client, 'SELECT 3');

    // Assess
    expect([first.Error, second.Error, third.Error]).toEqual([
      'ERROR: Disk Full',
      'ERROR: Disk Full',
      undefined,
    ]);
  });

  it('throttles the next requests: a client without retries sees ThrottlingException, the default client retries', async () => {
    // Prepare
    t.sim.faults.throttleNext(1);
    const retrying = dataClient(t.sim, 3);

    // Act
    const error = await rejectionOf(
      t.client.send(new ExecuteStatementCommand({ Sql: 'SELECT 1', ...WORKGROUP })),
    );
    t.sim.faults.throttleNext(2);
    const { Id } = await retrying.send(
      new ExecuteStatementCommand({ Sql: 'SELECT 1', ...WORKGROUP }),
    );

    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect((await waitFor(t.client, Id)).Status).toBe('FINISHED');
  });
});

describe('serializable isolation', () => {
  it('fails one of two batches that read what the other writes, as Redshift reports 1023', async () => {
    // Prepare
    for (const table of ['skew_a', 'skew_b', 'skew_gate']) {
      await runOk(t.client, `CREATE TABLE ${t.schema}.${table} (n BIGINT)`);
    }
    // Both batches read, write, then wait on the gate: they overlap for certain.
    const gate = new pg.Client({ connectionString: postgresUrl() });
    await gate.connect();
    await gate.query('BEGIN');
    await gate.query(`LOCK TABLE ${t.schema}.skew_gate IN ACCESS EXCLUSIVE MODE`);
    const batch = (target: string, source: string) =>
      t.client.send(
        new BatchExecuteStatementCommand({
          ...WORKGROUP,
          Sqls: [
            `INSERT INTO ${t.schema}.${target} SELECT COUNT(*) FROM ${t.schema}.${source}`,
            `SELECT COUNT(*) FROM ${t.schema}.skew_gate`,
          ],
        }),
      );
    const first = await batch('skew_a', 'skew_b');
    const second = await batch('skew_b', 'skew_a');
    // Each has read and written once its first statement is done, and waits at the gate.
    const written = [
      await waitFor(t.client, `${first.Id}:1`),
      await waitFor(t.client, `${second.Id}:1`),
    ];

    // Act
    await gate.query('COMMIT');
    await gate.end();
    const outcomes = [await waitFor(t.client, first.Id), await waitFor(t.client, second.Id)];

    // Assess
    expect(written.map((w) => w.Status)).toEqual(['FINISHED', 'FINISHED']);
    expect(outcomes.map((o) => o.Status).sort()).toEqual(['FAILED', 'FINISHED']);
    expect(outcomes.find((o) => o.Status === 'FAILED')?.Error).toBe(
      SERIALIZABLE_ISOLATION_VIOLATION,
    );
  });
});
