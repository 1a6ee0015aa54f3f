/**
 * The mapping as the sync uses it: which Stripe object types become which records (every event of
 * the real webhook fixtures, old shapes included, without crashing), that every value it writes has
 * a place in the default field map, and how writes of one batch are merged.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_MAP } from '../../../../shared/connectors/salesforce/field-map.ts';
import {
  type MappableObject,
  mergeWrites,
  RECORD_KINDS,
  type RecordWrite,
  writesFor,
} from '../../../../shared/connectors/salesforce/mapping.ts';
import { fixtureEvents, openapiObject } from '../../../support/stripe.ts';

const TEST = { livemode: false };

/** The kinds of record each Stripe object type of Stripe's current examples becomes. */
const KINDS_BY_OBJECT: [resource: string, eventType: string, kinds: string[]][] = [
  ['customer', 'customer.updated', ['account']],
  ['deleted_customer', 'customer.deleted', ['account']],
  ['subscription', 'customer.subscription.updated', ['subscription']],
  ['invoice', 'invoice.finalized', ['invoice']],
  ['deleted_invoice', 'invoice.deleted', ['invoice']],
  ['payment_intent', 'payment_intent.processing', ['payment']],
  ['charge', 'charge.refunded', []], // the example charge has no PaymentIntent
  ['invoice_payment', 'invoice_payment.paid', []], // the example names no PaymentIntent
  ['refund', 'refund.created', []],
  ['credit_note', 'credit_note.created', []],
  ['product', 'product.updated', []],
  ['price', 'price.updated', []],
  ['checkout.session', 'checkout.session.completed', []],
];

function write(fields: Partial<RecordWrite> & Pick<RecordWrite, 'kind' | 'stripeId'>): RecordWrite {
  return { values: {}, parents: {}, complete: false, ...fields };
}

describe('writesFor', () => {
  it.each(KINDS_BY_OBJECT)('maps Stripe’s example %s (%s) to %j', (resource, eventType, kinds) => {
    // Prepare
    const object = openapiObject(resource) as MappableObject;

    // Act
    const writes = writesFor({ eventType, object, options: TEST });

    // Assess
    expect(writes.map((w) => w.kind)).toEqual(kinds);
  });

  it.each(fixtureEvents().map(({ file, event }) => [file, event] as const))(
    'maps the real event %s with values the default field map knows',
    (_, event) => {
      // Act
      const writes = writesFor({
        eventType: event.type,
        object: event.data.object as MappableObject,
        options: { livemode: event.livemode },
      });

      // Assess
      for (const w of writes) {
        expect(Object.keys(DEFAULT_FIELD_MAP[w.kind].fields)).toEqual(
          expect.arrayContaining(Object.keys(w.values)),
        );
        expect(w.stripeId).toMatch(/^(cus|sub|in|pi)_/);
      }
    },
  );

  it('writes every logical key of the default map from some Stripe object', () => {
    // Prepare
    const events = fixtureEvents().map(({ event }) => event);
    const examples = KINDS_BY_OBJECT.map(([resource, eventType]) => ({
      type: eventType,
      data: { object: openapiObject(resource) },
    }));
    const intent = { ...openapiObject('payment_intent'), customer: 'cus_1', status: 'succeeded' };
    const charged = { ...intent, latest_charge: openapiObject('charge') };

    // Act
    const written = new Set(
      [
        ...[...events, ...examples].flatMap((e) =>
          writesFor({ eventType: e.type, object: e.data.object as MappableObject, options: TEST }),
        ),
        ...writesFor({
          eventType: 'payment_intent.succeeded',
          object: charged as MappableObject,
          options: TEST,
        }),
      ].flatMap((w) => Object.keys(w.values).map((key) => `${w.kind}.${key}`)),
    );

    // Assess
    const mapped = RECORD_KINDS.flatMap((kind) =>
      Object.keys(DEFAULT_FIELD_MAP[kind].fields).map((key) => `${kind}.${key}`),
    );
    expect(mapped.filter((key) => !written.has(key))).toEqual([]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'writes nothing for an object type named like a built-in (%s)',
    (type) => {
      // Act
      const writes = writesFor({
        eventType: 'x.updated',
        object: { object: type, id: 'x_1' },
        options: TEST,
      });

      // Assess
      expect(writes).toEqual([]);
    },
  );
});

describe('mergeWrites', () => {
  it('writes parents before children, whatever order the events came in', () => {
    // Prepare
    const writes = [
      write({ kind: 'payment', stripeId: 'pi_1' }),
      write({ kind: 'invoice', stripeId: 'in_1' }),
      write({ kind: 'account', stripeId: 'cus_1' }),
      write({ kind: 'subscription', stripeId: 'sub_1' }),
      write({ kind: 'account', stripeId: 'cus_0' }),
    ];

    // Act
    const merged = mergeWrites(writes);

    // Assess
    expect(merged.map((w) => w.stripeId)).toEqual(['cus_1', 'cus_0', 'sub_1', 'in_1', 'pi_1']);
  });

  it('merges writes of one record: later values win, parents add up, complete if any is', () => {
    // Prepare
    const writes = [
      write({
        kind: 'payment',
        stripeId: 'pi_1',
        values: { status: 'processing', amount: 2000 },
        parents: { account: 'cus_1' },
        complete: true,
      }),
      write({ kind: 'payment', stripeId: 'pi_1', values: {}, parents: { invoice: 'in_1' } }),
      write({ kind: 'payment', stripeId: 'pi_2', values: { status: 'canceled' } }),
      write({
        kind: 'payment',
        stripeId: 'pi_1',
        values: { status: 'succeeded', amountRefunded: null },
      }),
    ];

    // Act
    const merged = mergeWrites(writes);

    // Assess
    expect(merged).toEqual([
      {
        kind: 'payment',
        stripeId: 'pi_1',
        values: { status: 'succeeded', amount: 2000, amountRefunded: null },
        parents: { account: 'cus_1', invoice: 'in_1' },
        complete: true,
      },
      write({ kind: 'payment', stripeId: 'pi_2', values: { status: 'canceled' } }),
    ]);
  });

  it('keeps records of different kinds with the same id apart, and leaves its input as it was', () => {
    // Prepare
    const first = write({ kind: 'account', stripeId: 'same', values: { name: 'A' } });
    const writes = [
      first,
      write({ kind: 'invoice', stripeId: 'same' }),
      write({ kind: 'account', stripeId: 'same', values: { name: 'B' } }),
    ];

    // Act
    const merged = mergeWrites(writes);

    // Assess
    expect(merged.map((w) => [w.kind, w.values])).toEqual([
      ['account', { name: 'B' }],
      ['invoice', {}],
    ]);
    expect(first.values).toEqual({ name: 'A' });
  });

  it('merges a payment’s success and its later refund into one Account write that creates nothing', () => {
    // Prepare
    const intent = {
      ...openapiObject('payment_intent'),
      customer: 'cus_1',
      status: 'succeeded',
      amount_received: 1099,
    };
    const refunded = {
      ...openapiObject('charge'),
      customer: 'cus_1',
      payment_intent: intent.id,
      amount_refunded: 1099,
      refunded: true,
    };

    // Act
    const merged = mergeWrites([
      ...writesFor({
        eventType: 'payment_intent.succeeded',
        object: intent as MappableObject,
        options: TEST,
        eventCreated: 1_767_225_600,
      }),
      ...writesFor({
        eventType: 'charge.refunded',
        object: refunded as MappableObject,
        options: TEST,
        eventCreated: 1_767_225_700,
      }),
    ]);

    // Assess
    expect(merged.map((w) => [w.kind, w.complete])).toEqual([
      ['account', false],
      ['payment', true],
    ]);
    expect(merged[0]?.values).toEqual({
      lastPaymentStatus: 'refunded',
      lastPaymentAmount: 1099,
      // The refund's time: it came after the payment.
      lastPaymentDate: '2026-01-01T00:01:40.000Z',
      lastPaymentError: null,
    });
    expect(merged[1]?.values).toMatchObject({
      status: 'succeeded',
      amountReceived: 1099,
      amountRefunded: 1099,
    });
  });
});
