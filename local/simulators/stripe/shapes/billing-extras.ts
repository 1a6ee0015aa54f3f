/**
 * Shapes of the objects invoicing creates on the side, at the pinned API version, with
 * fixtures3.json's keys: tax rates (found or created from third-party `tax_amounts`) and customer
 * balance transactions (a balance applied to an invoice, a credit note credited to the balance).
 */
import type Stripe from 'stripe';
import { withInit } from './common.ts';

type TaxRateShape = Required<Stripe.TaxRate>;

/** A tax rate's computed fields: its name, percentage and whether prices include it. */
export interface TaxRateInit extends Partial<TaxRateShape> {
  id: string;
  created: number;
  display_name: string;
  inclusive: boolean;
  percentage: number;
}

/**
 * A tax rate as `POST /v1/tax_rates` returns it. One made from an invoice line's
 * `tax_amounts[][tax_rate_data]` is archived at once (`active: false`), as on Stripe.
 */
export function taxRateShape(init: TaxRateInit): Stripe.TaxRate {
  return withInit<TaxRateShape>(
    {
      id: init.id,
      object: 'tax_rate',
      active: true,
      country: null,
      created: init.created,
      description: null,
      display_name: init.display_name,
      effective_percentage: init.percentage,
      flat_amount: null,
      inclusive: init.inclusive,
      jurisdiction: null,
      jurisdiction_level: null,
      livemode: false,
      metadata: {},
      percentage: init.percentage,
      rate_type: 'percentage',
      state: null,
      tax_type: null,
    },
    init,
  );
}

type CustomerBalanceTransactionShape = Required<Stripe.CustomerBalanceTransaction>;

/** A change of a customer's balance: `amount` (negative is a credit) and the balance after it. */
export interface CustomerBalanceTransactionInit extends Partial<CustomerBalanceTransactionShape> {
  id: string;
  created: number;
  customer: string;
  currency: string;
  amount: number;
  ending_balance: number;
  type: Stripe.CustomerBalanceTransaction.Type;
}

/** A customer balance transaction as `GET /v1/customers/:id/balance_transactions` lists it. */
export function customerBalanceTransactionShape(
  init: CustomerBalanceTransactionInit,
): Stripe.CustomerBalanceTransaction {
  return withInit<CustomerBalanceTransactionShape>(
    {
      id: init.id,
      object: 'customer_balance_transaction',
      amount: init.amount,
      checkout_session: null,
      created: init.created,
      credit_note: null,
      currency: init.currency,
      customer: init.customer,
      customer_account: null,
      description: null,
      ending_balance: init.ending_balance,
      invoice: null,
      livemode: false,
      metadata: {},
      type: init.type,
    },
    init,
  );
}
