import { describe, expect, it } from 'vitest';
import {
  assertStripeEvent,
  primaryObjectId,
  relatedObjectIds,
} from '../../../shared/events/types.ts';
import { buildEvent, fixtureEvents, openapiObject } from '../../support/stripe.ts';

describe('assertStripeEvent', () => {
  it('has all 71 webhook event fixtures to check', () => {
    expect(fixtureEvents()).toHaveLength(71);
  });

  it.each(fixtureEvents().map((f) => [f.file, f.event] as const))('accepts %s', (_file, event) => {
    expect(assertStripeEvent(structuredClone(event)).id).toBe(event.id);
  });

  it.each([
    ['an array', [], /not a JSON object/],
    ['a customer object', openapiObject('customer'), /"object" is not "event"/],
    [
      'an event without id',
      { ...buildEvent({ type: 'x.y', object: openapiObject('customer') }), id: 'cus_1' },
      /"id" is not an event id/,
    ],
    [
      'an event without type',
      { ...buildEvent({ type: '', object: openapiObject('customer') }) },
      /"type" is missing/,
    ],
    [
      'an event with a string created',
      { ...buildEvent({ type: 'a.b', object: openapiObject('customer') }), created: '2024' },
      /"created"/,
    ],
    [
      'an event without data.object',
      { ...buildEvent({ type: 'a.b', object: openapiObject('customer') }), data: {} },
      /"data.object"/,
    ],
  ])('refuses %s with a 400 reason', (_name, value, message) => {
    expect(() => assertStripeEvent(value)).toThrow(message);
    try {
      assertStripeEvent(value);
    } catch (error) {
      expect(error).toMatchObject({ statusCode: 400, reason: 'not_a_stripe_event' });
    }
  });
});

describe('object ids', () => {
  it('indexes an invoice under itself, its customer and subscription (current shape)', () => {
    const invoice = openapiObject('invoice');
    invoice.id = 'in_1';
    invoice.customer = 'cus_1';
    invoice.parent = {
      type: 'subscription_details',
      subscription_details: { subscription: 'sub_1' },
    };
    const event = buildEvent({ type: 'invoice.paid', object: invoice });

    expect(primaryObjectId(event)).toBe('in_1');
    expect(relatedObjectIds(event)).toEqual(['in_1', 'cus_1', 'sub_1']);
  });

  it('reads expanded references and the 2020-03-02 shape', () => {
    const paid = fixtureEvents().find((f) => f.file === 'invoice_paid.json');
    if (!paid) throw new Error('fixture missing');
    const ids = relatedObjectIds(paid.event);

    expect(ids[0]).toMatch(/^in_/);
    expect(ids).toContain(paid.event.data.object.customer);
    expect(ids).toContain(paid.event.data.object.subscription);
  });

  it('indexes an invoice payment under its invoice and payment intent', () => {
    const payment = openapiObject('invoice_payment');
    payment.id = 'inpay_1';
    payment.invoice = 'in_1';
    payment.payment = { type: 'payment_intent', payment_intent: 'pi_1' };
    const event = buildEvent({ type: 'invoice_payment.paid', object: payment });

    expect(relatedObjectIds(event)).toEqual(['inpay_1', 'in_1', 'pi_1']);
  });
});
