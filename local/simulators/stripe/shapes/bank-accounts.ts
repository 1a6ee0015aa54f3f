/**
 * Shapes of US bank account (ACH Direct Debit) payments at the pinned API version: the payment
 * method (fixtures3.json `payment_method` with `us_bank_account` in place of `card`), its details
 * on a charge, and where its refunds go. Test-mode bank accounts are at "STRIPE TEST BANK".
 */
import type Stripe from 'stripe';
import { token } from './common.ts';
import { paymentMethodShape } from './platform.ts';

/** The bank Stripe reports for its test routing number 110000000. */
export const TEST_BANK_NAME = 'STRIPE TEST BANK';

/** What a bank account payment method is made of (what `us_bank_account[…]` says). */
export interface UsBankAccountInit {
  id: string;
  created: number;
  accountNumber: string;
  routingNumber: string;
  accountHolderType?: 'individual' | 'company' | null;
  accountType?: 'checking' | 'savings' | null;
  billingDetails?: Stripe.PaymentMethod.BillingDetails;
  customer?: string | null;
  metadata?: Stripe.Metadata;
}

/** The account's fingerprint depends on the account, not on the payment method. */
function fingerprintOf(routingNumber: string, accountNumber: string): string {
  return token(`us_bank_account:${routingNumber}:${accountNumber}`, 16);
}

/** A `us_bank_account` payment method as `POST /v1/payment_methods` returns it. */
export function usBankAccountPaymentMethodShape(init: UsBankAccountInit): Stripe.PaymentMethod {
  const { card: _card, ...base } = paymentMethodShape({
    id: init.id,
    created: init.created,
    type: 'us_bank_account',
    customer: init.customer ?? null,
    metadata: init.metadata ?? {},
    ...(init.billingDetails ? { billing_details: init.billingDetails } : {}),
  });
  return {
    ...base,
    us_bank_account: {
      account_holder_type: init.accountHolderType ?? 'individual',
      account_type: init.accountType ?? 'checking',
      bank_name: TEST_BANK_NAME,
      financial_connections_account: null,
      fingerprint: fingerprintOf(init.routingNumber, init.accountNumber),
      last4: init.accountNumber.slice(-4),
      networks: { preferred: 'ach', supported: ['ach'] },
      routing_number: init.routingNumber,
      status_details: {},
    },
  };
}

/** The bank account's details on a charge (`payment_method_details`). */
export function usBankAccountChargeDetails(
  account: Stripe.PaymentMethod.UsBankAccount,
): Stripe.Charge.PaymentMethodDetails {
  return {
    type: 'us_bank_account',
    us_bank_account: {
      account_holder_type: account.account_holder_type,
      account_type: account.account_type,
      bank_name: account.bank_name,
      fingerprint: account.fingerprint,
      last4: account.last4,
      payment_reference: null,
      routing_number: account.routing_number,
    },
  } as Stripe.Charge.PaymentMethodDetails;
}

/** Where a refund of a bank debit goes: back to the account by ACH credit. */
export function usBankTransferRefundDestination(): Stripe.Refund.DestinationDetails {
  return {
    type: 'us_bank_transfer',
    us_bank_transfer: { reference: null, reference_status: 'pending' },
  } as Stripe.Refund.DestinationDetails;
}
