import { describe, expect, it } from 'vitest';
import {
  invoiceLineItemShape,
  invoiceShape,
} from '../../../../local/simulators/stripe/shapes/billing.ts';
import {
  invoiceItemShape,
  invoicePaymentShape,
} from '../../../../local/simulators/stripe/shapes/billing-items.ts';
import {
  couponShape,
  customerShape,
  discountShape,
  priceShape,
  productShape,
  promotionCodeShape,
} from '../../../../local/simulators/stripe/shapes/core.ts';
import {
  creditNoteLineItemShape,
  creditNoteShape,
} from '../../../../local/simulators/stripe/shapes/credit-notes.ts';
import {
  chargeShape,
  paymentIntentShape,
} from '../../../../local/simulators/stripe/shapes/payments.ts';
import {
  eventShape,
  paymentMethodShape,
  testClockShape,
  webhookEndpointShape,
} from '../../../../local/simulators/stripe/shapes/platform.ts';
import { refundShape } from '../../../../local/simulators/stripe/shapes/refunds.ts';
import {
  schedulePhaseItemShape,
  schedulePhaseShape,
  subscriptionScheduleShape,
} from '../../../../local/simulators/stripe/shapes/subscription-schedules.ts';
import {
  subscriptionItemShape,
  subscriptionShape,
} from '../../../../local/simulators/stripe/shapes/subscriptions.ts';
import { STRIPE_API_VERSION } from '../../../../shared/events/api-version.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

const T = 1_793_000_000;
const DAY = 86_400;
const MONTH_END = T + 30 * DAY;

const customer = () =>
  customerShape({ id: 'cus_Sim1', created: T, email: 'jenny@example.com', name: 'Jenny Rosen' });
const product = () => productShape({ id: 'prod_Sim1', created: T, name: 'Pro plan' });
const price = () =>
  priceShape({
    id: 'price_Sim1',
    created: T,
    currency: 'usd',
    product: 'prod_Sim1',
    unit_amount: 2000,
    recurring: { interval: 'month' },
  });
const subscriptionItem = () =>
  subscriptionItemShape({
    id: 'si_Sim1',
    created: T,
    subscription: 'sub_Sim1',
    price: price(),
    quantity: 2,
    current_period_start: T,
    current_period_end: MONTH_END,
  });
const line = () =>
  invoiceLineItemShape({
    id: 'il_Sim1',
    invoice: 'in_Sim1',
    amount: 4000,
    currency: 'usd',
    description: '2 × Pro plan (at $20.00 / month)',
    period: { start: T, end: MONTH_END },
    price: price(),
    quantity: 2,
    subscription: 'sub_Sim1',
    subscription_item: 'si_Sim1',
  });
const invoice = () =>
  invoiceShape({
    id: 'in_Sim1',
    created: T,
    customer: 'cus_Sim1',
    currency: 'usd',
    customer_email: 'jenny@example.com',
    customer_name: 'Jenny Rosen',
    subscription: 'sub_Sim1',
    billing_reason: 'subscription_create',
    period_start: T,
    period_end: T,
    lines: [line()],
  });
const creditNoteLine = () =>
  creditNoteLineItemShape({
    id: 'cnli_Sim1',
    amount: 1000,
    description: 'Pro plan',
    invoice_line_item: 'il_Sim1',
  });
const refund = () =>
  refundShape({
    id: 're_Sim1',
    created: T + 60,
    amount: 1000,
    currency: 'usd',
    charge: 'ch_Sim1',
    payment_intent: 'pi_Sim1',
    customer: 'cus_Sim1',
    payment_method: 'pm_Sim1',
    reason: 'requested_by_customer',
  });

/** Every builder with what a billing engine would pass it, and paths Stripe renders conditionally. */
const builders: { resource: string; build: () => unknown; conditional?: string[] }[] = [
  { resource: 'customer', build: customer },
  { resource: 'product', build: product },
  { resource: 'price', build: price },
  {
    resource: 'coupon',
    build: () =>
      couponShape({
        id: 'SPRING25',
        created: T,
        percent_off: 25,
        duration: 'repeating',
        duration_in_months: 3,
        name: '25% off',
      }),
  },
  {
    resource: 'promotion_code',
    build: () =>
      promotionCodeShape({ id: 'promo_Sim1', created: T, code: 'SPRING', coupon: 'SPRING25' }),
  },
  {
    resource: 'discount',
    build: () =>
      discountShape({
        id: 'di_Sim1',
        start: T,
        end: T + 90 * DAY,
        coupon: 'SPRING25',
        customer: 'cus_Sim1',
        subscription: 'sub_Sim1',
      }),
  },
  {
    resource: 'payment_method',
    build: () => paymentMethodShape({ id: 'pm_Sim1', created: T, customer: 'cus_Sim1' }),
  },
  {
    resource: 'webhook_endpoint',
    build: () =>
      webhookEndpointShape({
        id: 'we_Sim1',
        created: T,
        url: 'https://hub.example.com/stripe/webhook',
        enabled_events: ['invoice.paid', 'customer.subscription.updated'],
        api_version: STRIPE_API_VERSION,
      }),
  },
  {
    resource: 'event',
    build: () =>
      eventShape({ id: 'evt_Sim1', created: T, type: 'invoice.created', object: invoice() }),
  },
  {
    resource: 'test_helpers.test_clock',
    build: () => testClockShape({ id: 'clock_Sim1', created: T, frozen_time: T }),
  },
  { resource: 'invoice', build: invoice },
  { resource: 'line_item', build: line, conditional: ['pricing.price_details'] },
  {
    resource: 'invoiceitem',
    build: () =>
      invoiceItemShape({
        id: 'ii_Sim1',
        date: T,
        customer: 'cus_Sim1',
        currency: 'usd',
        amount: 500,
        description: 'Setup fee',
        price: priceShape({
          id: 'price_Setup',
          created: T,
          currency: 'usd',
          product: 'prod_Sim1',
          unit_amount: 500,
        }),
      }),
    conditional: ['pricing.price_details'],
  },
  {
    resource: 'credit_note',
    build: () =>
      creditNoteShape({
        id: 'cn_Sim1',
        created: T + 60,
        customer: 'cus_Sim1',
        currency: 'usd',
        invoice: 'in_Sim1',
        number: 'ABCD1234-0001-CN-01',
        lines: [creditNoteLine()],
      }),
  },
  { resource: 'credit_note_line_item', build: creditNoteLine },
  {
    resource: 'invoice_payment',
    build: () =>
      invoicePaymentShape({
        id: 'inpay_Sim1',
        created: T,
        invoice: 'in_Sim1',
        currency: 'usd',
        amount_requested: 4000,
        payment_intent: 'pi_Sim1',
        status: 'paid',
        status_transitions: { paid_at: T + 5 },
      }),
    conditional: ['payment.payment_intent'],
  },
  {
    resource: 'subscription',
    build: () =>
      subscriptionShape({
        id: 'sub_Sim1',
        created: T,
        customer: 'cus_Sim1',
        currency: 'usd',
        items: [subscriptionItem()],
        latest_invoice: 'in_Sim1',
      }),
  },
  { resource: 'subscription_item', build: subscriptionItem },
  {
    resource: 'subscription_schedule',
    build: () =>
      subscriptionScheduleShape({
        id: 'sub_sched_Sim1',
        created: T,
        customer: 'cus_Sim1',
        phases: [
          schedulePhaseShape({
            start_date: T,
            end_date: T + 365 * DAY,
            currency: 'usd',
            items: [schedulePhaseItemShape({ price: 'price_Sim1', quantity: 2 })],
          }),
        ],
      }),
  },
  {
    resource: 'payment_intent',
    build: () =>
      paymentIntentShape({
        id: 'pi_Sim1',
        created: T,
        amount: 4000,
        currency: 'usd',
        customer: 'cus_Sim1',
        payment_method: 'pm_Sim1',
        latest_charge: 'ch_Sim1',
        status: 'succeeded',
      }),
  },
  {
    resource: 'charge',
    build: () =>
      chargeShape({
        id: 'ch_Sim1',
        created: T,
        amount: 4000,
        currency: 'usd',
        customer: 'cus_Sim1',
        payment_intent: 'pi_Sim1',
        payment_method: 'pm_Sim1',
        refunds: [refund()],
      }),
  },
  { resource: 'refund', build: refund },
];

describe('Stripe shape builders', () => {
  it.each(builders)(
    '$resource has the field set of fixtures3.json',
    ({ resource, build, conditional }) => {
      // Act
      const object = build();

      // Assess
      expect(shapeMismatches(resource, object, { conditional })).toEqual([]);
      expect(object).toMatchObject({ object: resource });
    },
  );

  it('builds a new draft invoice with empty lines and no number', () => {
    // Act
    const draft = invoiceShape({
      id: 'in_Draft',
      created: T,
      customer: 'cus_Sim1',
      currency: 'usd',
    });

    // Assess
    expect(draft).toMatchObject({
      status: 'draft',
      number: null,
      billing_reason: 'manual',
      collection_method: 'charge_automatically',
      auto_advance: false,
      automatically_finalizes_at: null,
      hosted_invoice_url: null,
      livemode: false,
      total: 0,
      amount_due: 0,
      parent: null,
      lines: { object: 'list', data: [], has_more: false, url: '/v1/invoices/in_Draft/lines' },
      status_transitions: { finalized_at: null, paid_at: null, voided_at: null },
    });
    expect(shapeMismatches('invoice', draft)).toEqual([]);
  });

  it('derives a subscription invoice from its lines and subscription', () => {
    // Act
    const draft = invoice();
    const open = invoiceShape({
      id: 'in_Open',
      created: T,
      customer: 'cus_Sim1',
      currency: 'usd',
      status: 'open',
      number: 'ABCD1234-0001',
      total: 4000,
      amount_paid: 1500,
      status_transitions: { finalized_at: T + 3600 },
    });

    // Assess
    expect(draft).toMatchObject({
      subtotal: 4000,
      total: 4000,
      amount_due: 4000,
      amount_remaining: 4000,
      auto_advance: true,
      automatically_finalizes_at: T + 3600,
      subscription: 'sub_Sim1',
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_Sim1' } },
    });
    expect(open).toMatchObject({ amount_remaining: 2500, effective_at: T + 3600 });
    expect(open.hosted_invoice_url).toMatch(/^https:\/\/invoice\.stripe\.com\/i\//);
  });

  it('renders decimals as Stripe strings and prices with their plan', () => {
    // Act
    const wire = JSON.parse(
      JSON.stringify({ price: price(), item: subscriptionItem(), line: line() }),
    );

    // Assess
    expect(wire.price).toMatchObject({ type: 'recurring', unit_amount_decimal: '2000' });
    expect(wire.price.recurring).toEqual({
      interval: 'month',
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: 'licensed',
    });
    expect(wire.item.plan).toMatchObject({ id: 'price_Sim1', object: 'plan', amount: 2000 });
    expect(wire.line.quantity_decimal).toBe('2');
    expect(wire.line.pricing).toEqual({
      price_details: { price: 'price_Sim1', product: 'prod_Sim1' },
      type: 'price_details',
      unit_amount_decimal: '2000',
    });
  });

  it('gives fresh customers, subscriptions and events their Stripe defaults', () => {
    // Act
    const cus = customer();
    const trialing = subscriptionShape({
      id: 'sub_Trial',
      created: T,
      customer: 'cus_Sim1',
      currency: 'usd',
      items: [],
      trial_end: T + 14 * DAY,
    });
    const event = eventShape({ id: 'evt_Sim2', created: T, type: 'customer.created', object: cus });

    // Assess
    expect(cus).toMatchObject({ tax_exempt: 'none', next_invoice_sequence: 1, balance: 0 });
    expect(cus.invoice_prefix).toMatch(/^[0-9A-F]{8}$/);
    expect(trialing).toMatchObject({
      status: 'trialing',
      trial_start: T,
      billing_cycle_anchor: T + 14 * DAY,
    });
    expect(event).toMatchObject({ api_version: STRIPE_API_VERSION, data: { object: cus } });
    expect(Object.keys(event.data)).toEqual(['object']);
  });

  it('renders previous_attributes only on updates', () => {
    // Act
    const event = eventShape({
      id: 'evt_Sim3',
      created: T,
      type: 'customer.updated',
      object: customer(),
      previous_attributes: { email: null },
    });

    // Assess
    expect(event.data.previous_attributes).toEqual({ email: null });
    expect(shapeMismatches('event', event)).toEqual(['extra data.previous_attributes']);
    expect(shapeMismatches('event', event, { conditional: ['data.previous_attributes'] })).toEqual(
      [],
    );
  });

  it('derives failed charges and custom credit note lines', () => {
    // Act
    const failed = chargeShape({
      id: 'ch_Fail',
      created: T,
      amount: 4000,
      currency: 'usd',
      payment_method: 'pm_Sim1',
      status: 'failed',
    });
    const custom = creditNoteLineItemShape({ id: 'cnli_Custom', amount: 500 });

    // Assess
    expect(failed).toMatchObject({
      paid: false,
      captured: false,
      failure_code: 'card_declined',
      balance_transaction: null,
      outcome: { type: 'issuer_declined', network_status: 'declined_by_network' },
    });
    expect(shapeMismatches('charge', failed)).toEqual([]);
    expect(custom).toMatchObject({ type: 'custom_line_item', unit_amount: 500 });
    expect('invoice_line_item' in custom).toBe(false);
    expect(shapeMismatches('credit_note_line_item', custom)).toEqual(['missing invoice_line_item']);
  });
});

describe('shapeMismatches', () => {
  it('reports dropped, extra and mistyped keys, nested and in lists, but not metadata', () => {
    // Prepare
    const wire = JSON.parse(JSON.stringify(invoice()));
    delete wire.total;
    wire.unknown_field = 1;
    wire.amount_due = '4000';
    delete wire.status_transitions.paid_at;
    delete wire.lines.data[0].period;
    const withMetadata = { ...invoice(), metadata: { order_id: '6735' } };

    // Act
    const mismatches = shapeMismatches('invoice', wire);

    // Assess
    expect(mismatches.sort()).toEqual([
      'amount_due: string, fixture has number',
      'extra unknown_field',
      'missing lines.data[0].period',
      'missing status_transitions.paid_at',
      'missing total',
    ]);
    expect(shapeMismatches('invoice', withMetadata)).toEqual([]);
  });
});
