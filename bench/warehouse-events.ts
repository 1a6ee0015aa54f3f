/**
 * The benchmark's events (bench/warehouse.ts), also loaded at a small scale by a test: customer
 * stories built from Stripe's own example objects at the pinned API version (fixtures3.json),
 * with distinct ids and objects updated several times.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRIPE_API_VERSION } from '../shared/events/api-version.ts';
import type { StripeEvent } from '../shared/events/types.ts';

const ROOT = join(import.meta.dirname, '..');

type Obj = Record<string, unknown>;
const DAY = 86_400;

/** Stripe's example objects at the pinned API version (fixtures3.json). */
function templates() {
  const file = join(ROOT, 'test', 'fixtures', 'stripe-openapi', 'fixtures3.json');
  const all = (JSON.parse(readFileSync(file, 'utf8')) as { resources: Record<string, Obj> })
    .resources;
  const of = (name: string) => all[name] as Obj;
  const firstOf = (list: unknown) => ((list as { data: Obj[] }).data[0] ?? {}) as Obj;
  const invoice = of('invoice');
  const subscription = of('subscription');
  return {
    customer: of('customer'),
    subscription,
    item: firstOf(subscription.items),
    invoice,
    line: firstOf(invoice.lines),
    paymentIntent: of('payment_intent'),
    charge: of('charge'),
    invoicePayment: of('invoice_payment'),
    refund: of('refund'),
    creditNote: of('credit_note'),
  };
}

/** The benchmark's events, and the customer story (0, 1, 2 …) each belongs to. */
export interface BenchStories {
  events: StripeEvent[];
  /** Event id → the index of its customer story. */
  storyOf: ReadonlyMap<string, number>;
}

/**
 * Customer stories in time order: sign-up (customer, subscription of one or two items, first
 * invoice with its payment), later a customer update; every fifth a renewal a month on, every
 * tenth a partial refund with a credit note. Stories vary with periods 2 (items), 3 (an extra
 * line), 5 and 10. Events of one object never share a second.
 */
export function buildBenchStories(total: number): BenchStories {
  const t = templates();
  const events: StripeEvent[] = [];
  const storyOf = new Map<string, number>();
  let story = 0;
  const emit = (type: string, object: Obj, created: number) => {
    const id = `evt_bench${events.length}`;
    storyOf.set(id, story);
    events.push({
      id,
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: object as StripeEvent['data']['object'] },
    });
  };
  for (let k = 0; events.length < total; k++) {
    story = k;
    const s = 1_767_225_600 + k * 13;
    const cus = `cus_b${k}`;
    const sub = `sub_b${k}`;
    const customer = (extra: Obj) => ({
      ...t.customer,
      id: cus,
      name: `Buyer ${k}`,
      email: `buyer${k}@example.com`,
      created: s,
      ...extra,
    });
    const items = Array.from({ length: 1 + (k % 2) }, (_, j) => ({
      ...t.item,
      id: `si_b${k}_${j}`,
      subscription: sub,
      quantity: 1 + j,
      price: { ...(t.item.price as Obj), id: `price_b${j}`, unit_amount: 1_000 * (j + 1) },
      current_period_start: s,
      current_period_end: s + 30 * DAY,
    }));
    const subscription = (status: string) => ({
      ...t.subscription,
      id: sub,
      customer: cus,
      status,
      start_date: s,
      created: s,
      items: { ...(t.subscription.items as Obj), data: items, has_more: false },
    });
    const bill = (r: number, at: number) => {
      const inv = `in_b${k}_${r}`;
      const pi = `pi_b${k}_${r}`;
      const ch = `ch_b${k}_${r}`;
      const extra = k % 3 === 0 ? [{ amount: 2_500, item: null }] : [];
      const lines = [
        ...items.map((it) => ({ amount: 1_000 * it.quantity * it.quantity, item: it.id })),
        ...extra,
      ].map((l, j) => ({
        ...t.line,
        id: `il_b${k}_${r}_${j}`,
        invoice: inv,
        amount: l.amount,
        period: { start: at, end: at + 30 * DAY },
      }));
      const amount = lines.reduce((sum, l) => sum + l.amount, 0);
      const invoice = (status: string, paid: boolean) => ({
        ...t.invoice,
        id: inv,
        customer: cus,
        number: status === 'draft' ? null : `B${k}-${r}`,
        status,
        subtotal: amount,
        total: amount,
        amount_due: amount,
        amount_paid: paid ? amount : 0,
        amount_remaining: paid ? 0 : amount,
        created: at,
        period_start: at,
        period_end: at + 30 * DAY,
        parent: {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: { subscription: sub, metadata: null },
        },
        lines: {
          ...(t.invoice.lines as Obj),
          data: lines,
          has_more: false,
          url: `/v1/invoices/${inv}/lines`,
        },
      });
      const intent = (status: string) => ({
        ...t.paymentIntent,
        id: pi,
        customer: cus,
        amount,
        status,
        created: at + 1,
        latest_charge: status === 'succeeded' ? ch : null,
      });
      emit('invoice.created', invoice('draft', false), at);
      emit('payment_intent.created', intent('requires_payment_method'), at + 1);
      emit('invoice.finalized', invoice('open', false), at + 2);
      emit(
        'charge.succeeded',
        { ...t.charge, id: ch, customer: cus, amount, payment_intent: pi, created: at + 3 },
        at + 3,
      );
      emit('payment_intent.succeeded', intent('succeeded'), at + 3);
      emit(
        'invoice_payment.paid',
        {
          ...t.invoicePayment,
          id: `inpay_b${k}_${r}`,
          invoice: inv,
          currency: 'usd',
          amount_paid: amount,
          amount_requested: amount,
          status: 'paid',
          payment: { type: 'payment_intent', payment_intent: pi },
          created: at + 4,
        },
        at + 4,
      );
      emit('invoice.paid', invoice('paid', true), at + 5);
      emit('invoice.payment_succeeded', invoice('paid', true), at + 6);
    };
    emit('customer.created', customer({}), s);
    emit('customer.subscription.created', subscription('incomplete'), s + 1);
    bill(0, s + 2);
    emit('customer.subscription.updated', subscription('active'), s + 9);
    emit('customer.updated', customer({ name: `Buyer ${k} Ltd` }), s + 20 * DAY);
    if (k % 5 === 0) {
      bill(1, s + 30 * DAY);
      emit('customer.subscription.updated', subscription('active'), s + 30 * DAY + 9);
    }
    if (k % 10 === 0) {
      const refund = (status: string) => ({
        ...t.refund,
        id: `re_b${k}`,
        charge: `ch_b${k}_0`,
        payment_intent: `pi_b${k}_0`,
        amount: 500,
        status,
        created: s + 5 * DAY,
      });
      emit('refund.created', refund('pending'), s + 5 * DAY);
      emit(
        'credit_note.created',
        {
          ...t.creditNote,
          id: `cn_b${k}`,
          invoice: `in_b${k}_0`,
          customer: cus,
          amount: 500,
          total: 500,
          refunds: [],
          lines: { data: [], has_more: false },
          created: s + 5 * DAY,
        },
        s + 5 * DAY + 1,
      );
      emit('refund.updated', refund('succeeded'), s + 5 * DAY + 2);
    }
  }
  return { events: events.sort((a, b) => a.created - b.created).slice(0, total), storyOf };
}

/** The benchmark's events in time order (see {@link buildBenchStories}). */
export function buildBenchEvents(total: number): StripeEvent[] {
  return buildBenchStories(total).events;
}

const TABLE_OF: Record<string, string> = {
  customer: 'customers',
  subscription: 'subscriptions',
  invoice: 'invoices',
  payment_intent: 'payments',
  invoice_payment: 'invoice_payments',
  refund: 'refunds',
  credit_note: 'credit_notes',
};

/** The rows the events should leave: one per object, the last snapshot's lines and items. */
export function expectedRows(events: readonly StripeEvent[]): Record<string, number> {
  const last = new Map<string, Obj>();
  for (const e of events) last.set(`${e.data.object.object}:${e.data.object.id}`, e.data.object);
  const out: Record<string, number> = {
    events: events.length,
    invoice_lines: 0,
    subscription_items: 0,
  };
  for (const table of Object.values(TABLE_OF)) out[table] = 0;
  for (const [key, object] of last) {
    const table = TABLE_OF[key.split(':')[0] ?? ''];
    if (table === undefined) continue;
    out[table] = (out[table] ?? 0) + 1;
    const list = (object.lines ?? (table === 'subscriptions' ? object.items : undefined)) as
      | { data: unknown[] }
      | undefined;
    const child = table === 'invoices' ? 'invoice_lines' : 'subscription_items';
    if (list && (table === 'invoices' || table === 'subscriptions'))
      out[child] = (out[child] ?? 0) + list.data.length;
  }
  return out;
}
