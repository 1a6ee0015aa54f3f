/**
 * Third-party tax amounts (as Avalara sets them) through the official SDK: update_lines with
 * `tax_amounts[][tax_rate_data]`, the archived tax rates found or created for them, the lines’
 * `taxes` and the invoice’s `total_taxes` and tax-inclusive and exclusive totals.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { cardPayer, draftWithLines, lastEvent, useSimulator } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const t = useSimulator({ achSettlementMs: 50 });
let jenny: Stripe.Customer;

beforeAll(async () => {
  jenny = await cardPayer(t.stripe, { email: 'jenny@example.com' });
});

const vat = {
  display_name: 'VAT',
  inclusive: false,
  percentage: 20,
  country: 'GB',
  jurisdiction: 'GB',
  tax_type: 'vat' as const,
};
const salesTax = {
  display_name: 'Sales tax',
  inclusive: true,
  percentage: 10,
  country: 'US',
  state: 'CA',
  jurisdiction: 'CA',
};

describe('invoice line taxes', () => {
  it('takes third-party tax amounts with update_lines, reflected in the totals', async () => {
    // Prepare
    const invoice = await draftWithLines(t.stripe, jenny.id, [10_000, 2_200]);
    const [a, b] = invoice.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];

    // Act
    const taxed = await t.stripe.invoices.updateLines(invoice.id, {
      lines: [
        {
          id: a.id,
          tax_amounts: [
            {
              amount: 2_000,
              taxable_amount: 10_000,
              tax_rate_data: vat,
              taxability_reason: 'standard_rated',
            },
          ],
        },
        {
          id: b.id,
          tax_amounts: [{ amount: 200, taxable_amount: 2_000, tax_rate_data: salesTax }],
          description: 'Renamed',
        },
      ],
      invoice_metadata: { tax_provider: 'avalara' },
    });
    const event = lastEvent(t.sim);
    const again = await t.stripe.invoices.updateLines(invoice.id, {
      lines: [
        {
          id: b.id,
          tax_amounts: [
            {
              amount: 440,
              taxable_amount: 2_200,
              tax_rate_data: vat,
              taxability_reason: 'standard_rated',
            },
          ],
        },
      ],
    });
    const cleared = await t.stripe.invoices.updateLines(invoice.id, {
      lines: [{ id: a.id, tax_amounts: '' }],
    });

    // Assess
    const [taxedA, taxedB] = taxed.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];
    const vatRate = taxedA.taxes?.[0]?.tax_rate_details?.tax_rate as string;
    expect(taxedA.taxes).toEqual([
      {
        amount: 2_000,
        tax_behavior: 'exclusive',
        tax_rate_details: { tax_rate: vatRate },
        taxability_reason: 'standard_rated',
        taxable_amount: 10_000,
        type: 'tax_rate_details',
      },
    ]);
    expect(taxedB).toMatchObject({
      description: 'Renamed',
      taxes: [{ amount: 200, tax_behavior: 'inclusive', taxable_amount: 2_000 }],
    });
    expect(taxed).toMatchObject({
      subtotal: 12_200,
      subtotal_excluding_tax: 12_000,
      total: 14_200,
      total_excluding_tax: 12_000,
      amount_due: 14_200,
      metadata: { tax_provider: 'avalara' },
    });
    expect(taxed.total_taxes).toHaveLength(2);
    expect(taxed.total_taxes?.[0]).toMatchObject({
      amount: 2_000,
      taxable_amount: 10_000,
      tax_rate_details: { tax_rate: vatRate },
    });
    expect(event.type).toBe('invoice.updated');
    expect(event.data.previous_attributes).toMatchObject({
      total: 12_200,
      total_taxes: [],
      metadata: {},
    });
    const rate = t.sim.world.find(vatRate);
    expect(rate).toMatchObject({
      object: 'tax_rate',
      active: false,
      display_name: 'VAT',
      percentage: 20,
      inclusive: false,
      country: 'GB',
      tax_type: 'vat',
    });
    expect(shapeMismatches('tax_rate', rate)).toEqual([]);
    expect(again.lines.data[1]?.taxes?.[0]?.tax_rate_details?.tax_rate).toBe(vatRate);
    expect(again.total_taxes).toEqual([
      expect.objectContaining({ amount: 2_440, taxable_amount: 12_200 }),
    ]);
    expect(cleared.lines.data[0]?.taxes).toEqual([]);
    expect(cleared.total).toBe(12_200 + 440);
  });
});
