/**
 * Refunds of succeeded charges, whole or in part: a card refund succeeds at once; a refund of a
 * bank debit is `pending` until it settles after `world.achSettlementMs` (refund.updated,
 * charge.refund.updated). The charge's `amount_refunded`, `refunded` and `refunds` follow.
 */
import type Stripe from 'stripe';
import { invalidParam, invalidState, STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import { usBankTransferRefundDestination } from '../shapes/bank-accounts.ts';
import { listShape } from '../shapes/common.ts';
import { refundShape } from '../shapes/refunds.ts';
import { newId, type World } from '../world.ts';
import {
  type ChargeRecord,
  type PaymentIntentRecord,
  type RefundRecord,
  refundableAmount,
} from './charges.ts';
import { money } from './money.ts';

/** What a refund request names: a charge or a PaymentIntent, and how much to refund. */
export interface CreateRefundInput {
  charge?: string;
  paymentIntent?: string;
  /** Default: all that is left to refund. */
  amount?: number;
  reason?: Stripe.Refund.Reason | null;
  metadata?: Record<string, string>;
}

/** The charge a refund request names, which must have succeeded. */
function chargeToRefund(world: World, input: CreateRefundInput): ChargeRecord {
  if (input.paymentIntent !== undefined) {
    const intent = world.get<PaymentIntentRecord>('payment_intent', input.paymentIntent, {
      param: 'payment_intent',
      noun: 'payment_intent',
    });
    const chargeId = intent.latest_charge as string | null;
    if (input.charge !== undefined && input.charge !== chargeId) {
      throw invalidParam(
        'charge',
        `The charge ${input.charge} does not belong to the PaymentIntent ${intent.id}.`,
      );
    }
    const charge = chargeId ? (world.find(chargeId) as ChargeRecord | undefined) : undefined;
    if (charge === undefined || charge.status !== 'succeeded') {
      throw invalidState(
        `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
        'payment_intent',
      );
    }
    return charge;
  }
  if (input.charge === undefined) {
    throw invalidState(
      'One of the following params should be provided for this request: payment_intent or charge.',
    );
  }
  const charge = world.get<ChargeRecord>('charge', input.charge, { param: 'charge' });
  if (charge.status !== 'succeeded') {
    throw invalidState(`Charge ${charge.id} has not succeeded and cannot be refunded.`, 'charge');
  }
  return charge;
}

/** Recomputes the charge's refund fields; returns the values they had (for previous_attributes). */
function recountCharge(charge: ChargeRecord): Record<string, unknown> {
  const refunds = (charge.refunds?.data ?? []) as RefundRecord[];
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded = refunds
    .filter(
      (r) => r.status === 'pending' || r.status === 'succeeded' || r.status === 'requires_action',
    )
    .reduce((sum, r) => sum + r.amount, 0);
  charge.refunded = charge.amount_refunded >= charge.amount;
  return previous.refunded === charge.refunded
    ? { amount_refunded: previous.amount_refunded }
    : previous;
}

/** Refunds a charge; emits refund.created and charge.refunded. */
export function createRefund(world: World, input: CreateRefundInput): RefundRecord {
  const charge = chargeToRefund(world, input);
  const remaining = refundableAmount(charge);
  if (remaining <= 0) {
    throw new StripeApiError({
      status: 400,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      code: 'charge_already_refunded',
      message: `Charge ${charge.id} has already been refunded.`,
    });
  }
  const amount = input.amount ?? remaining;
  if (amount > remaining) {
    throw new StripeApiError({
      status: 400,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      param: 'amount',
      message: `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
    });
  }
  const bank = charge.payment_method_details?.type === 'us_bank_account';
  const customer = typeof charge.customer === 'string' ? charge.customer : null;
  const refund = world.insert(
    refundShape({
      id: newId('re'),
      created: world.timeFor(customer),
      amount,
      currency: charge.currency,
      charge: charge.id,
      balance_transaction: null,
      metadata: input.metadata ?? {},
      payment_intent: (charge.payment_intent as string | null) ?? null,
      reason: input.reason ?? null,
      status: bank ? 'pending' : 'succeeded',
      ...(bank ? { destination_details: usBankTransferRefundDestination() } : {}),
    }),
  ) as RefundRecord;
  const list = charge.refunds ?? listShape<Stripe.Refund>(`/v1/charges/${charge.id}/refunds`, []);
  charge.refunds = { ...list, data: [refund, ...list.data] };
  const previous = recountCharge(charge);
  world.emit('refund.created', refund);
  world.emit('charge.refunded', charge, previous);
  if (bank) world.later(world.achSettlementMs, () => settleRefund(world, refund.id));
  return refund;
}

function changeStatus(
  world: World,
  refund: RefundRecord,
  status: Stripe.Refund['status'],
  previous: Record<string, unknown> = {},
): void {
  previous.status = refund.status;
  refund.status = status;
  const charge = world.find(refund.charge as string) as ChargeRecord | undefined;
  if (charge) recountCharge(charge);
  world.emit('refund.updated', refund, previous);
  world.emit('charge.refund.updated', refund, previous);
}

/** A pending bank refund reaches the account. */
function settleRefund(world: World, refundId: string): void {
  const refund = world.find(refundId) as RefundRecord | undefined;
  if (refund?.status !== 'pending') return;
  const previous: Record<string, unknown> = {};
  const destination = refund.destination_details?.us_bank_transfer;
  if (destination) {
    previous.destination_details = structuredClone(refund.destination_details);
    destination.reference_status = 'available';
  }
  changeStatus(world, refund, 'succeeded', previous);
}

/** Cancels a refund; Stripe allows it only while the refund `requires_action`. */
export function cancelRefund(world: World, refund: RefundRecord): void {
  if (refund.status !== 'requires_action') {
    throw invalidState(
      `You cannot cancel this refund because it has a status of ${refund.status}. Only refunds with a status of requires_action can be canceled.`,
    );
  }
  changeStatus(world, refund, 'canceled');
}

/**
 * Refunds (part of) a succeeded PaymentIntent's charge: creates a Refund (refund.created;
 * charge.refunded; card refunds succeed at once, ACH refunds are `pending` then `succeeded`).
 * Throws Stripe's 400 for an intent without a succeeded charge or an amount over what is left.
 */
export function refundPayment(
  world: World,
  input: {
    paymentIntent: string;
    amount?: number;
    reason?: string | null;
    metadata?: Record<string, string>;
  },
): RefundRecord {
  return createRefund(world, {
    paymentIntent: input.paymentIntent,
    ...(input.amount === undefined ? {} : { amount: input.amount }),
    reason: (input.reason ?? null) as Stripe.Refund.Reason | null,
    metadata: input.metadata ?? {},
  });
}
