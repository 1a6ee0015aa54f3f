/**
 * Invoicing, the billing engine's entry point for invoices: building a draft from lines
 * (subscription items, pending invoice items, prorations), discounts and the customer's
 * details; and, re-exported from the modules that implement them, the draft → open → paid /
 * void life cycle, paying through PaymentIntents (an invoice listens to its intent settling) and
 * invoice items. Subscriptions, renewals, schedules and test clocks bill through these names;
 * the work itself is split over `invoice-*.ts` (lines, totals, taxes, items, payments, life
 * cycle, line updates, credit notes).
 */
import type Stripe from 'stripe';
import { invoiceShape } from '../shapes/billing.ts';
import { newId, type StripeRecord, type World } from '../world.ts';
import { checkCurrency } from './currency.ts';
import { createDiscounts, type DiscountSpec, discountActive } from './discounts.ts';
import { customerDetails } from './invoice-lifecycle.ts';
import { addItemLine, addSubscriptionLine, type SubscriptionLineInput } from './invoice-lines.ts';
import { recompute } from './invoice-totals.ts';
import { SECONDS_PER_DAY } from './time.ts';

/**
 * Creates a pending invoice item (invoiceitem.created), e.g. a proration, to be pulled into the
 * customer's next invoice (or onto `invoice`, if a draft is given); see `createItem`.
 */
export { createItem as createInvoiceItem } from './invoice-items.ts';
/**
 * Finalizing a draft (`finalize`), collecting an open invoice (`pay`, which finalizes a draft
 * first) and voiding one (`voidIt`); see invoice-lifecycle.ts.
 */
export {
  finalize as finalizeInvoice,
  pay as payInvoice,
  voidIt as voidInvoice,
} from './invoice-lifecycle.ts';

/** One line a subscription puts on an invoice; see invoice-lines.ts. */
export type { SubscriptionLineInput } from './invoice-lines.ts';

/** What `createInvoice` builds a draft from. */
export interface CreateInvoiceInput {
  customer: string;
  /** Set for subscription invoices; its discounts (di_…) apply to every line. */
  subscription?: string | null;
  billingReason:
    | 'manual'
    | 'subscription_create'
    | 'subscription_cycle'
    | 'subscription_update'
    | 'subscription_threshold';
  collectionMethod?: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number | null;
  currency?: string;
  /** Lines for the subscription's items (amount = unit amount × quantity). */
  lines?: SubscriptionLineInput[];
  /** Whether pending invoice items of the customer (for `subscription`, if set) are pulled in. */
  includePendingItems: boolean;
  /** Invoice-level discount ids (di_…) besides the subscription's. */
  discounts?: string[];
  periodStart?: number;
  periodEnd?: number;
  autoAdvance?: boolean;
  defaultPaymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** The time the invoice is created at (the customer's test clock time, or now). */
  at?: number;
  /** The invoice's id, when the caller names it before creating it (a subscription's first). */
  id?: string;
  /** For `send_invoice`: the due date itself, instead of `daysUntilDue`. */
  dueDate?: number | null;
  footer?: string | null;
  /** Invoice-level discounts to create for the invoice (`discounts[][coupon|…]`). */
  discountSpecs?: DiscountSpec[];
}

/** The subscription's discounts that apply now (a `once` coupon only to its first invoice). */
function subscriptionDiscounts(
  world: World,
  subscription: StripeRecord | undefined,
  at: number,
): string[] {
  if (subscription === undefined) return [];
  const billedBefore = world
    .all('invoice')
    .filter(
      (i) =>
        (i.parent as { subscription_details?: { subscription?: string } } | null)
          ?.subscription_details?.subscription === subscription.id,
    )
    .flatMap((i) => i.discounts as string[]);
  return ((subscription.discounts as (string | { id: string })[] | undefined) ?? [])
    .map((d) => (typeof d === 'string' ? d : d.id))
    .filter((id) => {
      if (!discountActive(world, id, at)) return false;
      const coupon = world.find(
        (world.find(id)?.source as { coupon?: string } | undefined)?.coupon ?? '',
      );
      return !(coupon?.duration === 'once' && billedBefore.includes(id));
    });
}

/** Whether a pending invoice item belongs to this subscription. */
function itemSubscription(item: StripeRecord): string | null {
  return (
    (item.parent as { subscription_details?: { subscription?: string } } | null)
      ?.subscription_details?.subscription ?? null
  );
}

/**
 * Creates a draft invoice with its lines and totals; emits invoice.created. An explicit
 * `currency` other than the customer's is refused (400 naming `currency`), and the discount
 * specs are all checked before any is redeemed, so a refused request changes nothing.
 */
export function createInvoice(world: World, input: CreateInvoiceInput): StripeRecord {
  const customer = world.get('customer', input.customer, { param: 'customer' });
  if (input.currency !== undefined)
    checkCurrency(world, { customer: customer.id, currency: input.currency, param: 'currency' });
  const at = input.at ?? world.timeFor(customer.id);
  const subscription = input.subscription
    ? world.get('subscription', input.subscription, { param: 'subscription' })
    : undefined;
  const pending = input.includePendingItems
    ? world
        .all('invoiceitem')
        .filter((i) => i.customer === customer.id && i.invoice === null)
        .filter((i) => subscription === undefined || itemSubscription(i) === subscription.id)
    : [];
  const currency =
    input.currency ??
    (customer.currency as string | null) ??
    (pending[0]?.currency as string | undefined) ??
    'usd';
  const collection = input.collectionMethod ?? 'charge_automatically';
  const id = input.id ?? newId('in', 24);
  const discounts = [
    ...subscriptionDiscounts(world, subscription, at),
    ...(input.discounts ?? []),
    ...(input.discountSpecs
      ? createDiscounts(
          world,
          input.discountSpecs,
          { customer: customer.id, invoice: id },
          { at, param: 'discounts', currency },
        )
      : []),
  ];
  const customerDiscount = (customer.discount as { id?: string } | null)?.id;
  if (discounts.length === 0 && customerDiscount && discountActive(world, customerDiscount, at))
    discounts.push(customerDiscount);
  const invoice = world.insert(
    invoiceShape({
      id,
      created: at,
      customer: customer.id,
      currency,
      ...customerDetails(customer),
      billing_reason: input.billingReason,
      collection_method: collection,
      auto_advance: input.autoAdvance ?? subscription !== undefined,
      subscription: subscription?.id ?? null,
      ...(subscription ? { subscription_metadata: subscription.metadata as Stripe.Metadata } : {}),
      default_payment_method: input.defaultPaymentMethod ?? null,
      description: input.description ?? null,
      footer: input.footer ?? null,
      metadata: input.metadata ?? {},
      discounts,
      period_start: input.periodStart ?? at,
      period_end: input.periodEnd ?? at,
      due_date:
        collection === 'send_invoice'
          ? (input.dueDate ?? at + (input.daysUntilDue ?? 30) * SECONDS_PER_DAY)
          : null,
      test_clock: (customer.test_clock as string | null) ?? null,
    }),
  );
  for (const item of pending.filter((i) => i.currency === currency))
    addItemLine(world, invoice, item);
  for (const line of input.lines ?? []) addSubscriptionLine(world, invoice, line);
  recompute(world, invoice);
  world.emit('invoice.created', invoice);
  return invoice;
}
