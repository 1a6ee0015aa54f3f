import { describe, expect, it } from 'vitest';
import { WarehouseStatementError } from '../../../../shared/connectors/warehouse/errors.ts';
import { MappingError } from '../../../../shared/connectors/warehouse/mapping.ts';
import { PermanentError, RetryableError } from '../../../../shared/errors.ts';
import type { StripeEvent } from '../../../../shared/events/types.ts';
import { updatedEvent } from '../../../support/events.ts';
import { cardPayer, draftWithLines, useSimulator } from '../../../support/simulator.ts';
import { counts, load, rows, stagedKeys, useWarehouse, warehouseConnector } from './support.ts';

const stripeSim = useSimulator();
const wh = useWarehouse();

const customerEvent = (id: string, created = 1_800_000_000) =>
  updatedEvent({ resource: 'customer', fields: { id, name: `Name of ${id}` }, created });

const MERGE_FAILURE =
  'ERROR: column "balance" is of type bigint but expression is of type character varying';

describe('the warehouse loader, beyond the happy path', () => {
  it('loads every line of an invoice whose snapshot holds only the first ten', async () => {
    // Prepare
    const { stripe, sim } = stripeSim;
    const customer = await cardPayer(stripe);
    const amounts = Array.from({ length: 12 }, (_, i) => 100 * (i + 1));
    const draft = await draftWithLines(stripe, customer.id, amounts);
    await stripe.invoices.finalizeInvoice(draft.id);
    const finalized = sim.world
      .allEvents()
      .find(
        (e) =>
          e.type === 'invoice.finalized' &&
          (e.data as { object: { id: string } }).object.id === draft.id,
      ) as unknown as StripeEvent;
    const snapshotLines = finalized.data.object.lines as { data: unknown[]; has_more: boolean };

    // Act
    await load(warehouseConnector(wh, stripe), [finalized]);

    // Assess
    expect(snapshotLines).toMatchObject({ has_more: true });
    expect(snapshotLines.data).toHaveLength(10);
    const lines = await rows(
      wh,
      `SELECT line_number, amount FROM {schema}.invoice_lines WHERE invoice_id = '${draft.id}' ORDER BY line_number`,
    );
    expect(lines).toEqual(amounts.map((amount, i) => ({ line_number: i + 1, amount })));
    expect(await rows(wh, `SELECT total FROM {schema}.invoices WHERE id = '${draft.id}'`)).toEqual([
      { total: 7_800 },
    ]);
  });

  it("tries a failing statement once more, then fails the batch with Redshift's message and loads nothing", async () => {
    // Prepare
    const before = await counts(wh);
    const events = [customerEvent('cus_fail1'), customerEvent('cus_fail2')];
    wh.sim.faults.failNext({ count: 2, match: /^MERGE INTO/, error: MERGE_FAILURE });
    const failedBefore = wh.sim.statements().filter((s) => s.Status === 'FAILED').length;

    // Act
    const outcomes = await warehouseConnector(wh, stripeSim.stripe).applyBatch(
      events.map((event) => ({ event, refetch: false })),
    );

    // Assess
    const failedNow = wh.sim.statements().filter((s) => s.Status === 'FAILED').length;
    expect(failedNow - failedBefore).toBe(2);
    for (const event of events) {
      const outcome = outcomes.get(event.id);
      expect(outcome?.ok).toBe(false);
      const error = outcome && !outcome.ok ? outcome.error : undefined;
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain(MERGE_FAILURE);
      expect((error as Error).cause).toBeInstanceOf(WarehouseStatementError);
    }
    expect(await counts(wh)).toEqual(before);
    expect(await stagedKeys(wh)).toEqual([]);
  });

  it('succeeds on the second try when a statement fails once', async () => {
    // Prepare
    const event = customerEvent('cus_once');
    wh.sim.faults.failNext({ count: 1, match: /^MERGE INTO/, error: MERGE_FAILURE });

    // Act
    await load(warehouseConnector(wh, stripeSim.stripe), [event]);

    // Assess
    expect(await rows(wh, `SELECT name FROM {schema}.customers WHERE id = 'cus_once'`)).toEqual([
      { name: 'Name of cus_once' },
    ]);
  });

  it('fails a serialization conflict as retryable, so the queue tries the batch later', async () => {
    // Prepare
    const event = customerEvent('cus_conflict');
    wh.sim.faults.failNext({ match: /^MERGE INTO/ });
    const connector = warehouseConnector(wh, stripeSim.stripe);

    // Act
    const first = await connector.applyBatch([{ event, refetch: false }]);
    const second = await connector.applyBatch([{ event, refetch: false }]);

    // Assess
    const outcome = first.get(event.id);
    expect(outcome && !outcome.ok ? outcome.error : undefined).toBeInstanceOf(RetryableError);
    expect(second.get(event.id)).toEqual({
      ok: true,
      targetIds: { table: 'customers', key: 'cus_conflict' },
    });
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.customers WHERE id = 'cus_conflict'`),
    ).toEqual([{ n: 1 }]);
  });

  it('lands the raw row of an event it cannot map, fails that event alone, and loads the rest', async () => {
    // Prepare
    const bad = updatedEvent({
      resource: 'invoice',
      fields: { id: 'in_unmappable', amount_due: 'ten dollars' },
      created: 1_800_000_000,
    });
    const good = customerEvent('cus_next_to_bad');

    // Act
    const outcomes = await warehouseConnector(wh, stripeSim.stripe).applyBatch([
      { event: bad, refetch: false },
      { event: good, refetch: false },
    ]);

    // Assess
    const failed = outcomes.get(bad.id);
    const error = failed && !failed.ok ? failed.error : undefined;
    expect(error).toBeInstanceOf(MappingError);
    expect((error as Error).message).toMatch(
      /landed raw in events, but its invoice could not be mapped .*amount_due is string, not a whole number/,
    );
    expect(outcomes.get(good.id)).toMatchObject({ ok: true });
    expect(
      await rows(wh, `SELECT type, object_id FROM {schema}.events WHERE id = '${bad.id}'`),
    ).toEqual([{ type: 'invoice.updated', object_id: 'in_unmappable' }]);
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.invoices WHERE id = 'in_unmappable'`),
    ).toEqual([{ n: 0 }]);
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.customers WHERE id = 'cus_next_to_bad'`),
    ).toEqual([{ n: 1 }]);
  });

  it('loads the model row when such an event is redriven and maps, keeping one raw row', async () => {
    // Prepare
    const connector = warehouseConnector(wh, stripeSim.stripe);
    const unmappable = updatedEvent({
      resource: 'invoice',
      fields: { id: 'in_redriven', amount_due: 'ten dollars' },
      created: 1_800_000_300,
    });
    const first = await connector.applyBatch([{ event: unmappable, refetch: false }]);
    // The same event once the mapping reads it (as after a fix): same id, same time.
    const mappable = structuredClone(unmappable);
    Object.assign(mappable.data.object, { amount_due: 1_000 });

    // Act
    const again = await connector.applyBatch([{ event: unmappable, refetch: false }]);
    const redriven = await connector.applyBatch([{ event: mappable, refetch: false }]);

    // Assess
    expect(first.get(unmappable.id)?.ok).toBe(false);
    expect(again.get(unmappable.id)?.ok).toBe(false);
    expect(redriven.get(unmappable.id)).toEqual({
      ok: true,
      targetIds: { table: 'invoices', key: 'in_redriven' },
    });
    expect(
      await rows(wh, `SELECT amount_due, event_id FROM {schema}.invoices WHERE id = 'in_redriven'`),
    ).toEqual([{ amount_due: 1_000, event_id: unmappable.id }]);
    expect(
      await rows(wh, `SELECT COUNT(*) AS n FROM {schema}.events WHERE id = '${unmappable.id}'`),
    ).toEqual([{ n: 1 }]);
  });

  it('fails alone an event whose object id is longer than its column, and cuts a long name', async () => {
    // Prepare
    const longId = customerEvent(`cus_${'x'.repeat(300)}`);
    const longName = customerEvent('cus_long_name');
    Object.assign(longName.data.object, { name: 'É'.repeat(300) });

    // Act
    const outcomes = await warehouseConnector(wh, stripeSim.stripe).applyBatch([
      { event: longId, refetch: false },
      { event: longName, refetch: false },
    ]);

    // Assess
    const failed = outcomes.get(longId.id);
    expect(failed && !failed.ok ? String(failed.error) : '').toMatch(
      /events\.object_id is 304 bytes, longer than its VARCHAR\(255\)/,
    );
    expect(outcomes.get(longName.id)).toMatchObject({ ok: true });
    const [row] = await rows(wh, `SELECT name FROM {schema}.customers WHERE id = 'cus_long_name'`);
    expect(row?.name).toBe('É'.repeat(256));
  });
});
