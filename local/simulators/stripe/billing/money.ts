/**
 * Amounts as Stripe writes them in text (line descriptions, error messages): minor units turned
 * into the currency's major unit, with no decimals for zero-decimal currencies such as JPY.
 */
import { currencyExponent } from '../../../../shared/stripe/currencies.ts';

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
  return currencyExponent(currency) === 0;
}

/** An amount in minor units as Stripe prints it (`$20.00`, `¥500`, `CHF 12.50`). */
export function money(amount: number, currency: string): string {
  const code = currency.toLowerCase();
  const exponent = currencyExponent(code);
  const value = (amount / 10 ** exponent).toFixed(exponent);
  return `${SYMBOLS[code] ?? `${code.toUpperCase()} `}${value}`;
}
