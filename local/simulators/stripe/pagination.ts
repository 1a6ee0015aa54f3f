/**
 * Stripe's list parameters: cursor pagination (`limit`, `starting_after`, `ending_before`), newest
 * first or in a list's own order (`pageInOrder`, for lines), and the `created` filter.
 * `World.paginate` is the usual way in; `createdFilter` is re-exported from `world.ts`.
 */
import { invalidParam, resourceMissing } from './errors.ts';
import type { Params } from './form.ts';
import type { ListObject, StripeRecord } from './world.ts';

/**
 * Stripe's cursor pagination over `items`, newest first (`created`, then `seqOf`, the order
 * objects were stored in, for those created in the same second): `limit` (1–100, default 10),
 * `starting_after` and `ending_before`, which must name an object in the list.
 */
export function paginate<T extends StripeRecord>(
  items: T[],
  params: Params,
  url: string,
  seqOf: (id: string) => number,
): ListObject<T> {
  const ordered = [...items].sort((a, b) => {
    const byCreated = ((b.created as number) ?? 0) - ((a.created as number) ?? 0);
    return byCreated !== 0 ? byCreated : seqOf(b.id) - seqOf(a.id);
  });
  return pageInOrder(ordered, params, url, nounOf(items, url));
}

/**
 * Cursor pagination in the list's own order (an invoice's or credit note's lines are listed
 * oldest first, unlike objects); a cursor not in the list is a 404 naming `noun`.
 */
export function pageInOrder<T extends StripeRecord>(
  items: T[],
  params: Params,
  url: string,
  noun: string,
): ListObject<T> {
  const limit = params.integer('limit', { min: 1, max: 100 }) ?? 10;
  const after = params.string('starting_after');
  const before = params.string('ending_before');
  if (after !== undefined && before !== undefined) {
    throw invalidParam(
      'ending_before',
      'You may only specify one of these parameters: ending_before, starting_after.',
    );
  }
  if (after !== undefined) {
    const index = items.findIndex((item) => item.id === after);
    if (index === -1) throw resourceMissing(noun, after, 'starting_after');
    const rest = items.slice(index + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (before !== undefined) {
    const index = items.findIndex((item) => item.id === before);
    if (index === -1) throw resourceMissing(noun, before, 'ending_before');
    const head = items.slice(0, index);
    const page = head.slice(Math.max(0, head.length - limit));
    return { object: 'list', data: page, has_more: head.length > limit, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

function nounOf(items: StripeRecord[], url: string): string {
  return items[0]?.object ?? url.split('/').filter(Boolean).at(-1) ?? 'object';
}

/** Filters by a `created` parameter: a timestamp, or `created[gt|gte|lt|lte]`. */
export function createdFilter(params: Params, key = 'created'): (created: number) => boolean {
  const kind = params.kind(key);
  const range = kind === 'object' ? params.object(key) : undefined;
  if (range === undefined) {
    const exact = params.integer(key);
    return (created) => exact === undefined || created === exact;
  }
  const gt = range.integer('gt');
  const gte = range.integer('gte');
  const lt = range.integer('lt');
  const lte = range.integer('lte');
  range.done();
  return (created) =>
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte);
}
