/**
 * The default field map against the org's schema (the SFDX metadata in salesforce/, as the
 * Salesforce simulator reads it): every object, upsert key, field and relationship it names
 * exists, and every value the mapping writes — from objects and events the Stripe simulator
 * renders through the official SDK — is one its field accepts.
 */
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fieldNamed,
  loadSalesforceSchema,
  objectNamed,
  relationshipNamed,
  type SalesforceObject,
} from '../../../../local/simulators/salesforce/schema.ts';
import { coerce } from '../../../../local/simulators/salesforce/values.ts';
import {
  DEFAULT_FIELD_MAP,
  toSalesforceRecord,
} from '../../../../shared/connectors/salesforce/field-map.ts';
import {
  type MappableObject,
  mergeWrites,
  RECORD_KINDS,
  type RecordKind,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import {
  cardCustomer,
  draftInvoice,
  monthlyPrice,
  useSimulator,
} from '../../../support/simulator.ts';

const schema = loadSalesforceSchema();
const t = useSimulator();

function objectOf(kind: RecordKind): SalesforceObject {
  const object = objectNamed(schema, DEFAULT_FIELD_MAP[kind].object);
  if (!object) throw new Error(`The schema has no ${DEFAULT_FIELD_MAP[kind].object}`);
  return object;
}

describe('the default field map in the org’s schema', () => {
  it.each(RECORD_KINDS)('%s: the object and its External ID upsert key exist', (kind) => {
    // Act
    const object = objectOf(kind);
    const key = fieldNamed(object, DEFAULT_FIELD_MAP[kind].externalIdField);

    // Assess
    expect(key).toMatchObject({ type: 'Text', externalId: true, unique: true });
    if (object.custom) expect(fieldNamed(object, 'Name')).toMatchObject({ type: 'Text' });
  });

  it.each(RECORD_KINDS)(
    '%s: every mapped field exists and the integration can write it',
    (kind) => {
      // Prepare
      const object = objectOf(kind);
      const mapped = Object.values(DEFAULT_FIELD_MAP[kind].fields).filter((f) => f !== null);

      // Act
      const fields = mapped.map((name) => [name, fieldNamed(object, name)] as const);

      // Assess
      expect(
        fields.filter(([, field]) => !field?.createable || !field.updateable).map(([name]) => name),
      ).toEqual([]);
    },
  );

  it.each(RECORD_KINDS)('%s: every parent link is a lookup to the parent’s object', (kind) => {
    // Prepare
    const object = objectOf(kind);

    // Act
    const links = Object.entries(DEFAULT_FIELD_MAP[kind].parents).map(([parent, relationship]) => [
      relationshipNamed(object, relationship)?.referenceTo,
      DEFAULT_FIELD_MAP[parent as RecordKind].object,
    ]);

    // Assess
    for (const [referenceTo, parentObject] of links) expect(referenceTo).toBe(parentObject);
  });
});

describe('the values the mapping writes, in the org’s fields', () => {
  let records: { object: string; record: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    const stripe = t.stripe;
    // A customer with every detail, on a discounted two-seat subscription paid by card, refunded in part.
    const customer = await cardCustomer(stripe, {
      phone: '+1 415 555 0100',
      description: 'Enterprise',
      address: {
        line1: '1 Market St',
        line2: 'Suite 5',
        city: 'San Francisco',
        state: 'CA',
        postal_code: '94105',
        country: 'US',
      },
    });
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const price = await monthlyPrice(stripe, 2_000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
      discounts: [{ coupon: coupon.id }],
    });
    const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice), {
      expand: ['payments'],
    });
    const intent = invoice.payments?.data[0]?.payment.payment_intent;
    await stripe.refunds.create({ payment_intent: String(intent), amount: 500 });
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    // A trial, canceled; an invoice sent with a due date; a declined card.
    const trial = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    await stripe.subscriptions.cancel(trial.id);
    const sent = await draftInvoice(stripe, customer.id, {
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    await stripe.invoices.finalizeInvoice(sent.id);
    const declined = await cardCustomer(stripe, { payment_method: 'pm_card_chargeCustomerFail' });
    const failing = await draftInvoice(stripe, declined.id);
    await stripe.invoices.finalizeInvoice(failing.id);
    await stripe.invoices.pay(failing.id).catch((error: unknown) => {
      if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
    });

    // Deleted: a customer, and a draft invoice.
    const leaving = await stripe.customers.create({ name: 'Leaving' });
    await stripe.customers.del(leaving.id);
    const draft = await draftInvoice(stripe, customer.id);
    await stripe.invoices.del(draft.id);

    const events: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
    // Newest first from the API: map them in the order they happened, as the sync does.
    const writes = events.reverse().flatMap((event) =>
      writesFor({
        eventType: event.type,
        object: event.data.object as unknown as MappableObject,
        options: { livemode: event.livemode },
      }),
    );
    records = mergeWrites(writes).map((w) => toSalesforceRecord(w, DEFAULT_FIELD_MAP));
  });

  it('fills every field of the default map from what Stripe sends', () => {
    // Act
    const filled = new Set(
      records.flatMap(({ object, record }) =>
        Object.entries(record)
          .filter(([, value]) => value !== null)
          .map(([field]) => `${object}.${field}`),
      ),
    );

    // Assess
    const mapped = RECORD_KINDS.flatMap((kind) =>
      Object.values(DEFAULT_FIELD_MAP[kind].fields)
        .filter((field) => field !== null)
        .map((field) => `${DEFAULT_FIELD_MAP[kind].object}.${field}`),
    );
    expect(mapped.filter((field) => !filled.has(field))).toEqual([]);
  });

  it('writes only values their fields accept (type, length, precision)', () => {
    // Act
    const refused = records.flatMap(({ object, record }) => {
      const target = objectNamed(schema, object);
      if (!target) return [`${object}: no such object`];
      return Object.entries(record).flatMap(([name, value]) => {
        if (name === 'attributes') return [];
        if (typeof value === 'object' && value !== null) {
          return relationshipNamed(target, name) ? [] : [`${object}.${name}: no such relationship`];
        }
        const field = fieldNamed(target, name);
        if (!field) return [`${object}.${name}: no such field`];
        const coerced = coerce(field, value);
        return 'error' in coerced
          ? [`${object}.${name} = ${JSON.stringify(value)}: ${coerced.error.message}`]
          : [];
      });
    });

    // Assess
    expect(records.length).toBeGreaterThan(5);
    expect(refused).toEqual([]);
  });
});
