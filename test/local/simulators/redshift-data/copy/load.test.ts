/**
 * COPY … FROM 's3://…' FORMAT AS JSON 'auto' through the real SDK, reading from the run's fauxqs
 * S3: every object under the prefix, keys matched to columns (ignorecase), SUPER columns, epoch
 * timestamps, gzip, malformed input failing as Redshift reports it, and 100,000 rows in seconds.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, run, runBatch, runOk, useRedshiftSimulator } from '../support.ts';

const t = useRedshiftSimulator();
const bucket = `copy-${randomBytes(4).toString('hex')}`;
let s3: S3Client;

const put = (key: string, body: string | Uint8Array) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const ndjson = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join('\n');
const copy = (table: string, prefix: string, options = "FORMAT AS JSON 'auto'") =>
  `COPY ${t.schema}.${table} FROM 's3://${bucket}/${prefix}' IAM_ROLE default ${options}`;

beforeAll(async () => {
  s3 = new S3Client({
    endpoint: t.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await runOk(
    t.client,
    `CREATE TABLE ${t.schema}.events (id VARCHAR(32), type VARCHAR(64), created TIMESTAMP, amount BIGINT, payload SUPER)`,
  );
});

describe('COPY from S3', () => {
  it('loads every object under the prefix, and only those', async () => {
    // Prepare
    await put(
      'several/part-0000.json',
      ndjson([{ id: 'evt_1', type: 'invoice.paid', amount: 100 }]),
    );
    await put(
      'several/part-0001.json',
      ndjson([{ id: 'evt_2', type: 'invoice.paid' }, { id: 'evt_3' }]),
    );
    await put('severalx/ignored.json', ndjson([{ id: 'evt_other' }]));
    await put('elsewhere/part-0000.json', ndjson([{ id: 'evt_9' }]));

    // Act
    const described = await runOk(t.client, copy('events', 'several/'));
    const rows = await query(
      t.client,
      `SELECT id, type, amount FROM ${t.schema}.events WHERE id LIKE 'evt_%' ORDER BY id`,
    );

    // Assess
    expect(described.ResultRows).toBe(3);
    expect(rows).toEqual([
      ['evt_1', 'invoice.paid', 100],
      ['evt_2', 'invoice.paid', null],
      ['evt_3', null, null],
    ]);
  });

  it('matches keys to columns ignoring case with ignorecase, and keeps nested JSON in SUPER', async () => {
    // Prepare
    await put(
      'cased/part.json',
      ndjson([
        {
          ID: 'evt_cased',
          Type: 'customer.created',
          Payload: { object: { id: 'cus_1' }, list: [1, 2] },
        },
      ]),
    );

    // Act
    const exact = await runOk(t.client, copy('events', 'cased/'));
    const ignoring = await runOk(
      t.client,
      copy('events', 'cased/', "FORMAT AS JSON 'auto ignorecase'"),
    );
    const rows = await query(
      t.client,
      `SELECT id, type, JSON_SERIALIZE(payload) FROM ${t.schema}.events WHERE id = 'evt_cased'`,
    );

    // Assess
    expect(exact.ResultRows).toBe(1);
    expect(ignoring.ResultRows).toBe(1);
    expect(rows).toEqual([
      ['evt_cased', 'customer.created', '{"list":[1,2],"object":{"id":"cus_1"}}'],
    ]);
  });

  it("turns epoch seconds into timestamps with TIMEFORMAT 'epochsecs'", async () => {
    // Prepare
    await put('epoch/part.json', ndjson([{ id: 'evt_epoch', created: 1_700_000_000 }]));

    // Act
    await runOk(t.client, copy('events', 'epoch/', "FORMAT AS JSON 'auto' TIMEFORMAT 'epochsecs'"));
    const rows = await query(
      t.client,
      `SELECT created FROM ${t.schema}.events WHERE id = 'evt_epoch'`,
    );

    // Assess
    expect(rows).toEqual([['2023-11-14 22:13:20']]);
  });

  it('reads gzip files and objects written one after another rather than one per line', async () => {
    // Prepare
    const concatenated =
      '{"id": "evt_gz1",\n "type": "a"}{"id": "evt_gz2"}\n\n{\n"id": "evt_gz3"\n}';
    await put('gzipped/part.json.gz', gzipSync(concatenated));

    // Act
    const described = await runOk(t.client, copy('events', 'gzipped/', "JSON 'auto' GZIP"));

    // Assess
    expect(described.ResultRows).toBe(3);
  });

  it("fails a malformed line with Redshift's message and records the detail", async () => {
    // Prepare
    await put('malformed/part.json', `${ndjson([{ id: 'evt_ok' }])}\n{"id": "evt_bad",\n`);

    // Act
    const described = await run(t.client, copy('events', 'malformed/'));
    const loaded = await query(
      t.client,
      `SELECT COUNT(*) FROM ${t.schema}.events WHERE id = 'evt_ok'`,
    );

    // Assess
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toBe(
      "ERROR: Load into table 'events' failed. Check 'sys_load_error_detail' system table for details.",
    );
    expect(t.sim.loadErrors().at(-1)).toMatchObject({
      table: 'events',
      file: `s3://${bucket}/malformed/part.json`,
      line: 2,
    });
    expect(loaded).toEqual([[0]]);
  });

  it('refuses a nested object for a VARCHAR column, and a prefix with no objects', async () => {
    // Prepare
    await put('nested/part.json', ndjson([{ id: 'evt_nested', type: { not: 'a string' } }]));

    // Act
    const nested = await run(t.client, copy('events', 'nested/'));
    const empty = await run(t.client, copy('events', 'no-such-prefix/'));

    // Assess
    expect(nested.Error).toContain("Load into table 'events' failed");
    expect(t.sim.loadErrors().at(-1)?.reason).toContain(
      'a JSON object cannot be loaded into column type (character varying(64))',
    );
    expect(empty.Error).toBe("ERROR: The specified S3 prefix 'no-such-prefix/' does not exist");
  });

  it('loads all or nothing: a bad value after the first insert batch leaves the table as it was', async () => {
    // Prepare
    await runOk(t.client, `CREATE TABLE ${t.schema}.short (id BIGINT, code VARCHAR(8))`);
    const rows = Array.from({ length: 6_000 }, (_, i) => ({
      id: i === 5_999 ? 'not-a-number' : i,
      code: 'ok',
    }));
    await put('atomic/part.json', ndjson(rows));

    // Act
    const described = await run(t.client, copy('short', 'atomic/'));
    const counted = await query(t.client, `SELECT COUNT(*) FROM ${t.schema}.short`);

    // Assess
    expect(described.Error).toBe(
      "ERROR: Load into table 'short' failed. Check 'sys_load_error_detail' system table for details.",
    );
    expect(t.sim.loadErrors().at(-1)?.reason).toBe(
      'invalid input syntax for type bigint: "not-a-number"',
    );
    expect(counted).toEqual([[0]]);
  });

  it('measures VARCHAR in bytes: a longer string fails the load, TRUNCATECOLUMNS cuts it whole characters', async () => {
    // Prepare
    await runOk(t.client, `CREATE TABLE ${t.schema}.names (id BIGINT, name VARCHAR(5))`);
    // Four characters, seven bytes: it fits PostgreSQL's varchar(5), not Redshift's.
    await put('bytes/part.json', ndjson([{ id: 1, name: 'Zoë€' }]));

    // Act
    const refused = await run(t.client, copy('names', 'bytes/'));
    const reason = t.sim.loadErrors().at(-1)?.reason;
    await runOk(t.client, copy('names', 'bytes/', "FORMAT AS JSON 'auto' TRUNCATECOLUMNS"));
    const loaded = await query(t.client, `SELECT name FROM ${t.schema}.names`);

    // Assess
    expect(refused.Error).toBe(
      "ERROR: Load into table 'names' failed. Check 'sys_load_error_detail' system table for details.",
    );
    expect(reason).toMatch(/^String length exceeds DDL length: 7 bytes for name/);
    expect(loaded).toEqual([['Zoë']]);
  });

  it('rolls a COPY in a failed batch back with the batch', async () => {
    // Prepare
    await put('batch/part.json', ndjson([{ id: 'evt_batch' }]));

    // Act
    const described = await runBatch(t.client, [
      copy('events', 'batch/'),
      'SELECT * FROM nope_table',
    ]);
    const rows = await query(
      t.client,
      `SELECT COUNT(*) FROM ${t.schema}.events WHERE id = 'evt_batch'`,
    );

    // Assess
    expect(described.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED']);
    expect(rows).toEqual([[0]]);
  });

  it('loads 100,000 small rows in a few seconds', async () => {
    // Prepare
    await runOk(
      t.client,
      `CREATE TABLE ${t.schema}.bulk (id BIGINT, name VARCHAR(32), at TIMESTAMP, payload SUPER)`,
    );
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: i,
      name: `row-${i}`,
      at: 1_700_000_000 + i,
      payload: { i },
    }));
    await put('bulk/part-0.json', ndjson(rows.slice(0, 50_000)));
    await put('bulk/part-1.json', ndjson(rows.slice(50_000)));

    // Act
    const started = Date.now();
    const described = await runOk(
      t.client,
      copy('bulk', 'bulk/', "FORMAT AS JSON 'auto' TIMEFORMAT 'epochsecs'"),
    );
    const elapsed = Date.now() - started;
    const counted = await query(t.client, `SELECT COUNT(*), MAX(id) FROM ${t.schema}.bulk`);

    // Assess
    expect(described.ResultRows).toBe(100_000);
    expect(counted).toEqual([[100_000, 99_999]]);
    expect(elapsed).toBeLessThan(5_000);
  });
});
