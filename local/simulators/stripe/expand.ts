/**
 * `expand[]`: replaces an id with the object it names, along dotted paths (`latest_invoice`,
 * `latest_invoice.payment_intent`, `data.customer` on lists), as Stripe does. Expansion is at
 * most four levels deep, Stripe's limit. Only a field holding the id of a stored object (or a
 * list of such ids, like `discounts`) can be expanded, or an includable field: one Stripe renders
 * only when expanded (`payments` on an invoice), which a billing module registers with
 * {@link registerIncludable} and which can be walked through like any other
 * (`latest_invoice.payments`, `data.payments`, `payments.data.payment.payment_intent`). `id`,
 * `object`, plain values, other nested objects and inherited names (`constructor`) are refused
 * with Stripe's 400, and a null id stays null.
 */
import { invalidParam, type StripeApiError } from './errors.ts';
import type { StripeRecord, World } from './world.ts';

const MAX_DEPTH = 4;

/** Fields that hold an id but are the object's own identity, never a reference to expand. */
const NOT_EXPANDABLE = new Set(['id', 'object']);

/** What an includable field holds for `object` when it is expanded (a list, for one). */
export type Includable = (world: World, object: StripeRecord) => unknown;

/** The world's includable fields, by `'<object>.<field>'` (`invoice.payments`). */
function includables(world: World): Map<string, Includable> {
  return world.state('expand.includables', () => new Map<string, Includable>());
}

/**
 * Registers a field Stripe renders only when it is expanded: `key` is `'<object>.<field>'`
 * (`invoice.payments`), and `include` gives its value for the object being rendered.
 */
export function registerIncludable(world: World, key: string, include: Includable): void {
  includables(world).set(key, include);
}

function cannotExpand(field: string): StripeApiError {
  return invalidParam('expand', `This property cannot be expanded (${field}).`);
}

/** Whether `value` is a Stripe list object (`{object: 'list', data, …}`). */
function isList(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { object?: unknown }).object === 'list'
  );
}

/** One `applyExpand` call: the world, and the objects its earlier paths already expanded. */
interface Expansion {
  world: World;
  expanded: WeakSet<object>;
}

/**
 * The object the id `value` names (a copy), or `value` itself when an earlier path of the same
 * request expanded it already (`expand[]=latest_invoice.payment_intent&expand[]=latest_invoice`).
 */
function expandId(context: Expansion, value: unknown, field: string): unknown {
  if (typeof value === 'object' && value !== null && context.expanded.has(value)) return value;
  const target = typeof value === 'string' ? context.world.find(value) : undefined;
  if (target === undefined) throw cannotExpand(field);
  // A deleted object expands to what Stripe still shows of it: `{id, object, deleted: true}`.
  const copy =
    target.deleted === true
      ? { id: target.id, object: target.object, deleted: true }
      : structuredClone(target);
  context.expanded.add(copy);
  return copy;
}

function expandPath(context: Expansion, value: unknown, path: string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => expandPath(context, item, path));
  const record = value as Record<string, unknown>;
  const include =
    typeof record.object === 'string'
      ? includables(context.world).get(`${record.object}.${head}`)
      : undefined;
  if (include !== undefined) {
    // Included once (an earlier path may have already), as a copy: expanding within it must
    // never change the stored objects it shows. Then it is left as is, or walked through.
    if (!Object.hasOwn(record, head))
      record[head] = structuredClone(include(context.world, record as StripeRecord));
    if (rest.length === 0) return record;
  }
  if (!Object.hasOwn(record, head) || NOT_EXPANDABLE.has(head)) throw cannotExpand(head);
  const child = record[head];
  if (child === null) return record;
  // A list's own fields are never ids: only a path through `data` (`data.customer`) expands.
  if (rest.length === 0 && isList(record)) throw cannotExpand(head);
  if (rest.length === 0) {
    record[head] = Array.isArray(child)
      ? child.map((item) => expandId(context, item, head))
      : expandId(context, child, head);
    return record;
  }
  // Walking through: an id is expanded on the way, an embedded object or list is entered.
  const enter = (item: unknown) =>
    typeof item === 'string' ? expandId(context, item, head) : item;
  const next = Array.isArray(child) ? child.map(enter) : enter(child);
  if (typeof next !== 'object') throw cannotExpand(head);
  record[head] = expandPath(context, next, rest);
  return record;
}

/** Returns a copy of `body` with every path in `expand` expanded. */
export function applyExpand(world: World, body: unknown, expand: string[]): unknown {
  if (expand.length === 0) return body;
  let out = structuredClone(body);
  const context: Expansion = { world, expanded: new WeakSet() };
  for (const path of expand) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) {
      throw invalidParam(
        'expand',
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
      );
    }
    out = expandPath(context, out, segments);
  }
  return out;
}
