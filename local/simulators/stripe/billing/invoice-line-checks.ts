/**
 * Reading and checking the line changes of `POST /v1/invoices/:id/lines/:line_id`,
 * `update_lines` and `add_lines` (split from invoice-line-updates.ts, which applies them): every
 * line is checked before any is changed, so a request is all or nothing.
 */
import { invalidParam, invalidState } from '../errors.ts';
import type { Params } from '../form.ts';
import type { StripeRecord, World } from '../world.ts';
import { checkCurrency } from './currency.ts';
import { checkDiscountSpecs, type DiscountSpec, readDiscounts } from './discounts.ts';
import { itemIdOfLine } from './invoice-lines.ts';
import { readPeriod } from './invoice-requests.ts';
import { readTaxAmounts, type TaxAmountInput } from './invoice-taxes.ts';

/** What a request asks of one line. */
export interface LineUpdate {
  id?: string;
  invoiceItem?: string;
  amount?: number;
  description?: string;
  discountable?: boolean;
  /** `null`: sent empty, the line's discounts are removed. */
  discounts?: DiscountSpec[] | null;
  metadata?: Record<string, string | null> | 'clear';
  period?: { start: number; end: number };
  price?: string;
  quantity?: number;
  /** `null`: sent empty, the line's taxes are removed. */
  taxAmounts?: TaxAmountInput[] | null;
}

/** Reads one line's parameters (`id` for update_lines, `invoice_item` for add_lines). */
export function readLineUpdate(params: Params, kind: 'update' | 'line' | 'add'): LineUpdate {
  const pricing = params.object('pricing');
  const price = pricing?.string('price');
  pricing?.done();
  let discounts: DiscountSpec[] | null | undefined;
  if (params.isEmpty('discounts')) {
    params.string('discounts');
    discounts = null;
  } else {
    discounts = readDiscounts(params);
  }
  const update: LineUpdate = {
    ...(kind === 'update' ? { id: params.requiredString('id') } : {}),
    ...(kind === 'add' ? { invoiceItem: params.string('invoice_item') } : {}),
    amount: params.integer('amount'),
    description: params.string('description'),
    discountable: params.boolean('discountable'),
    discounts,
    metadata: params.metadata(),
    period: readPeriod(params),
    price,
    quantity: params.integer('quantity', { min: 0 }),
    taxAmounts: readTaxAmounts(params),
  };
  params.done();
  return update;
}

/** Refuses line changes on an invoice that is no longer a draft. */
export function assertDraft(invoice: StripeRecord): void {
  if (invoice.status !== 'draft') {
    throw invalidState(
      `You can only update the lines of a draft invoice; this invoice is ${invoice.status as string}.`,
    );
  }
}

/** Checks one line update against the line it changes (nothing is changed yet). */
export function check(
  world: World,
  invoice: StripeRecord,
  line: StripeRecord,
  update: LineUpdate,
  param: string,
): void {
  const fromItem = itemIdOfLine(line) !== null;
  for (const key of ['amount', 'quantity', 'price', 'period'] as const) {
    if (update[key] !== undefined && !fromItem) {
      const name = key === 'price' ? 'pricing[price]' : key;
      throw invalidParam(
        `${param}[${name}]`,
        `You can't update the ${name} of a subscription's line; change the subscription instead.`,
      );
    }
  }
  if (update.price !== undefined) {
    const price = world.get('price', update.price, { param: `${param}[pricing][price]` });
    if (price.currency !== invoice.currency) {
      throw invalidParam(
        `${param}[pricing][price]`,
        `The price's currency (${price.currency as string}) must be the invoice's (${invoice.currency as string}).`,
      );
    }
  }
  checkDiscountSpecs(world, update.discounts ?? undefined, discountCheck(invoice, param));
}

/** How the discounts sent for a line of this invoice are checked. */
function discountCheck(invoice: StripeRecord, param: string) {
  return {
    param: `${param}[discounts]`,
    currency: invoice.currency as string,
    customer: invoice.customer as string,
  };
}

/**
 * Checks the discounts of all lines together (a coupon with one redemption left cannot go on two
 * lines), after each line's own check has named the line at fault.
 */
export function checkAllDiscounts(
  world: World,
  invoice: StripeRecord,
  updates: LineUpdate[],
): void {
  const specs = updates.flatMap((update) => update.discounts ?? []);
  checkDiscountSpecs(world, specs, discountCheck(invoice, 'lines'));
}

/** Checks every line `add_lines` asks for: a pending item of the customer, or a new one. */
export function checkAdds(world: World, invoice: StripeRecord, adds: LineUpdate[]): void {
  adds.forEach((add, i) => {
    const param = `lines[${i}]`;
    if (add.invoiceItem !== undefined) {
      const item = world.get('invoiceitem', add.invoiceItem, { param: `${param}[invoice_item]` });
      if (
        item.customer !== invoice.customer ||
        item.invoice !== null ||
        item.currency !== invoice.currency
      ) {
        throw invalidParam(
          `${param}[invoice_item]`,
          `The invoice item ${item.id} must be a pending item of this invoice's customer, in ${invoice.currency as string}.`,
        );
      }
    } else if (add.amount === undefined && add.price === undefined) {
      throw invalidParam(
        param,
        'Each line needs an `invoice_item`, an `amount` or a `pricing[price]`.',
      );
    } else if (add.price !== undefined) {
      const price = world.get('price', add.price, { param: `${param}[pricing][price]` });
      if (price.currency !== invoice.currency)
        throw invalidParam(
          `${param}[pricing][price]`,
          `The price must be in ${invoice.currency as string}.`,
        );
    }
    checkDiscountSpecs(world, add.discounts ?? undefined, discountCheck(invoice, param));
  });
  checkAllDiscounts(world, invoice, adds);
  if (adds.some((add) => add.invoiceItem === undefined)) {
    const currency = invoice.currency as string;
    checkCurrency(world, { customer: invoice.customer as string, currency, param: 'lines' });
  }
}
