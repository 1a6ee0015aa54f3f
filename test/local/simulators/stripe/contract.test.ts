/**
 * The contract test: after every scenario has run, each object the simulator holds — read back
 * through the API the way a connector would — has the fields and types of Stripe's own fixture
 * for that resource at the pinned API version.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../../local/simulators/stripe/scenarios/index.ts';
import { scenarioContext } from '../../../support/scenarios.ts';
import { useSimulator } from '../../../support/simulator.ts';
import { shapeMismatches } from '../../../support/stripe-contract.ts';

/** Where each stored type is read back, and what Stripe renders only in some states. */
const RESOURCES: Record<string, { path?: (id: string) => string; conditional?: string[] }> = {
  customer: { path: (id) => `/v1/customers/${id}` },
  product: { path: (id) => `/v1/products/${id}` },
  price: { path: (id) => `/v1/prices/${id}` },
  coupon: { path: (id) => `/v1/coupons/${id}` },
  promotion_code: { path: (id) => `/v1/promotion_codes/${id}` },
  discount: {},
  payment_method: {
    path: (id) => `/v1/payment_methods/${id}`,
    conditional: ['card', 'us_bank_account'],
  },
  payment_intent: { path: (id) => `/v1/payment_intents/${id}` },
  charge: {
    path: (id) => `/v1/charges/${id}`,
    conditional: ['payment_method_details.card', 'payment_method_details.us_bank_account'],
  },
  refund: {
    path: (id) => `/v1/refunds/${id}`,
    conditional: ['destination_details.card', 'destination_details.us_bank_transfer'],
  },
  invoice: { path: (id) => `/v1/invoices/${id}` },
  line_item: { conditional: ['pricing.price_details'] },
  invoiceitem: { path: (id) => `/v1/invoiceitems/${id}`, conditional: ['pricing.price_details'] },
  invoice_payment: {
    path: (id) => `/v1/invoice_payments/${id}`,
    conditional: ['payment.payment_intent'],
  },
  credit_note: { path: (id) => `/v1/credit_notes/${id}` },
  subscription: { path: (id) => `/v1/subscriptions/${id}` },
  subscription_item: { path: (id) => `/v1/subscription_items/${id}` },
  subscription_schedule: { path: (id) => `/v1/subscription_schedules/${id}` },
  'test_helpers.test_clock': { path: (id) => `/v1/test_helpers/test_clocks/${id}` },
  event: { path: (id) => `/v1/events/${id}`, conditional: ['data.previous_attributes'] },
  webhook_endpoint: { path: (id) => `/v1/webhook_endpoints/${id}` },
  tax_rate: {},
  customer_balance_transaction: {},
};

const t = useSimulator({ achSettlementMs: 20 });

beforeAll(async () => {
  const context = scenarioContext(t.sim);
  for (const scenario of SCENARIOS) await scenario.run(context);
  await t.stripe.webhookEndpoints.create({
    url: 'https://example.com/hook',
    enabled_events: ['*'],
  });
}, 120_000);

describe('every simulated object matches Stripe’s fixture shape', () => {
  it('covers every type the scenarios create', () => {
    // Assess: a new type must be added to the table (and so to the contract).
    expect(t.sim.world.types().filter((type) => !(type in RESOURCES))).toEqual([]);
    expect(t.sim.world.types().length).toBeGreaterThanOrEqual(18);
  });

  it.each(Object.keys(RESOURCES))('%s', async (type) => {
    // Prepare
    const { path, conditional = [] } = RESOURCES[type] ?? {};
    const objects = t.sim.world.all(type);
    if (objects.length === 0)
      return expect([
        'discount',
        'tax_rate',
        'customer_balance_transaction',
        'promotion_code',
      ]).toContain(type);

    // Act: read each back as a connector would, through the API where it has a route.
    const rendered = await Promise.all(
      objects.map(async (object) => {
        if (path === undefined) return JSON.parse(JSON.stringify(object)) as unknown;
        const response = await fetch(`${t.sim.url}${path(object.id)}`, {
          headers: { authorization: 'Bearer sk_test_contract' },
        });
        expect(response.status, `GET ${path(object.id)}`).toBe(200);
        return (await response.json()) as unknown;
      }),
    );

    // Assess
    for (const [index, object] of rendered.entries()) {
      expect(
        shapeMismatches(type, object, { conditional }),
        `${type} ${objects[index]?.id}`,
      ).toEqual([]);
    }
  });
});
