/** `/v1/credit_notes`: create, retrieve, update (memo, metadata), void, list, lines. */
import { type CreditLineInput, creditNoteLines } from '../billing/invoice-credit-lines.ts';
import {
  type CreditNoteInput,
  issueCreditNote,
  voidCreditNote,
} from '../billing/invoice-credit-notes.ts';
import { mergeMetadata, type Params } from '../form.ts';
import type { Route } from '../router.ts';
import { createdFilter, type StripeRecord, type World } from '../world.ts';
import { applyChanges, linesRoute, pathId, retrieve } from './common.ts';

const NOUN = 'credit note';
const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const;
const LINE_TYPES = ['invoice_line_item', 'custom_line_item'] as const;

function readLines(params: Params): CreditLineInput[] | undefined {
  return params.objects('lines', { max: 100 })?.map((entry) => {
    const type = entry.enum('type', LINE_TYPES);
    const line: CreditLineInput = {
      type: type ?? (entry.requiredString('type') as never),
      ...optional('invoiceLineItem', entry.string('invoice_line_item')),
      ...optional('quantity', entry.integer('quantity', { min: 0 })),
      ...optional('amount', entry.integer('amount', { min: 0 })),
      ...optional('unitAmount', entry.integer('unit_amount', { min: 0 })),
      ...optional('description', entry.string('description')),
    };
    const decimal = entry.decimal('unit_amount_decimal');
    if (line.unitAmount === undefined && decimal !== undefined)
      line.unitAmount = Math.round(decimal);
    const metadata = entry.metadata();
    if (metadata !== undefined) line.metadata = mergeMetadata({}, metadata);
    entry.done();
    return line;
  });
}

/** `{key: value}` when the value was sent, `{}` otherwise (for optional input fields). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function create(world: World, params: Params): StripeRecord {
  const invoiceId = params.requiredString('invoice');
  const metadata = params.metadata();
  const input: CreditNoteInput = {
    ...optional('lines', readLines(params)),
    ...optional('amount', params.integer('amount', { min: 0 })),
    ...optional('reason', params.enum('reason', REASONS)),
    ...optional('memo', params.string('memo')),
    ...optional('refundAmount', params.integer('refund_amount', { min: 0 })),
    ...optional('creditAmount', params.integer('credit_amount', { min: 0 })),
    ...optional('outOfBandAmount', params.integer('out_of_band_amount', { min: 0 })),
    ...optional('effectiveAt', params.integer('effective_at')),
    ...(metadata === undefined ? {} : { metadata: mergeMetadata({}, metadata) }),
  };
  params.enum('email_type', ['credit_note', 'none'] as const);
  params.done();
  const invoice = world.get('invoice', invoiceId, { param: 'invoice' });
  return issueCreditNote(world, invoice, input);
}

function list(world: World, params: Params): unknown {
  const invoice = params.string('invoice');
  const customer = params.string('customer');
  const created = createdFilter(params);
  const page = world.paginate(
    world
      .all('credit_note')
      .filter(
        (cn) =>
          (invoice === undefined || cn.invoice === invoice) &&
          (customer === undefined || cn.customer === customer) &&
          created(cn.created as number),
      ),
    params,
    '/v1/credit_notes',
  );
  params.done();
  return page;
}

/** Credit notes. */
export function creditNoteRoutes(): Route[] {
  const noteOf = (world: World, id: string) => world.get('credit_note', id, { noun: NOUN });
  return [
    {
      method: 'POST',
      path: '/v1/credit_notes',
      handle: ({ world, params }) => create(world, params),
    },
    { method: 'GET', path: '/v1/credit_notes/:id', handle: retrieve('credit_note', NOUN) },
    {
      method: 'POST',
      path: '/v1/credit_notes/:id',
      handle: (request) => {
        const creditNote = noteOf(request.world, pathId(request));
        const memo = request.params.string('memo');
        const metadata = request.params.metadata();
        request.params.done();
        applyChanges(
          request.world,
          creditNote,
          {
            memo,
            metadata:
              metadata === undefined
                ? undefined
                : mergeMetadata(creditNote.metadata as Record<string, string>, metadata),
          },
          'credit_note.updated',
        );
        return creditNote;
      },
    },
    {
      method: 'POST',
      path: '/v1/credit_notes/:id/void',
      handle: (request) => {
        request.params.done();
        return voidCreditNote(request.world, noteOf(request.world, pathId(request)));
      },
    },
    { method: 'GET', path: '/v1/credit_notes', handle: ({ world, params }) => list(world, params) },
    linesRoute(
      '/v1/credit_notes',
      (request) => noteOf(request.world, pathId(request)),
      creditNoteLines,
      'credit note line item',
    ),
  ];
}
