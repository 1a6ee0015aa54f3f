/**
 * Amounts as Stripe writes them in text (line descriptions, error messages): minor units turned
 * into the currency's major unit, with no decimals for zero-decimal currencies such as JPY.
 */

/** Currencies whose amounts have no minor unit (https://docs.stripe.com/currencies#zero-decimal). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

const SYMBOLS: Record<string, string> = {
  usd: '$',
  eur: '€',
  gbp: '£',
  jpy: '¥',
  cad: 'CA$',
  aud: 'A$',
};

/** Whether `currency` has no minor unit (an amount of 500 JPY is ¥500, not ¥5.00). */
export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency.toLowerCase());
}

/** An amount in minor units as Stripe prints it (`$20.00`, `¥500`, `CHF 12.50`). */
export function money(amount: number, currency: string): string {
  const code = currency.toLowerCase();
  const value = isZeroDecimal(code) ? String(amount) : (amount / 100).toFixed(2);
  return `${SYMBOLS[code] ?? `${code.toUpperCase()} `}${value}`;
}
