/**
 * The contract of Stripe's object shapes: Stripe's own OpenAPI fixtures (fixtures3.json) give, per
 * resource, the field set of the API version the SDK is pinned to. `shapeMismatches` says where an
 * object the simulator renders differs from it: keys, and the JSON type of each non-null value.
 */
import { openapiObject } from './stripe.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** How strictly `shapeMismatches` compares. */
export interface ShapeOptions {
  /**
   * Paths (`pricing.price_details`, `data.previous_attributes`) that Stripe renders only in some
   * states: the SDK marks them optional and the fixture omits them. Present or absent, both pass.
   */
  conditional?: readonly string[];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: Json): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}

/** A string id where the other side has the expanded object (`price`, `plan`, `coupon`). */
function isExpandable(a: Json, b: Json): boolean {
  return typeof a === 'string' && isObject(b) && typeof b.id === 'string';
}

function compare(
  expected: JsonObject,
  actual: JsonObject,
  path: string,
  depth: number,
  options: ShapeOptions,
  out: string[],
): void {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const conditional = new Set(options.conditional ?? []);
  for (const key of Object.keys(expected)) {
    if (!(key in actual) && !conditional.has(at(key))) out.push(`missing ${at(key)}`);
  }
  for (const key of Object.keys(actual)) {
    if (!(key in expected) && !conditional.has(at(key))) out.push(`extra ${at(key)}`);
  }
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (got === undefined || got === null || want === null) continue;
    if (isExpandable(got, want) || isExpandable(want, got)) continue;
    if (jsonType(got) !== jsonType(want)) {
      out.push(`${at(key)}: ${jsonType(got)}, fixture has ${jsonType(want)}`);
      continue;
    }
    // A `{}` in the fixture is a type whose fields are all optional; metadata is free-form.
    if (isObject(want) && isObject(got)) {
      if (depth > 0 && key !== 'metadata' && Object.keys(want).length > 0) {
        compare(want, got, at(key), depth - 1, options, out);
      }
    } else if (Array.isArray(want) && Array.isArray(got)) {
      const [first] = want;
      const [mine] = got;
      if (isObject(first) && isObject(mine)) {
        compare(first, mine, `${at(key)}[0]`, depth, options, out);
      }
    }
  }
}

/**
 * Where `object`, as it goes over the wire (JSON), differs from fixtures3.json's `resource`: the
 * same top-level keys, and the same JSON type wherever both values are non-null. Nested objects
 * are compared one level down (`status_transitions.paid_at`), and arrays of objects by their first
 * element at the array's level (`lines.data[0].amount`). Empty when it matches.
 */
export function shapeMismatches(
  resource: string,
  object: unknown,
  options: ShapeOptions = {},
): string[] {
  const wire = JSON.parse(JSON.stringify(object) ?? 'null') as Json;
  if (!isObject(wire)) return [`not an object: ${jsonType(wire)}`];
  const out: string[] = [];
  compare(openapiObject(resource) as JsonObject, wire, '', 1, options, out);
  return out;
}
