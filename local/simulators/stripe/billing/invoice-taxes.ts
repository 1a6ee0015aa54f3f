/**
 * Third-party tax amounts on invoice lines (`tax_amounts[]`, as tax providers such as Avalara set
 * them): each names a rate by its data; Stripe finds the archived TaxRate with exactly that data
 * or creates one, and the line's `taxes` carry the given amounts as they are.
 */
import type { Params } from '../form.ts';
import { taxRateShape } from '../shapes/billing-extras.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import type { LineTax } from './invoice-totals.ts';

const JURISDICTION_LEVELS = ['city', 'country', 'county', 'district', 'multiple', 'state'] as const;

/** A tax amount as a request gives it; `rate` is what finds or creates the TaxRate. */
export interface TaxAmountInput {
  amount: number;
  taxableAmount: number;
  taxabilityReason: string | null;
  rate: {
    display_name: string;
    inclusive: boolean;
    percentage: number;
    country: string | null;
    state: string | null;
    jurisdiction: string | null;
    jurisdiction_level: string | null;
    description: string | null;
    tax_type: string | null;
  };
}

/**
 * Reads `tax_amounts[]` (at most 10): `null` when sent empty (clears the line's taxes),
 * `undefined` when not sent.
 */
export function readTaxAmounts(
  params: Params,
  key = 'tax_amounts',
): TaxAmountInput[] | null | undefined {
  if (params.isEmpty(key)) {
    params.string(key);
    return null;
  }
  const entries = params.objects(key, { max: 10 });
  return entries?.map((entry) => {
    const amount = entry.requiredInteger('amount', { min: 0 });
    const taxableAmount = entry.requiredInteger('taxable_amount');
    const taxabilityReason = entry.string('taxability_reason') ?? null;
    const data = entry.object('tax_rate_data') ?? missing(entry, 'tax_rate_data');
    const rate = {
      display_name: data.requiredString('display_name'),
      inclusive: data.boolean('inclusive') ?? missing(data, 'inclusive'),
      percentage: data.decimal('percentage') ?? missing(data, 'percentage'),
      country: data.string('country') ?? null,
      state: data.string('state') ?? null,
      jurisdiction: data.string('jurisdiction') ?? null,
      jurisdiction_level: data.enum('jurisdiction_level', JURISDICTION_LEVELS) ?? null,
      description: data.string('description') ?? null,
      tax_type: data.string('tax_type') ?? null,
    };
    data.done();
    entry.done();
    return { amount, taxableAmount, taxabilityReason, rate };
  });
}

/**
 * Throws Stripe's `parameter_missing` for a nested parameter that is absent (for the `??` of an
 * optional reader, such as `entry.boolean(key) ?? missing(entry, key)`).
 */
export function missing(params: Params, key: string): never {
  params.requiredString(key);
  throw new Error(`unreachable: ${key} is present`);
}

const RATE_KEYS = [
  'display_name',
  'inclusive',
  'percentage',
  'country',
  'state',
  'jurisdiction',
  'jurisdiction_level',
  'description',
  'tax_type',
] as const;

/** The archived tax rate with exactly this data, created if there is none yet. */
export function findOrCreateTaxRate(
  world: World,
  rate: TaxAmountInput['rate'],
  at: number,
): StripeRecord {
  const existing = world
    .all('tax_rate')
    .find((r) => r.active === false && RATE_KEYS.every((key) => r[key] === rate[key]));
  if (existing !== undefined) return existing;
  return world.insert(
    taxRateShape({
      id: newId('txr', 24),
      created: at,
      active: false,
      ...rate,
      jurisdiction_level: rate.jurisdiction_level as never,
      tax_type: rate.tax_type as never,
      effective_percentage: rate.percentage,
    }),
  );
}

/** A line's `taxes` for these tax amounts (creating the rates they name). */
export function lineTaxes(world: World, inputs: TaxAmountInput[], at: number): LineTax[] {
  return inputs.map((input) => {
    const rate = findOrCreateTaxRate(world, input.rate, at);
    return {
      amount: input.amount,
      tax_behavior: input.rate.inclusive ? 'inclusive' : 'exclusive',
      tax_rate_details: { tax_rate: rate.id },
      taxability_reason: input.taxabilityReason ?? 'not_available',
      taxable_amount: input.taxableAmount,
      type: 'tax_rate_details',
    };
  });
}
