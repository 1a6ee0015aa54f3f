/**
 * Helpers shared by the shape builders: filling a complete default object from an `Init`, list
 * objects, decimal strings, deterministic tokens for values Stripe derives (secrets, prefixes),
 * and empty billing details.
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The complete `defaults` with every value the caller set in `init`. Only the defaults' keys are
 * taken, so an `Init` carrying extra keys (or a whole SDK object) never adds fields to a shape.
 */
export function withInit<T extends object>(defaults: T, init: Partial<T>): T {
  const shape = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = init[key];
    if (value !== undefined) shape[key] = value as T[keyof T];
  }
  return shape;
}

/** A Stripe list object as embedded in a parent (`invoice.lines`, `subscription.items`, ...). */
export function listShape<T>(url: string, data: T[], hasMore = false): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

/**
 * A decimal-string field (`unit_amount_decimal`, `quantity_decimal`) as the SDK types it: a
 * `Stripe.Decimal`, which serialises to Stripe's wire string (`"2000"`, `"1.5"`).
 */
export function decimal(value: string | number): Stripe.Decimal {
  return Stripe.Decimal.from(value);
}

/** `decimal(value)`, or null when there is no value. */
export function decimalOrNull(value: string | number | null | undefined): Stripe.Decimal | null {
  return value === null || value === undefined ? null : decimal(value);
}

/**
 * A token derived from `seed` (base62 unless told): the same object always gets the same client
 * secret, invoice prefix or fingerprint, so shapes stay pure functions of their `Init`.
 */
export function token(seed: string, length: number, alphabet = BASE62): string {
  let out = '';
  let block = createHash('sha256').update(seed).digest();
  while (out.length < length) {
    for (const byte of block) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The id of a string-or-expanded reference (`customer`, `product`, `price`). */
export function idOf(reference: string | { id: string }): string {
  return typeof reference === 'string' ? reference : reference.id;
}

/** The account the simulator plays: Stripe puts its id into hosted URLs such as PDF links. */
export const SIMULATED_ACCOUNT_ID = 'acct_1SwitchyardSim0';

/**
 * Billing details with nothing filled in, as a card payment method or charge has them until the
 * customer gives some (a new object each call, so callers may change it).
 */
export function emptyBillingDetails(): Stripe.PaymentMethod.BillingDetails {
  return {
    address: {
      city: null,
      country: null,
      line1: null,
      line2: null,
      postal_code: null,
      state: null,
    },
    email: null,
    name: null,
    phone: null,
    tax_id: null,
  };
}
