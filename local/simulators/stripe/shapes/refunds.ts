/**
 * Shape of refunds (of card charges) at the pinned API version (split from payments.ts for size),
 * with fixtures3.json's keys.
 */
import type Stripe from 'stripe';
import { token, withInit } from './common.ts';

/**
 * fixtures3.json `refund`: the SDK's conditional `description`, `failure_balance_transaction`,
 * `failure_reason`, `instructions_email`, `next_action`, `pending_reason` and
 * `presentment_details` are absent; `destination_details` (optional in the SDK) is kept.
 */
type RefundShape = Required<
  Omit<
    Stripe.Refund,
    | 'description'
    | 'failure_balance_transaction'
    | 'failure_reason'
    | 'instructions_email'
    | 'next_action'
    | 'pending_reason'
    | 'presentment_details'
  >
>;

/** What a billing engine computes for a refund of a card charge. */
export interface RefundInit extends Partial<RefundShape> {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
}

/** A card refund as `POST /v1/refunds` returns it: succeeded at once, as in test mode. */
export function refundShape(init: RefundInit): Stripe.Refund {
  const status = init.status ?? 'succeeded';
  return withInit<RefundShape>(
    {
      id: init.id,
      object: 'refund',
      amount: init.amount,
      balance_transaction: status === 'succeeded' ? `txn_${token(`refund:${init.id}`, 24)}` : null,
      charge: init.charge,
      created: init.created,
      currency: init.currency,
      customer: null,
      customer_account: null,
      destination_details: { card: { type: 'refund' }, type: 'card' },
      metadata: {},
      payment_intent: null,
      payment_method: null,
      reason: null,
      receipt_number: null,
      source_transfer_reversal: null,
      status,
      transfer_reversal: null,
    },
    init,
  );
}
