/**
 * How many decimal places a currency's minor unit has in Stripe amounts
 * (https://docs.stripe.com/currencies): none for the zero-decimal currencies such as JPY, three
 * for BHD, JOD, KWD, OMR and TND, two for every other.
 */
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
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Decimal places of a currency's minor unit: 500 in JPY is ¥500, 2000 in USD is $20.00. */
export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  return THREE_DECIMAL.has(code) ? 3 : 2;
}
