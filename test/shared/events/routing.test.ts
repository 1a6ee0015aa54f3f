import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES, parseRoutingTable, Router } from '../../../shared/events/routing.ts';

describe('Router with the default table', () => {
  const router = new Router();

  it.each([
    ['invoice.paid', ['salesforce', 'netsuite', 'avalara', 'warehouse']],
    ['invoice.created', ['salesforce', 'avalara', 'warehouse']],
    ['invoice.payment_action_required', ['salesforce', 'warehouse']],
    ['customer.created', ['salesforce', 'netsuite', 'warehouse']],
    ['customer.subscription.updated', ['salesforce', 'warehouse']],
    ['credit_note.created', ['salesforce', 'netsuite', 'avalara', 'warehouse']],
    ['charge.refunded', ['salesforce', 'netsuite', 'avalara', 'warehouse']],
    ['product.created', ['warehouse']],
    ['some.future_event', ['warehouse']],
  ])('%s → %o', (type, expected) => {
    expect(router.route(type)).toEqual(expected);
  });
});

describe('Router with a configured table', () => {
  it('matches exact types, prefixes and everything', () => {
    const router = new Router(
      parseRoutingTable({ salesforce: ['customer.*'], netsuite: ['invoice.paid'], avalara: [] }),
    );
    expect(router.route('customer.subscription.created')).toEqual(['salesforce']);
    expect(router.route('invoice.paid')).toEqual(['netsuite']);
    expect(router.route('invoice.voided')).toEqual([]);
    expect(router.route('customers.created')).toEqual([]);
  });

  it('treats a prefix as a whole segment', () => {
    const router = new Router(parseRoutingTable({ netsuite: ['invoice.*'] }));
    expect(router.route('invoice_payment.paid')).toEqual([]);
    expect(router.route('invoiceitem.created')).toEqual([]);
  });
});

describe('parseRoutingTable', () => {
  it.each([
    [[], /expected an object/],
    [{ erp: ['*'] }, /unknown connector "erp"/],
    [{ netsuite: 'invoice.*' }, /must be a list/],
    [{ netsuite: ['invoice.**'] }, /"invoice\.\*\*" \(for netsuite\) is not an event type pattern/],
    [{ netsuite: ['*.paid'] }, /is not an event type pattern/],
  ])('refuses %o', (value, message) => {
    expect(() => parseRoutingTable(value)).toThrow(message);
  });

  it('accepts the default table as configuration', () => {
    expect(parseRoutingTable(JSON.parse(JSON.stringify(DEFAULT_ROUTES)))).toEqual(DEFAULT_ROUTES);
  });
});
