/**
 * Third-party tax amounts (as Avalara sets them) through the official SDK: update_lines with
 * `tax_amounts[][tax_rate_data]`, the archived tax rates found or created for them, the lines’
 * `taxes` and the invoice’s `total_taxes` and tax-inclusive and exclusive totals.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeSimulator,
  startStripeSimulator,
} from '../../../../local/simulators/stripe/server.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

let sim: StripeSimulator;
let stripe: Stripe;
let jenny: Stripe.Customer;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
  stripe = new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  jenny = await stripe.customers.create({
    email: 'jenny@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
});

afterAll(async () => {
  await sim?.stop();
});

/** A draft with one line per amount. */
async function draftWith(amounts: number[]): Promise<Stripe.Invoice> {
  const invoice = await stripe.invoices.create({ customer: jenny.id });
  for (const [i, amount] of amounts.entries()) {
    await stripe.invoiceItems.create({
      customer: jenny.id,
      invoice: invoice.id,
      amount,
      currency: 'usd',
      description: `Item ${i + 1}`,
    });
  }
  return stripe.invoices.retrieve(invoice.id);
}

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

/** The last event recorded, as its type, object and previous attributes. */
function lastEvent(): {
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
} {
  return sim.world.allEvents().at(-1) as unknown as ReturnType<typeof lastEvent>;
}

describe('invoice line taxes', () => {
  it('takes third-party tax amounts with update_lines, reflected in the totals', async () => {
    // Prepare
    const invoice = await draftWith([10_000, 2_200]);
    const [a, b] = invoice.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];

    // Act
    const taxed = await stripe.invoices.updateLines(invoice.id, {
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
    const event = lastEvent();
    const again = await stripe.invoices.updateLines(invoice.id, {
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
    const cleared = await stripe.invoices.updateLines(invoice.id, {
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
    const rate = sim.world.find(vatRate);
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
