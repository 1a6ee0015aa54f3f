/**
 * A customer's currency through the official SDK: the first invoice item fixes it
 * (customer.updated), and Stripe then refuses invoice items and invoices in another currency
 * with a 400 naming the parameter, before anything is created.
 */
import { describe, expect, it } from 'vitest';
import { rejectionOf, useSimulator } from '../../../support/simulator.ts';

const t = useSimulator({ achSettlementMs: 50 });

describe('a customer’s currency', () => {
  it('is fixed by the first invoice item', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    const count = t.sim.world.allEvents().length;

    // Act
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'eur' });
    const billed = await t.stripe.customers.retrieve(customer.id);
    const events = t.sim.world.allEvents().slice(count);

    // Assess
    expect(customer.currency).toBeNull();
    expect(billed).toMatchObject({ currency: 'eur' });
    expect(events.map((e) => e.type)).toEqual(['customer.updated', 'invoiceitem.created']);
    expect(events[0]?.data).toMatchObject({ previous_attributes: { currency: null } });
  });

  it('refuses invoice items and invoices in another currency, creating nothing', async () => {
    // Prepare
    const customer = await t.stripe.customers.create();
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'usd' });
    const count = t.sim.world.allEvents().length;

    // Act
    const item = await rejectionOf(
      t.stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: 'eur' }),
    );
    const invoice = await rejectionOf(
      t.stripe.invoices.create({ customer: customer.id, currency: 'eur' }),
    );
    const same = await t.stripe.invoices.create({ customer: customer.id, currency: 'usd' });

    // Assess
    for (const error of [item, invoice]) {
      expect([error.statusCode, error.param]).toEqual([400, 'currency']);
      expect(error.message).toContain('You cannot combine currencies on a single customer');
    }
    expect(
      t.sim.world
        .allEvents()
        .slice(count)
        .map((e) => e.type),
    ).toEqual(['invoice.created']);
    expect(same.currency).toBe('usd');
    expect((await t.stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(1);
  });
});
