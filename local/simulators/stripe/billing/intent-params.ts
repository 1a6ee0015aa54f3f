/**
 * Reading and checking PaymentIntent request parameters (split from the resource for size):
 * amounts within Stripe's minimum and maximum, currencies, `allowed_payment_method_types`, and
 * the parameters only a confirmation takes.
 */
import { invalidParam, STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import type { Params } from '../form.ts';
import { compatibleTypes, DASHBOARD_PAYMENT_METHOD_TYPES } from './intent-rules.ts';
import { money } from './money.ts';

const MAX_AMOUNT = 99_999_999;
/** Stripe's minimum charge amounts (in minor units) where they are not 50. */
const MINIMUMS: Record<string, number> = {
  gbp: 30,
  hkd: 400,
  mxn: 1000,
  nok: 300,
  sek: 300,
  dkk: 250,
};

function amountError(code: string, message: string): StripeApiError {
  const type = STRIPE_ERROR_TYPES.invalidRequest;
  return new StripeApiError({ status: 400, type, code, param: 'amount', message });
}

/** Stripe's `amount_too_small` / `amount_too_large` checks. */
export function checkAmount(amount: number, currency: string): void {
  const minimum = MINIMUMS[currency] ?? 50;
  if (amount < minimum) {
    throw amountError(
      'amount_too_small',
      `Amount must be at least ${money(minimum, currency)} ${currency}`,
    );
  }
  if (amount > MAX_AMOUNT) {
    throw amountError('amount_too_large', 'Amount must be no more than $999,999.99');
  }
}

/** A three-letter ISO currency code, lowercased as Stripe renders it. */
export function readCurrency(params: Params, required: boolean): string | undefined {
  const raw = required ? params.requiredString('currency') : params.string('currency');
  if (raw === undefined) return undefined;
  const currency = raw.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidParam('currency', `Invalid currency: ${raw}.`);
  return currency;
}

/** `allowed_payment_method_types`, each one the Dashboard has turned on. */
export function readAllowedTypes(params: Params): string[] | undefined {
  const types = params.strings('allowed_payment_method_types');
  for (const type of types ?? []) {
    if (!DASHBOARD_PAYMENT_METHOD_TYPES.includes(type)) {
      throw invalidParam(
        'allowed_payment_method_types',
        `The payment method type "${type}" is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and your account is enabled for any preview features that you are trying to use.`,
      );
    }
  }
  return types;
}

/** The allowed types that can pay in `currency` (the intent's `payment_method_types`). */
export function typesFor(allowed: string[], currency: string): string[] {
  const types = compatibleTypes(allowed, currency);
  if (types.length === 0) {
    throw invalidParam(
      'allowed_payment_method_types',
      `None of the payment method types in allowed_payment_method_types (${allowed.join(', ')}) support the currency ${currency}.`,
    );
  }
  return types;
}

/** The confirmation-only parameters of a create or confirm request, as read. */
export interface ConfirmParams {
  offSession: boolean | undefined;
  returnUrl: string | undefined;
  errorOnRequiresAction: boolean | undefined;
  mandateData: boolean;
}

/** The parameters only a confirmation takes (`mandate_data` is accepted, not enforced). */
export function readConfirmParams(params: Params): ConfirmParams {
  const offSession = params.string('off_session');
  if (offSession !== undefined && !['true', 'false', 'one_off', 'recurring'].includes(offSession)) {
    throw invalidParam('off_session', `Invalid off_session: ${offSession}`);
  }
  const data = params.object('mandate_data');
  const acceptance = data?.object('customer_acceptance');
  acceptance?.enum('type', ['online', 'offline'] as const);
  acceptance?.integer('accepted_at');
  const online = acceptance?.object('online');
  online?.string('ip_address');
  online?.string('user_agent');
  online?.done();
  acceptance?.object('offline')?.done();
  acceptance?.done();
  data?.done();
  params.string('mandate');
  return {
    offSession: offSession === undefined ? undefined : offSession !== 'false',
    returnUrl: params.string('return_url'),
    errorOnRequiresAction: params.boolean('error_on_requires_action'),
    mandateData: data !== undefined,
  };
}

/** Refuses confirmation-only parameters on a create without `confirm=true`. */
export function refuseWithoutConfirm(read: ConfirmParams): void {
  const given: [string, unknown][] = [
    ['off_session', read.offSession],
    ['return_url', read.returnUrl],
    ['error_on_requires_action', read.errorOnRequiresAction],
    ['mandate_data', read.mandateData || undefined],
  ];
  for (const [name, value] of given) {
    if (value !== undefined) {
      throw invalidParam(name, `You can only pass \`${name}\` when \`confirm\` is true.`);
    }
  }
}
