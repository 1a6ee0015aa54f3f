/**
 * `expand[]`: replaces an id with the object it names, along dotted paths (`latest_invoice`,
 * `latest_invoice.payment_intent`, `data.customer` on lists), as Stripe does. Expansion is at
 * most four levels deep, Stripe's limit.
 */
import { invalidParam } from './errors.ts';
import type { World } from './world.ts';

const MAX_DEPTH = 4;

function expandPath(world: World, value: unknown, path: string[], full: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => expandPath(world, item, path, full));
  const record = value as Record<string, unknown>;
  if (!(head in record)) {
    throw invalidParam('expand', `This property cannot be expanded (${head}).`);
  }
  let child = record[head];
  if (typeof child === 'string') {
    const target = world.find(child);
    if (target === undefined) {
      throw invalidParam('expand', `This property cannot be expanded (${head}).`);
    }
    child = structuredClone(target);
  }
  record[head] = rest.length === 0 ? child : expandPath(world, child, rest, full);
  return record;
}

/** Returns a copy of `body` with every path in `expand` expanded. */
export function applyExpand(world: World, body: unknown, expand: string[]): unknown {
  if (expand.length === 0) return body;
  let out = structuredClone(body);
  for (const path of expand) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) {
      throw invalidParam(
        'expand',
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
      );
    }
    out = expandPath(world, out, segments, path);
  }
  return out;
}
