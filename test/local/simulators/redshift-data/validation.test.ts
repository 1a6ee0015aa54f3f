/**
 * Requests the Data API refuses, refused as it does through the real SDK: no or another
 * workgroup, SQL over 100 KB, more than 40 statements, parameters that do not match the SQL;
 * and a database the simulator does not serve, which fails the statement as Redshift does.
 */
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
} from '@aws-sdk/client-redshift-data';
import { describe, expect, it } from 'vitest';
import { rejectionOf, run, useRedshiftSimulator, WORKGROUP, waitFor } from './support.ts';

const t = useRedshiftSimulator();

describe('request validation', () => {
  it('refuses a request naming neither a workgroup nor a cluster, or another workgroup', async () => {
    // Act
    const neither = await rejectionOf(
      t.client.send(new ExecuteStatementCommand({ Sql: 'SELECT 1', Database: 'dev' })),
    );
    const other = await rejectionOf(
      t.client.send(
        new ExecuteStatementCommand({
          Sql: 'SELECT 1',
          Database: 'dev',
          WorkgroupName: 'elsewhere',
        }),
      ),
    );
    const cluster = await t.client.send(
      new ExecuteStatementCommand({
        Sql: 'SELECT 1',
        Database: 'dev',
        ClusterIdentifier: 'switchyard-local',
        DbUser: 'loader',
      }),
    );

    // Assess
    expect(neither.name).toBe('ValidationException');
    expect(neither.message).toBe(
      'Either ClusterIdentifier or WorkgroupName needs to be specified.',
    );
    expect(other.message).toBe("Redshift endpoint doesn't exist in this region.");
    expect((await waitFor(t.client, cluster.Id)).Status).toBe('FINISHED');
  });

  it('fails a statement on a database the simulator does not serve', async () => {
    // Act
    const { Id } = await t.client.send(
      new ExecuteStatementCommand({
        Sql: 'SELECT 1',
        Database: 'nope',
        WorkgroupName: 'switchyard',
      }),
    );
    const described = await waitFor(t.client, Id);

    // Assess
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toBe('FATAL: database "nope" does not exist');
  });

  it('refuses SQL over 100 KB and batches of more than 40 statements', async () => {
    // Act
    const large = await rejectionOf(
      t.client.send(
        new ExecuteStatementCommand({ Sql: `SELECT '${'x'.repeat(102_400)}'`, ...WORKGROUP }),
      ),
    );
    const many = await rejectionOf(
      t.client.send(
        new BatchExecuteStatementCommand({
          Sqls: Array.from({ length: 41 }, () => 'SELECT 1'),
          ...WORKGROUP,
        }),
      ),
    );

    // Assess
    expect(large.name).toBe('ValidationException');
    expect(large.message).toBe('Cannot process query string larger than 100kB');
    expect(many.name).toBe('ValidationException');
    expect(many.message).toContain('Member must have length less than or equal to 40');
  });

  it('refuses parameters the SQL does not use, and SQL parameters that are not given', async () => {
    // Act
    const extra = await rejectionOf(
      t.client.send(
        new ExecuteStatementCommand({
          Sql: 'SELECT :a',
          Parameters: [
            { name: 'a', value: '1' },
            { name: 'id', value: '2' },
          ],
          ...WORKGROUP,
        }),
      ),
    );
    const missing = await rejectionOf(
      t.client.send(
        new ExecuteStatementCommand({
          Sql: 'SELECT :a, :b',
          Parameters: [{ name: 'a', value: '1' }],
          ...WORKGROUP,
        }),
      ),
    );
    const given = await run(t.client, 'SELECT :a::int + 1', [{ name: 'a', value: '41' }]);

    // Assess
    expect(extra.message).toBe(
      'Parameters list contains unused parameters. Unused parameters: [id]',
    );
    expect(missing.name).toBe('ValidationException');
    expect(missing.message).toContain('Missing parameters: [b]');
    expect(given.Status).toBe('FINISHED');
  });
});
