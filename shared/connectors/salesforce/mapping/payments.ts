/**
 * PaymentIntents, charges and invoice payments as the Stripe_Payment__c record (one per
 * PaymentIntent) and the "last payment" facts they add to the customer's Account.
 */
import type Stripe from 'stripe';
import type { Mapper, MapperInput, RecordWrite, SalesforceValue } from './types.ts';
import { dashboardLink, expanded, fitText, idOf, isoDateTime } from './values.ts';

/** What the Account's "last payment" says happened. */
export const LAST_PAYMENT_STATUS = {
  succeeded: 'succeeded',
  failed: 'failed',
  refunded: 'refunded',
  partiallyRefunded: 'partially_refunded',
} as const;

/** Events that tell a payment's outcome even when the object's status alone would not. */
const OUTCOME_BY_EVENT: Readonly<Record<string, 'succeeded' | 'failed'>> = {
  'payment_intent.succeeded': LAST_PAYMENT_STATUS.succeeded,
  'payment_intent.payment_failed': LAST_PAYMENT_STATUS.failed,
};

function lastPaymentWrite(
  customerId: string,
  values: Record<string, SalesforceValue>,
): RecordWrite {
  return { kind: 'account', stripeId: customerId, values, parents: {}, complete: false };
}

/** The Account facts of a PaymentIntent that succeeded or failed; none for other states. */
function outcomeOnAccount(
  intent: Stripe.PaymentIntent,
  { eventType, eventCreated }: MapperInput,
): RecordWrite[] {
  const customerId = idOf(intent.customer);
  // A succeeded intent has succeeded whatever event carried it: the connector may have read it
  // again from Stripe after a `payment_failed` of the same second.
  const outcome =
    intent.status === 'succeeded' ? LAST_PAYMENT_STATUS.succeeded : OUTCOME_BY_EVENT[eventType];
  if (customerId === null || outcome === undefined) return [];
  const error = intent.last_payment_error;
  const succeeded = outcome === LAST_PAYMENT_STATUS.succeeded;
  return [
    lastPaymentWrite(customerId, {
      lastPaymentStatus: outcome,
      lastPaymentAmount: succeeded ? intent.amount_received : intent.amount,
      lastPaymentDate: isoDateTime(
        eventCreated ?? expanded(intent.latest_charge)?.created ?? intent.created,
      ),
      lastPaymentError: succeeded ? null : fitText(error?.message ?? error?.code, 255),
    }),
  ];
}

/**
 * payment_intent.* → the payment record, complete, under its Account; plus, when the intent
 * succeeded or failed and has a customer, the Account's last payment.
 */
export const paymentIntentWrites: Mapper = (input): RecordWrite[] => {
  const intent = input.object as unknown as Stripe.PaymentIntent;
  const charge = expanded(intent.latest_charge);
  const error = intent.last_payment_error;
  const customerId = idOf(intent.customer);
  // Lengths are those of the default fields: Status__c 40, Failure_Code__c 80, Failure_Message__c 255.
  const values: Record<string, SalesforceValue> = {
    status: fitText(intent.status, 40),
    amount: intent.amount,
    amountReceived: intent.amount_received,
    currency: intent.currency,
    // The charge says which method was used; the intent only which ones were allowed.
    paymentMethodType: fitText(
      charge?.payment_method_details?.type ?? intent.payment_method_types?.[0],
      40,
    ),
    failureCode: fitText(error?.code, 80),
    failureMessage: fitText(error?.message, 255),
    created: isoDateTime(intent.created),
    stripeLink: dashboardLink('payment', intent.id, input.options),
  };
  if (charge) values.amountRefunded = charge.amount_refunded;
  const payment: RecordWrite = {
    kind: 'payment',
    stripeId: intent.id,
    values,
    parents: customerId === null ? {} : { account: customerId },
    complete: true,
  };
  return [payment, ...outcomeOnAccount(intent, input)];
};

/**
 * charge.* → the refunded amount on its PaymentIntent's payment record, and a refund as the
 * Account's last payment status. A charge without a PaymentIntent has no payment record.
 */
export const chargeWrites: Mapper = ({ object, eventCreated }): RecordWrite[] => {
  const charge = object as unknown as Stripe.Charge;
  const intentId = idOf(charge.payment_intent);
  if (intentId === null) return [];
  const writes: RecordWrite[] = [
    {
      kind: 'payment',
      stripeId: intentId,
      values: { amountRefunded: charge.amount_refunded },
      parents: {},
      complete: false,
    },
  ];
  const customerId = idOf(charge.customer);
  if (customerId !== null && charge.amount_refunded > 0) {
    const status = charge.refunded
      ? LAST_PAYMENT_STATUS.refunded
      : LAST_PAYMENT_STATUS.partiallyRefunded;
    // Dated like a payment, so a payment arriving after its refund cannot cover it up.
    writes.push(
      lastPaymentWrite(customerId, {
        lastPaymentStatus: status,
        lastPaymentDate: isoDateTime(eventCreated ?? charge.created),
      }),
    );
  }
  return writes;
};

/**
 * invoice_payment.* → links the PaymentIntent's payment record to its invoice, so the payment
 * shows under the Invoice. Payments that are not PaymentIntents have no payment record.
 */
export const invoicePaymentWrites: Mapper = ({ object }): RecordWrite[] => {
  const invoicePayment = object as unknown as Stripe.InvoicePayment;
  const payment = invoicePayment.payment;
  const intentId = payment?.type === 'payment_intent' ? idOf(payment.payment_intent) : null;
  const invoiceId = idOf(invoicePayment.invoice);
  if (intentId === null || invoiceId === null) return [];
  return [
    {
      kind: 'payment',
      stripeId: intentId,
      values: {},
      parents: { invoice: invoiceId },
      complete: false,
    },
  ];
};
