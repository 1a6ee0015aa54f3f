/**
 * The Salesforce connector's pure mapping: which records a Stripe object becomes, in logical terms.
 * `field-map.ts` turns a logical write into a Salesforce record; `sync.ts` writes them. Nothing here
 * reads settings, calls a network or looks at a clock, so every rule is testable from fixtures.
 */
import { customerWrites } from './mapping/customer.ts';
import { invoiceWrites } from './mapping/invoice.ts';
import { chargeWrites, invoicePaymentWrites, paymentIntentWrites } from './mapping/payments.ts';
import { subscriptionWrites } from './mapping/subscription.ts';
import {
  type MappableObject,
  type Mapper,
  type MappingOptions,
  RECORD_KINDS,
  type RecordKind,
  type RecordWrite,
  type SalesforceValue,
} from './mapping/types.ts';

export { monthlyRecurringRevenue } from './mapping/mrr.ts';
export { LAST_PAYMENT_STATUS } from './mapping/payments.ts';
export {
  type MappableObject,
  type MappingOptions,
  RECORD_KINDS,
  type RecordKind,
  type RecordWrite,
  type SalesforceValue,
};

/**
 * Stripe object types whose snapshot alone says too little: the sync fetches another object from
 * Stripe instead (by the snapshot's `charge` / `invoice` id) and maps that. A refund changes its
 * charge's refunded amount; a credit note changes its invoice's `credited` and amounts.
 */
export const REFETCH: Readonly<Record<string, 'charge' | 'invoice'>> = {
  refund: 'charge',
  credit_note: 'invoice',
};

const nothing: Mapper = () => [];

/** The mapper of each Stripe object type the connector writes. */
const MAPPERS: Readonly<Record<string, Mapper>> = {
  customer: customerWrites,
  subscription: subscriptionWrites,
  invoice: invoiceWrites,
  payment_intent: paymentIntentWrites,
  charge: chargeWrites,
  invoice_payment: invoicePaymentWrites,
  // Mapped through the object REFETCH names, never from their own snapshot.
  refund: nothing,
  credit_note: nothing,
};

/**
 * Record writes for one Stripe object as an event of `eventType` delivered it. Pure. Object types
 * the connector does not write (and refunds and credit notes, see {@link REFETCH}) give none.
 * `eventCreated` (the event's Unix time), when given, dates the Account's last payment; without
 * it the payment's charge or creation time does.
 */
export function writesFor(input: {
  eventType: string;
  object: MappableObject;
  options: MappingOptions;
  eventCreated?: number;
}): RecordWrite[] {
  const mapper = Object.hasOwn(MAPPERS, input.object.object)
    ? MAPPERS[input.object.object]
    : undefined;
  return mapper ? mapper(input) : [];
}

const KIND_ORDER: ReadonlyMap<RecordKind, number> = new Map(
  RECORD_KINDS.map((kind, i) => [kind, i]),
);

/**
 * Merges writes of the same record (kind + stripeId), later values winning; parents merged;
 * complete if any is complete. Keeps RECORD_KINDS order (parents first), and within a kind the
 * order in which records first appear. Use it to write each record once per batch of events.
 */
export function mergeWrites(writes: readonly RecordWrite[]): RecordWrite[] {
  const merged = new Map<string, RecordWrite>();
  for (const write of writes) {
    const key = `${write.kind}\u0000${write.stripeId}`;
    const earlier = merged.get(key);
    merged.set(
      key,
      earlier
        ? {
            kind: write.kind,
            stripeId: write.stripeId,
            values: { ...earlier.values, ...write.values },
            parents: { ...earlier.parents, ...write.parents },
            complete: earlier.complete || write.complete,
          }
        : { ...write, values: { ...write.values }, parents: { ...write.parents } },
    );
  }
  return [...merged.values()].sort(
    (a, b) => (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0),
  );
}
