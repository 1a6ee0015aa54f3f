import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../shared/connectors/warehouse/migrations.ts';
import {
  CHILD_SPECS,
  ENTITY_SPECS,
  EVENTS_TABLE,
} from '../../../../shared/connectors/warehouse/tables.ts';
import { rows, useWarehouse } from './support.ts';

const wh = useWarehouse();

describe('migrate', () => {
  it('is a no-op the second time, and leaves one bookkeeping row per migration', async () => {
    // Act
    const again = await migrate({ client: wh.client, schema: wh.config.schema });

    // Assess
    expect(again).toEqual({ applied: [], version: 1 });
    expect(await rows(wh, 'SELECT version, name FROM {schema}.schema_migrations')).toEqual([
      { version: 1, name: 'raw events and finance models' },
    ]);
  });

  it('creates exactly the columns the loader writes, with the keys docs/warehouse.md explains', async () => {
    // Prepare
    const specs = [EVENTS_TABLE, ...Object.values(ENTITY_SPECS), ...Object.values(CHILD_SPECS)];

    // Act
    const columns = await wh.client.query(
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = :schema ORDER BY table_name, ordinal_position',
      { schema: wh.config.schema },
    );

    // Assess
    for (const spec of specs) {
      expect(columns.filter((c) => c.table_name === spec.name).map((c) => c.column_name)).toEqual(
        spec.columns,
      );
    }
    expect(wh.sim.catalog.table(wh.config.schema, 'invoice_lines')).toMatchObject({
      distKey: 'invoice_id',
      sortKey: ['invoice_id', 'line_number'],
    });
  });
});
