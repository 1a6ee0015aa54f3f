/**
 * Small conversions from Stripe's representation to Salesforce's: timestamps, ids of expandable
 * references, dashboard links, text that must fit a field, and amounts for human-readable text.
 */

import { currencyExponent } from '../../../stripe/currencies.ts';
import type { MappingOptions, RecordKind } from './types.ts';

/** Unix seconds as a Salesforce DateTime (`2026-01-01T00:00:00.000Z`); null stays null. */
export function isoDateTime(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null;
}

/** Unix seconds as a Salesforce Date (`2026-01-31`, the UTC day); null stays null. */
export function isoDate(seconds: number | null | undefined): string | null {
  return isoDateTime(seconds)?.slice(0, 10) ?? null;
}

/** The id of an expandable reference (`'cus_1'` or `{ id: 'cus_1', … }`); null when absent. */
export function idOf(reference: unknown): string | null {
  if (typeof reference === 'string') return reference;
  if (typeof reference === 'object' && reference !== null && 'id' in reference) {
    return typeof reference.id === 'string' ? reference.id : null;
  }
  return null;
}

/** The expanded object of an expandable reference, or undefined when only the id was sent. */
export function expanded<T extends object>(
  reference: string | T | null | undefined,
): T | undefined {
  return typeof reference === 'object' && reference !== null ? reference : undefined;
}

const DASHBOARD_PATHS = {
  account: 'customers',
  subscription: 'subscriptions',
  invoice: 'invoices',
  payment: 'payments',
} as const satisfies Record<RecordKind, string>;

/** The Stripe Dashboard page of the object behind a record, in test or live mode. */
export function dashboardLink(kind: RecordKind, stripeId: string, options: MappingOptions): string {
  const mode = options.livemode ? '' : 'test/';
  return `https://dashboard.stripe.com/${mode}${DASHBOARD_PATHS[kind]}/${stripeId}`;
}

/**
 * Text cut to the length of the Salesforce field that holds it (a longer value makes Salesforce
 * refuse the whole record with STRING_TOO_LONG), ending in `…` when cut. Empty text becomes null.
 */
export function fitText(text: string | null | undefined, maxLength: number): string | null {
  if (text === null || text === undefined || text === '') return null;
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** An amount in minor units as major units for people: 2000 usd → `20.00`, 500 jpy → `500`. */
export function formatAmount(minorUnits: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const major = minorUnits / 10 ** exponent;
  // Decimal unit amounts (unit_amount_decimal) can carry more places than the currency has.
  const places = Number.isInteger(minorUnits) ? exponent : Math.min(exponent + 10, 12);
  const text = major.toFixed(places);
  return places > exponent ? text.replace(/0+$/, '') : text;
}
