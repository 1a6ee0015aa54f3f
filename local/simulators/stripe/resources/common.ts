/**
 * Helpers every resource module uses: path ids, updates that emit `*.updated`, deletions, and
 * the routes that list an object's lines.
 */

import { changedSince } from '../billing/diff.ts';
import { invalidParam } from '../errors.ts';
import { pageInOrder } from '../pagination.ts';
import type { Route, SimRequest } from '../router.ts';
import type { StripeRecord, World } from '../world.ts';

/** The `:name` segment of the request path. */
export function pathId(request: SimRequest, name = 'id'): string {
  const value = request.pathParams[name];
  if (value === undefined || value === '') throw invalidParam(name, `Missing ${name} in the path.`);
  return value;
}

/** A GET of one object: no parameters but `expand`. */
export function retrieve(type: string, noun?: string): (request: SimRequest) => StripeRecord {
  return (request) => {
    request.params.done();
    return request.world.get(type, pathId(request), noun === undefined ? {} : { noun });
  };
}

/**
 * Applies `changes` to `object` and, when anything really changed, emits `eventType` with
 * `previous_attributes` holding the old values of the changed fields, as Stripe does.
 */
export function applyChanges(
  world: World,
  object: StripeRecord,
  changes: Record<string, unknown>,
  eventType: string,
): Record<string, unknown> {
  const before = structuredClone(object);
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) object[key] = value;
  }
  const previous = changedSince(before, object);
  if (Object.keys(previous).length > 0) world.emit(eventType, object, previous);
  return previous;
}

/** What Stripe answers to a DELETE: `{id, object, deleted: true}`. */
export function deletedObject(object: StripeRecord): StripeRecord {
  return { id: object.id, object: object.object, deleted: true };
}

/**
 * `GET <base>/:id/lines`: a page of the lines of the object `parentOf` finds, oldest first; a
 * cursor that is not one of them is a 404 naming `noun`.
 */
export function linesRoute(
  base: string,
  parentOf: (request: SimRequest) => StripeRecord,
  linesOf: (world: World, parentId: string) => StripeRecord[],
  noun: string,
): Route {
  return {
    method: 'GET',
    path: `${base}/:id/lines`,
    handle: (request) => {
      const parent = parentOf(request);
      const url = `${base}/${parent.id}/lines`;
      const page = pageInOrder(linesOf(request.world, parent.id), request.params, url, noun);
      request.params.done();
      return page;
    },
  };
}
