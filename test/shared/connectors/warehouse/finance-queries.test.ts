import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../../../local/simulators/stripe/scenarios/index.ts';
import type { StripeEvent } from '../../../../shared/events/types.ts';
import { scenarioContext } from '../../../support/scenarios.ts';
import { cardPayer, useSimulator } from '../../../support/simulator.ts';
import { load, useWarehouse, warehouseConnector } from './support.ts';

const stripeSim = useSimulator();
const wh = useWarehouse();

/** The SQL blocks of the README, by their `-- query: <name>` line. */
function documentedQueries(): Record<string, string> {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const out: Record<string, string> = {};
  for (const [, sql] of doc.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const name = /^-- query: (\S+)/.exec(sql ?? '')?.[1];
    if (name && sql) out[name] = sql.replace(/^-- query: .*\n/, '');
  }
  return out;
}

const DAY = 86_400;
const utcMonth = (unix: number) => {
  const d = new Date(unix * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
};

describe('the finance queries of the README, after scenarios', () => {
  it('documents three queries', () => {
    expect(Object.keys(documentedQueries())).toEqual([
      'mrr-by-month',
      'receivables-by-age',
      'invoice-with-lines',
    ]);
  });

  it('answers MRR by month, open receivables by age and an invoice with its lines', async () => {
    // Prepare
    const { stripe, sim } = stripeSim;
    const context = scenarioContext(sim);
    const card = await findScenario('card-signup')?.run(context);
    const upgrade = await findScenario('upgrade-proration')?.run(context);
    const euro = await findScenario('eur-customer')?.run(context);
    const discount = await findScenario('line-discount')?.run(context);
    if (!card || !upgrade || !euro || !discount) throw new Error('a scenario is missing');
    const payer = await cardPayer(stripe);
    const receivables: { id: string; dueDate: number }[] = [];
    for (const [days, amount] of [
      [30, 12_500],
      [1, 40_000],
    ] as const) {
      const draft = await stripe.invoices.create({
        customer: payer.id,
        collection_method: 'send_invoice',
        days_until_due: days,
      });
      await stripe.invoiceItems.create({
        customer: payer.id,
        invoice: draft.id,
        amount,
        currency: 'usd',
      });
      const open = await stripe.invoices.finalizeInvoice(draft.id);
      receivables.push({ id: open.id, dueDate: open.due_date ?? 0 });
    }
    // Charged automatically, no card: open with no due date, aging since it was finalized.
    const cardless = await stripe.customers.create({ name: 'No Card Yet' });
    const unpaid = await stripe.invoices.create({
      customer: cardless.id,
      collection_method: 'charge_automatically',
    });
    await stripe.invoiceItems.create({
      customer: cardless.id,
      invoice: unpaid.id,
      amount: 7_000,
      currency: 'usd',
    });
    const autoCharged = await stripe.invoices.finalizeInvoice(unpaid.id);
    // In its trial past the month's close: not recurring revenue yet.
    const { id: product } = await stripe.products.create({ name: 'Trial Plan' });
    const trialPrice = await stripe.prices.create({
      product,
      unit_amount: 5_000,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const trial = await stripe.subscriptions.create({
      customer: cardless.id,
      items: [{ price: trialPrice.id }],
      trial_period_days: 40,
    });
    await load(warehouseConnector(wh, stripe), sim.world.allEvents() as unknown as StripeEvent[]);
    const queries = documentedQueries();
    const run = (name: string, params: Record<string, string>) =>
      // The README reads the default schema, `stripe`; this test has a schema of its own.
      wh.client.query((queries[name] ?? '').replace(/\bstripe\./g, `${wh.config.schema}.`), params);
    const started = (await stripe.subscriptions.retrieve(card.subscription ?? '')).start_date;
    const [first, second] = receivables;
    if (!first || !second) throw new Error('expected two open invoices');
    const asOf = first.dueDate + 10 * DAY;

    // Act
    const mrr = await run('mrr-by-month', {
      from_month: utcMonth(started),
      to_month: utcMonth(started),
    });
    const aging = await run('receivables-by-age', {
      as_of: new Date(asOf * 1000).toISOString().slice(0, 19).replace('T', ' '),
    });
    const lines = await run('invoice-with-lines', { invoice_id: discount.invoice ?? '' });

    // Assess
    const month = `${utcMonth(started)} 00:00:00`;
    expect(trial).toMatchObject({ status: 'trialing' });
    expect(mrr).toEqual([
      { month, currency: 'eur', mrr: 8_250, subscriptions: 1, items_without_unit_price: 0 },
      { month, currency: 'usd', mrr: 2_900 + 7_900, subscriptions: 2, items_without_unit_price: 0 },
    ]);
    expect(first.dueDate - second.dueDate).toBe(29 * DAY);
    expect(autoCharged).toMatchObject({ status: 'open', due_date: null });
    const autoAge = Math.floor((asOf - (autoCharged.status_transitions.finalized_at ?? 0)) / DAY);
    expect(autoAge).toBeGreaterThan(30);
    expect(autoAge).toBeLessThanOrEqual(60);
    expect(aging).toEqual([
      { currency: 'usd', age_bucket: '0-30 days', invoices: 1, amount_remaining: 12_500 },
      { currency: 'usd', age_bucket: '31-60 days', invoices: 2, amount_remaining: 40_000 + 7_000 },
    ]);
    expect(lines.map((l) => [l.line_number, l.quantity, l.amount, l.status])).toEqual([
      [1, 1, 50_000, 'paid'],
      [2, 12, 12_000, 'paid'],
    ]);
  });
});
