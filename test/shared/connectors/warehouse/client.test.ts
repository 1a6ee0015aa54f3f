import { describe, expect, it } from 'vitest';
import { createWarehouseClient } from '../../../../shared/connectors/warehouse/client.ts';
import { WarehouseStatementError } from '../../../../shared/connectors/warehouse/errors.ts';
import { MIGRATION_TIMEOUT_SECONDS } from '../../../../shared/connectors/warehouse/migrations.ts';
import {
  POLLING_DEFAULTS,
  pollingWithin,
} from '../../../../shared/connectors/warehouse/polling.ts';
import { PermanentError, RetryableError } from '../../../../shared/errors.ts';
import { CONNECTOR_INTAKE } from '../../../../shared/resources.ts';
import { rows, useWarehouse } from './support.ts';

const wh = useWarehouse();

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('WarehouseClient on the Data API simulator', () => {
  it('runs a batch once per client token: a repeated call gets the first statement back', async () => {
    // Prepare
    const { client } = wh;
    await client.execute(`CREATE TABLE ${wh.config.schema}.token_probe (id INTEGER)`);
    const insert = [`INSERT INTO ${wh.config.schema}.token_probe VALUES (1)`];

    // Act
    const first = await client.executeBatch(insert, { clientToken: 'probe-token-1' });
    const again = await client.executeBatch(insert, { clientToken: 'probe-token-1' });

    // Assess
    expect(again.id).toBe(first.id);
    expect(await rows(wh, 'SELECT COUNT(*) AS n FROM {schema}.token_probe')).toEqual([{ n: 1 }]);
  });

  it('does not answer a retry with the failure its token got: the batch runs afresh', async () => {
    // Prepare
    const { client } = wh;
    await client.execute(`CREATE TABLE ${wh.config.schema}.retry_probe (id INTEGER)`);
    const insert = [`INSERT INTO ${wh.config.schema}.retry_probe VALUES (1)`];
    const invalid = 'ERROR: invalid input syntax for type integer: "one"';
    wh.sim.faults.failNext({ match: /retry_probe/, error: invalid });

    // Act
    const failure = await rejectionOf(
      client.executeBatch(insert, { clientToken: 'probe-token-2' }),
    );
    await client.executeBatch(insert, { clientToken: 'probe-token-2' });

    // Assess
    expect(failure).toBeInstanceOf(WarehouseStatementError);
    expect(failure.message).toMatch(
      /^Redshift failed statement [0-9a-f-]+:1: ERROR: invalid input/,
    );
    expect(await rows(wh, 'SELECT COUNT(*) AS n FROM {schema}.retry_probe')).toEqual([{ n: 1 }]);
  });

  it('reads rows with named parameters, typed as the Data API types them', async () => {
    // Act
    const result = await wh.client.query(
      'SELECT CAST(:amount AS BIGINT) AS amount, :name AS name, TRUE AS flag, NULL AS nothing',
      { amount: '1500', name: 'Seats' },
    );

    // Assess
    expect(result).toEqual([{ amount: 1500, name: 'Seats', flag: true, nothing: null }]);
  });

  it('refuses a parameter the SQL does not use, as the Data API does, with what to check', async () => {
    // Act
    const error = await rejectionOf(wh.client.query('SELECT 1 AS one', { unused: 'x' }));

    // Assess
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(
      /ValidationException: .*unused parameters.*parameters that do not match/,
    );
  });

  it('fails as retryable when the Data API keeps throttling past the SDK retries', async () => {
    // Prepare
    wh.sim.faults.throttleNext(10);

    // Act
    const error = await rejectionOf(wh.client.execute('SELECT 1'));
    wh.sim.faults.clear();

    // Assess
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toMatch(/ThrottlingException.*tried again/);
  });

  it("waits for a statement until a minute before the function's timeout, then fails as retryable", () => {
    // Act
    const connector = POLLING_DEFAULTS.timeoutMs;
    const migrations = pollingWithin(MIGRATION_TIMEOUT_SECONDS * 1000).timeoutMs;

    // Assess
    expect(connector).toBe((CONNECTOR_INTAKE.warehouse.timeoutSeconds - 60) * 1000);
    expect(connector).toBe(240_000);
    expect(migrations).toBe(13 * 60_000);
  });

  it('names the settings to check when the workgroup does not exist', async () => {
    // Prepare
    const client = createWarehouseClient({
      ...wh.config,
      target: { kind: 'serverless', workgroupName: 'no-such-workgroup' },
    });

    // Act
    const error = await rejectionOf(client.execute('SELECT 1'));

    // Assess
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/WAREHOUSE_WORKGROUP/);
  });
});
