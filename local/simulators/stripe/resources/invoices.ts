/**
 * `/v1/invoices` (create, retrieve, update, delete, list; finalize, pay, void,
 * mark_uncollectible, send; lines, update_lines, add_lines, remove_lines) and
 * `/v1/invoice_payments`. The billing engine behind them is in billing/invoicing.ts.
 */
import {
  assertPayable,
  markUncollectible,
  NO_PAYMENT_METHOD,
  paymentError,
  send,
} from '../billing/invoice-lifecycle.ts';
import { readLineUpdate } from '../billing/invoice-line-checks.ts';
import { addLines, removeLines, updateLine, updateLines } from '../billing/invoice-line-updates.ts';
import { linesOf } from '../billing/invoice-lines.ts';
import {
  defaultPaymentMethod,
  followPaymentIntents,
  includePayments,
} from '../billing/invoice-payments.ts';
import {
  createRequest,
  listRequest,
  removeRequest,
  updateRequest,
} from '../billing/invoice-requests.ts';
import { missing } from '../billing/invoice-taxes.ts';
import { finalizeInvoice, payInvoice, voidInvoice } from '../billing/invoicing.ts';
import { missingParam, STRIPE_ERROR_TYPES, StripeApiError } from '../errors.ts';
import type { Params } from '../form.ts';
import type { Route, SimRequest } from '../router.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import { linesRoute, pathId, retrieve } from './common.ts';

type Handler = (world: World, invoice: StripeRecord, params: Params) => StripeRecord;

function invoiceOf(request: SimRequest): StripeRecord {
  return request.world.get('invoice', pathId(request));
}

/**
 * `POST /v1/invoices/:id/pay`: a paid or void invoice, a missing or unusable payment method are
 * 400s that change nothing (a draft stays a draft); a decline is Stripe's 402.
 */
function pay(world: World, invoice: StripeRecord, params: Params): StripeRecord {
  const method = params.string('payment_method');
  const paidOutOfBand = params.boolean('paid_out_of_band') ?? false;
  const offSession = params.boolean('off_session');
  params.boolean('forgive');
  params.string('mandate');
  params.done();
  assertPayable(invoice);
  const due = (invoice.amount_remaining as number) > 0;
  if (!paidOutOfBand && due && method === undefined && !defaultPaymentMethod(world, invoice)) {
    throw new StripeApiError({
      status: 400,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      code: 'resource_missing',
      message: NO_PAYMENT_METHOD,
    });
  }
  const result = payInvoice(world, invoice, {
    ...(method === undefined ? {} : { paymentMethod: method }),
    paidOutOfBand,
    ...(offSession === undefined ? {} : { offSession }),
    manual: true,
  });
  if (result.outcome === 'failed' && result.error) throw paymentError(world, invoice, result.error);
  return invoice;
}

/** `POST /v1/invoices/:id/<action>`. */
const ACTIONS: Record<string, Handler> = {
  finalize: (world, invoice, params) => {
    const autoAdvance = params.boolean('auto_advance');
    params.done();
    if (autoAdvance !== undefined && invoice.status === 'draft') invoice.auto_advance = autoAdvance;
    finalizeInvoice(world, invoice);
    return invoice;
  },
  pay,
  void: (world, invoice, params) => {
    params.done();
    voidInvoice(world, invoice);
    return invoice;
  },
  mark_uncollectible: (world, invoice, params) => {
    params.done();
    markUncollectible(world, invoice);
    return invoice;
  },
  send: (world, invoice, params) => {
    params.done();
    send(world, invoice);
    return invoice;
  },
};

/** `update_lines`, `add_lines` and `remove_lines`: all lines checked, then one invoice.updated. */
function lineAction(action: 'update_lines' | 'add_lines' | 'remove_lines'): Handler {
  return (world, invoice, params) => {
    const metadata = params.metadata('invoice_metadata');
    const entries = params.objects('lines', { max: 50 });
    if (entries === undefined) throw missingParam('lines');
    if (action === 'remove_lines') {
      const removals = entries.map((entry) => {
        const removal = {
          id: entry.requiredString('id'),
          behavior:
            entry.enum('behavior', ['delete', 'unassign'] as const) ?? missing(entry, 'behavior'),
        };
        entry.done();
        return removal;
      });
      params.done();
      removeLines(world, invoice, removals, metadata);
      return invoice;
    }
    const updates = entries.map((entry) =>
      readLineUpdate(entry, action === 'update_lines' ? 'update' : 'add'),
    );
    params.done();
    if (action === 'update_lines') updateLines(world, invoice, updates, metadata);
    else addLines(world, invoice, updates, metadata);
    return invoice;
  };
}

function listPayments(world: World, params: Params): unknown {
  const invoice = params.string('invoice');
  const status = params.enum('status', ['canceled', 'open', 'paid'] as const);
  const payment = params.object('payment');
  const type = payment?.enum('type', ['payment_intent', 'payment_record'] as const);
  const intent = payment?.string('payment_intent');
  payment?.done();
  const created = createdFilter(params);
  const page = world.paginate(
    world.all('invoice_payment').filter((p) => {
      const details = p.payment as { type: string; payment_intent?: string };
      return (
        (invoice === undefined || p.invoice === invoice) &&
        (status === undefined || p.status === status) &&
        (type === undefined || details.type === type) &&
        (intent === undefined || details.payment_intent === intent) &&
        created(p.created as number)
      );
    }),
    params,
    '/v1/invoice_payments',
  );
  params.done();
  return page;
}

/**
 * Invoices, their lines and invoice payments; registers how invoices follow their payments, and
 * their `payments`, shown only when expanded.
 */
export function invoiceRoutes(world: World): Route[] {
  followPaymentIntents(world);
  includePayments(world);
  const one = (fn: Handler) => (request: SimRequest) =>
    fn(request.world, invoiceOf(request), request.params);
  return [
    {
      method: 'POST',
      path: '/v1/invoices',
      handle: ({ world: w, params }) => createRequest(w, params),
    },
    {
      method: 'GET',
      path: '/v1/invoices/:id',
      handle: one((_w, invoice, params) => {
        params.done();
        return invoice;
      }),
    },
    { method: 'POST', path: '/v1/invoices/:id', handle: one(updateRequest) },
    {
      method: 'DELETE',
      path: '/v1/invoices/:id',
      handle: (request) => {
        request.params.done();
        return removeRequest(request.world, invoiceOf(request));
      },
    },
    {
      method: 'GET',
      path: '/v1/invoices',
      handle: ({ world: w, params }) => listRequest(w, params),
    },
    ...Object.entries(ACTIONS).map(([action, fn]) => ({
      method: 'POST' as const,
      path: `/v1/invoices/:id/${action}`,
      handle: one(fn),
    })),
    ...(['update_lines', 'add_lines', 'remove_lines'] as const).map((action) => ({
      method: 'POST' as const,
      path: `/v1/invoices/:id/${action}`,
      handle: one(lineAction(action)),
    })),
    linesRoute('/v1/invoices', invoiceOf, linesOf, 'invoice line item'),
    {
      method: 'POST',
      path: '/v1/invoices/:id/lines/:line_id',
      handle: (request) => {
        const invoice = invoiceOf(request);
        const update = readLineUpdate(request.params, 'line');
        return updateLine(request.world, invoice, pathId(request, 'line_id'), update);
      },
    },
    {
      method: 'GET',
      path: '/v1/invoice_payments',
      handle: ({ world: w, params }) => listPayments(w, params),
    },
    {
      method: 'GET',
      path: '/v1/invoice_payments/:id',
      handle: retrieve('invoice_payment', 'invoice payment'),
    },
  ];
}
