import { describe, expect, it } from 'vitest';
import {
  MAX_COPY_JSON_BYTES,
  MappingError,
  mapEvent,
  tableOfObjectType,
  withAllChildren,
} from '../../../../shared/connectors/warehouse/mapping.ts';
import {
  CHILD_SPECS,
  ENTITY_SPECS,
  EVENTS_TABLE,
} from '../../../../shared/connectors/warehouse/tables.ts';
import { buildEvent, fixtureEvents, openapiObject } from '../../../support/stripe.ts';

const fixture = (file: string) => {
  const found = fixtureEvents().find((f) => f.file === file);
  if (!found) throw new Error(`no fixture ${file}`);
  return found.event;
};

describe('mapEvent over the 71 webhook fixtures (API version 2020-03-02)', () => {
  const MODELLED: Record<string, string> = {
    credit_note: 'credit_notes',
    customer: 'customers',
    invoice: 'invoices',
    invoice_payment: 'invoice_payments',
    payment_intent: 'payments',
    refund: 'refunds',
    subscription: 'subscriptions',
  };

  it.each(fixtureEvents().map((f) => [f.file, f.event] as const))(
    'maps %s to a raw row, and a model row when the warehouse models its object',
    (_file, event) => {
      // Act
      const mapped = mapEvent(event);

      // Assess
      expect(mapped.raw).toMatchObject({
        id: event.id,
        type: event.type,
        created: event.created,
        object_type: event.data.object.object,
      });
      expect(mapped.raw.payload).toEqual(event);
      expect(mapped.model?.table).toBe(MODELLED[event.data.object.object]);
      expect(Object.keys(mapped.raw).sort()).toEqual(
        EVENTS_TABLE.columns.filter((c) => c !== 'loaded_at').sort(),
      );
    },
  );

  it.each(
    fixtureEvents().flatMap((f) => (mapEvent(f.event).model ? [[f.file, f.event] as const] : [])),
  )('%s fills exactly the columns of its table and of its child tables', (_file, event) => {
    // Act
    const model = mapEvent(event).model;

    // Assess
    if (!model) throw new Error('expected a model row');
    const columns = ENTITY_SPECS[model.table].columns.filter((c) => c !== 'loaded_at');
    expect(Object.keys(model.row).sort()).toEqual([...columns].sort());
    for (const child of model.children) {
      const childColumns = CHILD_SPECS[child.table].columns.filter((c) => c !== 'loaded_at');
      for (const row of child.rows)
        expect(Object.keys(row).sort()).toEqual([...childColumns].sort());
    }
  });
});

describe('mapEvent, table by table', () => {
  it.each([
    [
      'invoice_paid.json',
      'invoices',
      {
        id: 'in_1KJqKBJDPojXS6LNJbvLUgEy',
        customer_id: 'cus_JsuO3bmrj0QlAw',
        subscription_id: 'sub_JsuPyCPhXWfZar',
        status: 'paid',
        currency: 'usd',
        paid_at: 1642649110,
        deleted: false,
      },
    ],
    ['invoice_deleted.json', 'invoices', { id: 'in_xyz', deleted: true, deleted_at: 1689634585 }],
    ['customer_deleted.json', 'customers', { id: 'cus_IhGfebO16cMIGN', deleted: true }],
    [
      'customer_updated.json',
      'customers',
      { email: 'billz@supabase.io', metadata: { supabase_org_id: '35' }, deleted: false },
    ],
    [
      'subscription_deleted.json',
      'subscriptions',
      { status: 'canceled', ended_at: 1623149102, deleted: false },
    ],
    [
      'invoice_payment_paid.json',
      'invoice_payments',
      {
        invoice_id: 'in_103Q0w2eZvKYlo2C5PYwf6Wf',
        payment_intent_id: 'pi_103Q0w2eZvKYlo2C364X582Z',
        amount_paid: 2000,
        status: 'paid',
      },
    ],
    [
      'refund_created.json',
      'refunds',
      { amount: 1000, payment_intent_id: 'pi_1GszsK2eZvKYlo2CfhZyoZLp' },
    ],
    [
      'credit_note_created.json',
      'credit_notes',
      { invoice_id: 'in_1MxvRkLkdIwHu7ixABNtI99m', total: 1099 },
    ],
    ['payment_intent_succeeded.json', 'payments', { amount: 1000, currency: 'usd' }],
  ])('%s → %s with what finance reads', (file, table, expected) => {
    // Prepare
    const event = fixture(file);

    // Act
    const model = mapEvent(event).model;

    // Assess
    expect(model?.table).toBe(table);
    expect(model?.row).toMatchObject({
      ...expected,
      event_id: event.id,
      event_created: event.created,
    });
  });

  it('keeps charges, products and other unmodelled objects as raw events only', () => {
    // Prepare
    const event = fixture('charge_succeeded.json');

    // Act
    const mapped = mapEvent(event);

    // Assess
    expect(mapped.model).toBeUndefined();
    expect(tableOfObjectType('charge')).toBeUndefined();
    expect(mapped.raw.object_id).toBe('ch_3KtQThJDPojXS6LN0YmgbxGj');
  });

  it('reads the current API version: subscription from parent, lines with their price and item', () => {
    // Prepare
    const invoice = openapiObject('invoice');
    invoice.id = 'in_now';
    invoice.parent = {
      type: 'subscription_details',
      subscription_details: { subscription: 'sub_9' },
    };
    invoice.total_taxes = [{ amount: 120 }, { amount: 30 }];
    const event = buildEvent({
      type: 'invoice.finalized',
      object: invoice,
      created: 1_800_000_000,
    });

    // Act
    const model = mapEvent(event).model;

    // Assess
    expect(model?.row).toMatchObject({ subscription_id: 'sub_9', tax: 150, amount_due: 1000 });
    expect(model?.children[0]?.rows[0]).toMatchObject({
      invoice_id: 'in_now',
      line_number: 1,
      invoice_item_id: 'invoice_item',
      proration: true,
      amount: 1000,
    });
  });

  it('takes the billing period of a current subscription from its items', () => {
    // Prepare
    const subscription = openapiObject('subscription');
    const event = buildEvent({ type: 'customer.subscription.updated', object: subscription });

    // Act
    const model = mapEvent(event).model;

    // Assess
    expect(model?.row).toMatchObject({
      current_period_start: 1896570518,
      current_period_end: 976287773,
    });
    expect(model?.children[0]?.rows[0]).toMatchObject({
      subscription_id: subscription.id,
      unit_amount: 2000,
      recurring_interval: 'month',
    });
  });

  it('marks lines incomplete when the snapshot holds only the first page, and completes them', () => {
    // Prepare
    const invoice = openapiObject('invoice');
    const lines = invoice.lines as { data: Record<string, unknown>[]; has_more: boolean };
    lines.has_more = true;
    const event = buildEvent({ type: 'invoice.updated', object: invoice });
    const model = mapEvent(event).model;
    if (!model) throw new Error('expected a model row');
    const all = Array.from({ length: 12 }, (_, i) => ({ ...lines.data[0], id: `il_${i}` }));

    // Act
    const completed = withAllChildren(model, 'invoice_lines', all);

    // Assess
    expect(model.children[0]?.complete).toBe(false);
    expect(completed.children[0]?.complete).toBe(true);
    expect(completed.children[0]?.rows.map((r) => r.line_number)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it('fails an object whose amount is not a whole number, naming the field and what to check', () => {
    // Prepare
    const invoice = openapiObject('invoice');
    invoice.amount_due = '10.00';
    const event = buildEvent({ type: 'invoice.updated', object: invoice });

    // Act
    const act = () => mapEvent(event);

    // Assess
    expect(act).toThrow(MappingError);
    expect(act).toThrow(/amount_due is string, not a whole number.*API version/);
  });

  it('keeps an upcoming invoice (no id) as a raw event only', () => {
    // Prepare
    const invoice = openapiObject('invoice');
    delete invoice.id;
    const event = buildEvent({ type: 'invoice.upcoming', object: invoice });

    // Act
    const mapped = mapEvent(event);

    // Assess
    expect(mapped.model).toBeUndefined();
    expect(mapped.raw.object_id).toBeNull();
  });
});

describe('rawEventRow', () => {
  it('fails an event larger than COPY reads as one JSON object, alone', () => {
    // Prepare
    const customer = openapiObject('customer');
    customer.metadata = { notes: 'x'.repeat(MAX_COPY_JSON_BYTES) };
    const event = buildEvent({ type: 'customer.updated', object: customer });

    // Act
    const act = () => mapEvent(event);

    // Assess
    expect(act).toThrow(MappingError);
    expect(act).toThrow(/more than the 4194304 bytes Redshift's COPY reads/);
  });
});
