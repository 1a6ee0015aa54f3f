/**
 * GetStatementResult through the real SDK: every Field kind and NULL, ColumnMetadata with
 * Redshift's type names, pagination by NextToken, and what Redshift's date and JSON functions
 * return.
 */
import { GetStatementResultCommand } from '@aws-sdk/client-redshift-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { allPages, query, rejectionOf, runOk, useRedshiftSimulator } from './support.ts';

const t = useRedshiftSimulator({ pageSize: 2 });

beforeAll(async () => {
  await runOk(
    t.client,
    `CREATE TABLE ${t.schema}.kinds (id BIGINT NOT NULL, small SMALLINT, name VARCHAR(20),
       amount DECIMAL(10,2), ratio DOUBLE PRECISION, paid BOOLEAN, day DATE, at TIMESTAMP,
       at_tz TIMESTAMPTZ, payload SUPER)`,
  );
  await runOk(
    t.client,
    `INSERT INTO ${t.schema}.kinds VALUES
       (1, 7, 'Jenny', 12.50, 0.25, true, '2024-02-29', '2024-01-31 10:15:00', '2024-01-31 10:15:00+00',
        JSON_PARSE('{"id": "in_1", "lines": [1, 2]}')),
       (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  );
});

describe('records', () => {
  it('answers each value as its Field kind, NULL as isNull', async () => {
    // Act
    const pages = await allPages(
      t.client,
      (await runOk(t.client, `SELECT * FROM ${t.schema}.kinds ORDER BY id`)).Id,
    );
    const [first, second] = pages[0]?.Records ?? [];

    // Assess
    expect(first).toEqual([
      { longValue: 1 },
      { longValue: 7 },
      { stringValue: 'Jenny' },
      { stringValue: '12.50' },
      { doubleValue: 0.25 },
      { booleanValue: true },
      { stringValue: '2024-02-29' },
      { stringValue: '2024-01-31 10:15:00' },
      { stringValue: '2024-01-31 10:15:00+00' },
      { stringValue: '{"id":"in_1","lines":[1,2]}' },
    ]);
    expect(second?.slice(1).every((field) => field.isNull === true)).toBe(true);
  });

  it('describes columns with Redshift type names, sizes and their table', async () => {
    // Act
    const described = await runOk(t.client, `SELECT * FROM ${t.schema}.kinds WHERE id = 1`);
    const page = await t.client.send(new GetStatementResultCommand({ Id: described.Id }));

    // Assess
    expect(page.ColumnMetadata?.map((c) => c.typeName)).toEqual([
      'int8',
      'int2',
      'varchar',
      'numeric',
      'float8',
      'bool',
      'date',
      'timestamp',
      'timestamptz',
      'super',
    ]);
    expect(page.ColumnMetadata?.[2]).toMatchObject({
      name: 'name',
      length: 20,
      tableName: 'kinds',
      schemaName: t.schema,
    });
    expect(page.ColumnMetadata?.[3]).toMatchObject({ precision: 10, scale: 2, isSigned: true });
  });
});

describe('pagination', () => {
  it('pages through the rows with NextToken, TotalNumRows counting them all', async () => {
    // Prepare
    const described = await runOk(t.client, 'SELECT n FROM generate_series(1, 5) AS n ORDER BY n');

    // Act
    const pages = await allPages(t.client, described.Id);

    // Assess
    expect(pages.map((p) => p.Records?.map((r) => r[0]?.longValue))).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages.map((p) => p.TotalNumRows)).toEqual([5, 5, 5]);
  });

  it('answers ValidationException for a statement without a result set', async () => {
    // Prepare
    const described = await runOk(t.client, `UPDATE ${t.schema}.kinds SET small = 8 WHERE id = 1`);

    // Act
    const error = await rejectionOf(
      t.client.send(new GetStatementResultCommand({ Id: described.Id })),
    );

    // Assess
    expect(described).toMatchObject({ HasResultSet: false, ResultRows: 1 });
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('Query does not have result');
  });
});

describe('Redshift functions', () => {
  it('DATEDIFF counts the boundaries crossed, DATEADD keeps month ends', async () => {
    // Act
    const rows = await query(
      t.client,
      `SELECT DATEDIFF(day, '2024-01-31 23:59:59', '2024-02-01 00:00:01'),
              DATEDIFF(month, '2024-01-31', '2024-02-01'),
              DATEDIFF(year, '2023-12-31', '2024-01-01'),
              DATEDIFF(hour, '2024-01-01 10:59:00', '2024-01-01 11:01:00'),
              DATEDIFF(week, '2024-01-07', '2024-01-08'),
              DATEADD(month, 1, '2024-01-31'),
              DATEADD(day, -1, DATE '2024-03-01'),
              DATE_TRUNC('month', TIMESTAMP '2024-05-17 08:00:00')`,
    );

    // Assess
    expect(rows).toEqual([
      [1, 1, 1, 1, 1, '2024-02-29 00:00:00', '2024-02-29 00:00:00', '2024-05-01 00:00:00'],
    ]);
  });

  it('GETDATE is now in UTC without fractional seconds; JSON_PARSE and JSON_SERIALIZE round-trip', async () => {
    // Act
    const [[now, serialized, epoch]] = (await query(
      t.client,
      `SELECT GETDATE(), JSON_SERIALIZE(JSON_PARSE('{"a": [1, {"b": null}]}')),
              TIMESTAMP 'epoch' + 1700000000 * INTERVAL '1 second'`,
    )) as [[string, string, string]];

    // Assess
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${now.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(60_000);
    expect(JSON.parse(serialized)).toEqual({ a: [1, { b: null }] });
    expect(epoch).toBe('2023-11-14 22:13:20');
  });

  it('binds named parameters, cast by the column they meet', async () => {
    // Act
    const rows = await query(
      t.client,
      `SELECT name FROM ${t.schema}.kinds WHERE id = :id AND day < :before`,
      [
        { name: 'id', value: '1' },
        { name: 'before', value: '2024-03-01' },
      ],
    );

    // Assess
    expect(rows).toEqual([['Jenny']]);
  });
});
