import { describe, expect, it } from 'vitest';
import { buildBenchEvents, expectedRows } from '../../../../bench/warehouse-events.ts';
import { useSimulator } from '../../../support/simulator.ts';
import { counts, load, rows, useWarehouse, warehouseConnector } from './support.ts';

const stripeSim = useSimulator();
const wh = useWarehouse();

describe('the warehouse loader with the benchmark’s events, at a small scale', () => {
  it('leaves one row per object, every line and item, and links every payment to the invoice it paid', async () => {
    // Prepare
    const events = buildBenchEvents(4_000);
    const connector = warehouseConnector(wh, stripeSim.stripe);

    // Act
    for (let i = 0; i < events.length; i += 1_000) {
      await load(connector, events.slice(i, i + 1_000));
    }

    // Assess
    expect(await counts(wh)).toEqual(expectedRows(events));
    const linked = await rows(
      wh,
      'SELECT COUNT(*) AS n FROM {schema}.payments p JOIN {schema}.invoice_payments ip ON ip.payment_intent_id = p.id AND ip.invoice_id = p.invoice_id',
    );
    expect(linked).toEqual([{ n: expectedRows(events).invoice_payments }]);
  });
});
