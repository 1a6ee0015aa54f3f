/**
 * Reading payment method parameters: `billing_details[…]`, `card[token]` (Stripe's test tokens;
 * raw card numbers are refused, as on accounts without raw card data access), and
 * `us_bank_account[…]` with Stripe's checks: an ACH debit needs the account holder's name, a
 * 9-digit routing number with a valid ABA checksum, and an account number of 4 to 17 digits.
 */
import type Stripe from 'stripe';
import { invalidParam, missingParam, resourceMissing } from '../errors.ts';
import type { Params } from '../form.ts';
import { emptyBillingDetails } from '../shapes/common.ts';
import type { StripeRecord, World } from '../world.ts';
import { createBankAccount, createCardFromToken } from './instruments.ts';

/** Whether a routing number passes the ABA checksum (3-7-1 weights). */
function validRoutingNumber(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const d = [...routing].map(Number);
  const sum =
    3 * ((d[0] ?? 0) + (d[3] ?? 0) + (d[6] ?? 0)) +
    7 * ((d[1] ?? 0) + (d[4] ?? 0) + (d[7] ?? 0)) +
    ((d[2] ?? 0) + (d[5] ?? 0) + (d[8] ?? 0));
  return sum % 10 === 0;
}

/**
 * Reads `us_bank_account` (and finishes `params`), validates it and stores a new payment method.
 * `billingDetails[name]` is required, as Stripe requires it for ACH Direct Debit.
 */
export function createBankAccountFromParams(
  world: World,
  params: Params,
  bank: Params,
  extra: {
    billingDetails: Stripe.PaymentMethod.BillingDetails | undefined;
    metadata: Record<string, string>;
    allowRedisplay: Stripe.PaymentMethod.AllowRedisplay | undefined;
  },
): StripeRecord {
  const accountNumber = bank.string('account_number');
  const routingNumber = bank.string('routing_number');
  const accountHolderType = bank.enum('account_holder_type', ['individual', 'company'] as const);
  const accountType = bank.enum('account_type', ['checking', 'savings'] as const);
  const connections = bank.string('financial_connections_account');
  bank.done();
  params.done();
  if (connections !== undefined) {
    throw invalidParam(
      'us_bank_account[financial_connections_account]',
      `No such financial connections account: '${connections}'`,
      'resource_missing',
    );
  }
  if (accountNumber === undefined) throw missingParam('us_bank_account[account_number]');
  if (routingNumber === undefined) throw missingParam('us_bank_account[routing_number]');
  if (!extra.billingDetails?.name) throw missingParam('billing_details[name]');
  if (!validRoutingNumber(routingNumber)) {
    throw invalidParam(
      'us_bank_account[routing_number]',
      'The bank routing number provided is invalid.',
      'routing_number_invalid',
    );
  }
  if (!/^\d{4,17}$/.test(accountNumber)) {
    throw invalidParam(
      'us_bank_account[account_number]',
      'The bank account number provided is invalid (e.g., missing digits).',
      'account_number_invalid',
    );
  }
  const paymentMethod = createBankAccount(world, {
    accountNumber,
    routingNumber,
    accountHolderType: accountHolderType ?? 'individual',
    accountType: accountType ?? 'checking',
    billingDetails: extra.billingDetails,
    metadata: extra.metadata,
  });
  if (extra.allowRedisplay) paymentMethod.allow_redisplay = extra.allowRedisplay;
  return paymentMethod;
}

/** `billing_details[…]` merged over `current` (each given field replaces its value). */
export function readBillingDetails(
  params: Params,
  current?: Stripe.PaymentMethod.BillingDetails,
): Stripe.PaymentMethod.BillingDetails | undefined {
  const details = params.object('billing_details');
  if (details === undefined) return undefined;
  const base: Stripe.PaymentMethod.BillingDetails = current ?? emptyBillingDetails();
  const address = details.object('address');
  const nextAddress = { ...(base.address as Stripe.Address) };
  for (const key of ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const) {
    const value = address?.string(key);
    if (value !== undefined) nextAddress[key] = value === '' ? null : value;
  }
  address?.done();
  const out = { ...base, address: nextAddress };
  for (const key of ['email', 'name', 'phone'] as const) {
    const value = details.string(key);
    if (value !== undefined) out[key] = value === '' ? null : value;
  }
  details.done();
  return out;
}

/**
 * Reads `card[…]` (and finishes it) for `POST /v1/payment_methods` with `type=card`: a new
 * card payment method from a `tok_…` test token; raw card numbers are refused with Stripe's
 * `unsafe_card_data`, an unknown token is a 404.
 */
export function readCard(
  world: World,
  card: Params,
  extra: Parameters<typeof createCardFromToken>[2],
): StripeRecord {
  const tokenId = card.string('token');
  const number = card.string('number');
  card.string('exp_month');
  card.string('exp_year');
  card.string('cvc');
  card.done();
  if (number !== undefined) {
    throw invalidParam(
      'card[number]',
      'Sending credit card numbers directly to the Stripe API is generally unsafe. To continue processing use Stripe.js, the Stripe mobile bindings, or Stripe Elements. For more information, see https://dashboard.stripe.com/account/integration/settings. If you are qualified to handle card data directly, see https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis.',
      'unsafe_card_data',
    );
  }
  if (tokenId === undefined) throw missingParam('card[token]');
  const created = /^tok_/.test(tokenId) ? createCardFromToken(world, tokenId, extra) : undefined;
  if (created === undefined) throw resourceMissing('token', tokenId, 'card[token]');
  return created;
}
