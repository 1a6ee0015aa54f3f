/**
 * A batch load whose statement outlives the client's wait: the load fails as retryable, its
 * staged files stay for the statement still reading them (the bucket's lifecycle rule removes
 * them later), and the statement's own result lands once Redshift gets to it.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from '../../../../local/simulators/redshift-data/postgres.ts';
import { createWarehouseClient } from '../../../../shared/connectors/warehouse/client.ts';
import { StatementTimeoutError } from '../../../../shared/connectors/warehouse/errors.ts';
import { loadBatch } from '../../../../shared/connectors/warehouse/load-batch.ts';
import { mapEvent, type Row } from '../../../../shared/connectors/warehouse/mapping.ts';
import type { TableName } from '../../../../shared/connectors/warehouse/tables.ts';
import { createLogger } from '../../../../shared/logger.ts';
import { updatedEvent } from '../../../support/events.ts';
import { rows, stagedKeys, useWarehouse } from './support.ts';

const wh = useWarehouse();

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('loadBatch', () => {
  it('leaves the staged files of a load it stopped waiting for, which then lands by itself', async () => {
    // Prepare
    const event = updatedEvent({
      resource: 'customer',
      fields: { id: 'cus_slow_load', name: 'Slow Load' },
      created: 1_800_000_000,
    });
    const mapped = mapEvent(event);
    const tableRows = new Map<TableName, Row[]>([
      ['events', [mapped.raw]],
      ['customers', [mapped.model?.row ?? {}]],
    ]);
    const impatient = createWarehouseClient(wh.config, {
      initialIntervalMs: 10,
      maxIntervalMs: 50,
      timeoutMs: 500,
    });
    // Another session holds the table: the load waits on it, as a Redshift load waits on a lock.
    const locker = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${wh.config.schema}.customers IN ACCESS EXCLUSIVE MODE`);

    // Act
    const failure = await loadBatch({
      client: impatient,
      s3: wh.s3,
      config: wh.config,
      logger: createLogger('warehouse-test', { logLevel: 'SILENT' }),
      events: [{ id: event.id, created: event.created }],
      rows: tableRows,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const leftStaged = await stagedKeys(wh);
    await locker.query('COMMIT');
    await locker.end();
    await eventually(
      async () =>
        (
          await rows(wh, "SELECT COUNT(*) AS n FROM {schema}.customers WHERE id = 'cus_slow_load'")
        )[0]?.n === 1,
    );

    // Assess
    expect(failure).toBeInstanceOf(StatementTimeoutError);
    expect(String(failure)).toMatch(/had not ended after 500 ms.*tried again/);
    expect(leftStaged.sort()).toEqual([
      expect.stringMatching(/^warehouse\/[0-9a-f]{16}-[0-9a-f]{8}\/customers\.ndjson$/),
      expect.stringMatching(/^warehouse\/[0-9a-f]{16}-[0-9a-f]{8}\/events\.ndjson$/),
    ]);
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.events WHERE id = '${event.id}'`),
    ).toEqual([{ n: 1 }]);
  });

  it('stops waiting at the batch’s deadline, not the client’s longer polling budget', async () => {
    // Prepare
    const event = updatedEvent({
      resource: 'customer',
      fields: { id: 'cus_deadline', name: 'Deadline' },
      created: 1_800_000_100,
    });
    const mapped = mapEvent(event);
    const patient = createWarehouseClient(wh.config);
    const locker = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${wh.config.schema}.customers IN ACCESS EXCLUSIVE MODE`);
    const started = Date.now();

    // Act
    const failure = await patient
      .within(Date.now() + 400, () =>
        loadBatch({
          client: patient,
          s3: wh.s3,
          config: wh.config,
          logger: createLogger('warehouse-test', { logLevel: 'SILENT' }),
          events: [{ id: event.id, created: event.created }],
          rows: new Map<TableName, Row[]>([
            ['events', [mapped.raw]],
            ['customers', [mapped.model?.row ?? {}]],
          ]),
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const waited = Date.now() - started;
    await locker.query('COMMIT');
    await locker.end();
    // The statement it stopped waiting for still lands; nothing is left running after the test.
    await eventually(
      async () =>
        (
          await rows(wh, "SELECT COUNT(*) AS n FROM {schema}.customers WHERE id = 'cus_deadline'")
        )[0]?.n === 1,
    );

    // Assess
    expect(failure).toBeInstanceOf(StatementTimeoutError);
    expect(waited).toBeLessThan(5_000);
  });
});
