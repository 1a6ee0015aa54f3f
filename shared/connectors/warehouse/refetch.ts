/**
 * Reads from Stripe what an event's snapshot cannot be trusted with: the current object when the
 * order of its events is unknown (same second), and every page of a list the snapshot cut short
 * (an invoice's lines past the first ten).
 */
import type Stripe from 'stripe';
import { httpStatusOf, isRetryable, PermanentError, RetryableError } from '../../errors.ts';
import type { StripeObject } from '../../events/types.ts';
import type { ChildTable } from './tables.ts';

type Retrieve = (stripe: Stripe, id: string) => Promise<unknown>;

/** Stripe object type → how to read one by id. */
const RETRIEVE: Readonly<Record<string, Retrieve>> = {
  customer: (stripe, id) => stripe.customers.retrieve(id),
  subscription: (stripe, id) => stripe.subscriptions.retrieve(id),
  invoice: (stripe, id) => stripe.invoices.retrieve(id),
  credit_note: (stripe, id) => stripe.creditNotes.retrieve(id),
  payment_intent: (stripe, id) => stripe.paymentIntents.retrieve(id),
  invoice_payment: (stripe, id) => stripe.invoicePayments.retrieve(id),
  refund: (stripe, id) => stripe.refunds.retrieve(id),
};

/** The SDK's ceiling for `autoPagingToArray`; Stripe caps an invoice's lines far lower. */
const MAX_LIST_ITEMS = 10_000;

/** Child table → how to read every item of a parent's list. */
const LIST_ALL: Readonly<
  Record<ChildTable, (stripe: Stripe, parentId: string) => Promise<unknown[]>>
> = {
  invoice_lines: (stripe, id) =>
    stripe.invoices.listLineItems(id, { limit: 100 }).autoPagingToArray({ limit: MAX_LIST_ITEMS }),
  subscription_items: (stripe, id) =>
    stripe.subscriptionItems
      .list({ subscription: id, limit: 100 })
      .autoPagingToArray({ limit: MAX_LIST_ITEMS }),
};

function stripeFailure(error: unknown, action: string, objectId: string) {
  const reason = error instanceof Error ? error.message : String(error);
  const options = { cause: error, context: { connector: 'warehouse', objectId } };
  return isRetryable(error)
    ? new RetryableError(
        `Could not ${action} from Stripe (${reason}); it will be tried again.`,
        options,
      )
    : new PermanentError(`Stripe refused to ${action} (${reason}).`, options);
}

/**
 * The object as Stripe has it now. A deleted object (`deleted: true`, or gone: 404) is the
 * snapshot marked deleted, so its last known fields stay in the warehouse.
 */
export async function refetchObject(stripe: Stripe, snapshot: StripeObject): Promise<StripeObject> {
  const id = String(snapshot.id);
  const retrieve = RETRIEVE[snapshot.object];
  if (retrieve === undefined) return snapshot;
  try {
    const fresh = (await retrieve(stripe, id)) as StripeObject;
    return fresh.deleted === true ? { ...snapshot, deleted: true } : fresh;
  } catch (error) {
    if (httpStatusOf(error) === 404) return { ...snapshot, deleted: true };
    throw stripeFailure(error, `read ${snapshot.object} ${id}`, id);
  }
}

/**
 * Every item of a parent's list, all pages; undefined when the parent is gone (404: a draft
 * invoice deleted since the event), which lists nothing more.
 */
export async function listAll(
  stripe: Stripe,
  table: ChildTable,
  parentId: string,
): Promise<Record<string, unknown>[] | undefined> {
  try {
    return (await LIST_ALL[table](stripe, parentId)) as Record<string, unknown>[];
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    throw stripeFailure(error, `list the ${table.replace('_', ' ')} of ${parentId}`, parentId);
  }
}
