/**
 * An invoice's lines and a subscription's items on the real database: a newer version brings
 * exactly its children (fewer lines remove the others), an older one leaves them alone, and a
 * draft deleted with more lines than its last event carried is recorded deleted all the same.
 */
import { describe, expect, it } from 'vitest';
import type { StripeEvent, StripeObject } from '../../../../shared/events/types.ts';
import { cardPayer, draftWithLines, useSimulator } from '../../../support/simulator.ts';
import { buildEvent, openapiObject } from '../../../support/stripe.ts';
import { load, rows, useWarehouse, warehouseConnector } from './support.ts';

const stripeSim = useSimulator();
const wh = useWarehouse();

/** An invoice event whose lines have these amounts (ids `<invoice>_l<amount>`). */
function invoiceEvent(id: string, amounts: number[], created: number): StripeEvent {
  const invoice = openapiObject('invoice');
  const line = (invoice.lines as { data: StripeObject[] }).data[0] as StripeObject;
  Object.assign(invoice, {
    id,
    lines: {
      object: 'list',
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
      data: amounts.map((amount) => ({ ...line, id: `${id}_l${amount}`, invoice: id, amount })),
    },
  });
  return buildEvent({ type: 'invoice.updated', object: invoice, created });
}

/** A subscription event with items of these quantities (ids `<subscription>_i<quantity>`). */
function subscriptionEvent(id: string, quantities: number[], created: number): StripeEvent {
  const subscription = openapiObject('subscription');
  const item = (subscription.items as { data: StripeObject[] }).data[0] as StripeObject;
  Object.assign(subscription, {
    id,
    items: {
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
      data: quantities.map((quantity) => ({ ...item, id: `${id}_i${quantity}`, quantity })),
    },
  });
  return buildEvent({ type: 'customer.subscription.updated', object: subscription, created });
}

const linesOf = (invoice: string) =>
  rows(
    wh,
    `SELECT line_number, amount FROM {schema}.invoice_lines WHERE invoice_id = '${invoice}' ORDER BY line_number`,
  );
const itemsOf = (subscription: string) =>
  rows(
    wh,
    `SELECT quantity FROM {schema}.subscription_items WHERE subscription_id = '${subscription}' ORDER BY quantity`,
  );

describe("an object's children on the real database", () => {
  it('a newer invoice version with fewer lines removes the others; an older one changes none', async () => {
    // Prepare
    const connector = warehouseConnector(wh, stripeSim.stripe);
    await load(connector, [invoiceEvent('in_children', [100, 200, 300], 1_800_000_100)]);

    // Act
    await load(connector, [invoiceEvent('in_children', [100, 250], 1_800_000_200)]);
    const afterNewer = await linesOf('in_children');
    await load(connector, [invoiceEvent('in_children', [100, 200, 300, 400], 1_800_000_150)]);

    // Assess
    expect(afterNewer).toEqual([
      { line_number: 1, amount: 100 },
      { line_number: 2, amount: 250 },
    ]);
    expect(await linesOf('in_children')).toEqual(afterNewer);
  });

  it('a newer subscription version with fewer items removes the others; an older one changes none', async () => {
    // Prepare
    const connector = warehouseConnector(wh, stripeSim.stripe);
    await load(connector, [subscriptionEvent('sub_children', [1, 2, 3], 1_800_000_100)]);

    // Act
    await load(connector, [subscriptionEvent('sub_children', [2], 1_800_000_200)]);
    const afterNewer = await itemsOf('sub_children');
    await load(connector, [subscriptionEvent('sub_children', [1, 2, 3, 4], 1_800_000_150)]);

    // Assess
    expect(afterNewer).toEqual([{ quantity: 2 }]);
    expect(await itemsOf('sub_children')).toEqual(afterNewer);
  });

  it('records a deleted draft of twelve lines as deleted, with the lines its last event carried', async () => {
    // Prepare
    const { stripe, sim } = stripeSim;
    const customer = await cardPayer(stripe);
    const amounts = Array.from({ length: 12 }, (_, i) => 100 * (i + 1));
    const draft = await draftWithLines(stripe, customer.id, amounts);
    await stripe.invoices.del(draft.id);
    const events = sim.world
      .allEvents()
      .filter(
        (e) => (e.data as { object: { id: string } }).object.id === draft.id,
      ) as unknown as StripeEvent[];

    // Act
    const outcomes = await load(warehouseConnector(wh, stripe), events);

    // Assess
    expect(events.at(-1)?.type).toBe('invoice.deleted');
    expect(outcomes.get(events.at(-1)?.id ?? '')).toMatchObject({ ok: true });
    expect(
      await rows(wh, `SELECT status, deleted FROM {schema}.invoices WHERE id = '${draft.id}'`),
    ).toEqual([{ status: 'draft', deleted: true }]);
    expect((await linesOf(draft.id)).map((l) => l.amount)).toEqual(amounts.slice(0, 10));
  });

  it('keeps the lines an event carried when the invoice is gone from Stripe by the time it loads', async () => {
    // Prepare
    const { stripe, sim } = stripeSim;
    const customer = await cardPayer(stripe);
    const amounts = Array.from({ length: 11 }, (_, i) => 10 * (i + 1));
    const draft = await draftWithLines(stripe, customer.id, amounts);
    const updated = sim.world
      .allEvents()
      .filter(
        (e) =>
          e.type === 'invoice.updated' &&
          (e.data as { object: { id: string } }).object.id === draft.id,
      )
      .at(-1) as unknown as StripeEvent;
    await stripe.invoices.del(draft.id);

    // Act
    await load(warehouseConnector(wh, stripe), [updated]);

    // Assess
    expect(updated.data.object.lines).toMatchObject({ has_more: true });
    expect((await linesOf(draft.id)).map((l) => l.amount)).toEqual(amounts.slice(0, 10));
  });
});
