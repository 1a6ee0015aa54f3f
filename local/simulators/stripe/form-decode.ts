/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys
 * (`items[0][price]=price_…`, `expand[]=latest_invoice`, `metadata[plan]=gold`), as the SDKs send
 * it, decoded to nested values (read with `Params` from `form.ts`).
 */

/** A decoded form value: a string leaf, a nested object or a list. */
export type FormValue = string | FormObject | FormValue[];
/** A decoded form object (no prototype: every key is one that was sent). */
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * The deepest bracket path decoded (`a[b][c]` is three). Stripe's deepest parameters have seven
 * (`phases[0][items][0][price_data][recurring][interval]`); a deeper key stays a plain key, so
 * it is refused as unknown instead of building a structure too deep to walk or hash.
 */
const MAX_KEY_DEPTH = 32;

function splitKey(key: string): string[] | undefined {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    if (m.index !== consumed) return undefined;
    parts.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  return consumed === rest.length && parts[0] !== '' && parts.length <= MAX_KEY_DEPTH
    ? parts
    : undefined;
}

/**
 * Whether an object's key names a metadata object (`metadata`, `invoice_metadata`), whose keys
 * are any strings: `metadata[1]=a` is the key `'1'`, never a list index.
 */
function isMetadata(key: string): boolean {
  return key === 'metadata' || key.endsWith('_metadata');
}

/**
 * Closes the gaps a sparse index leaves (`expand[3]=a` alone, `items[1][price]=…` without
 * `items[0]`): lists come out dense, in index order, so no reader ever meets a hole.
 */
function compactLists(root: FormObject): void {
  const stack: FormValue[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node === 'string') continue;
    if (Array.isArray(node)) {
      // `forEach` skips holes and visits the indexes in order; writes only go behind it.
      let write = 0;
      node.forEach((item) => {
        node[write++] = item;
      });
      node.length = write;
      for (const item of node) stack.push(item);
    } else {
      for (const value of Object.values(node)) stack.push(value);
    }
  }
}

/**
 * Decodes a form body or query string. Keys that are not well-formed bracket paths are kept as
 * they are, so they reach the unknown-parameter check instead of vanishing. Lists are dense:
 * sparse indexes are closed up in order (`expand[3]=a&expand[7]=b` is `['a', 'b']`). Keys under
 * a metadata object are always object keys, digits included (`items[0][metadata][7]=x`).
 */
export function decodeForm(input: string): FormObject {
  // Objects without a prototype: `__proto__[x]=…` is a key like any other, never a way to
  // change Object.prototype.
  const newObject = (): FormObject => Object.create(null) as FormObject;
  const root = newObject();
  for (const [key, value] of new URLSearchParams(input)) {
    const path = splitKey(key) ?? [key];
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] ?? '';
      const last = i === path.length - 1;
      const next = path[i + 1];
      // `[]` always appends; digits index a list, except as a metadata object's keys.
      const nextIsIndex =
        next !== undefined && (next === '' || (/^\d+$/.test(next) && !isMetadata(segment)));
      if (Array.isArray(node)) {
        const index: number = segment === '' ? node.length : Number(segment);
        if (!Number.isSafeInteger(index) || index > 10_000) break;
        if (last) {
          node[index] = value;
        } else {
          const existing: FormValue | undefined = node[index];
          const child: FormObject | FormValue[] =
            typeof existing === 'object' ? existing : nextIsIndex ? [] : newObject();
          node[index] = child;
          node = child;
        }
      } else {
        if (last) {
          node[segment] = value;
        } else {
          const existing: FormValue | undefined = node[segment];
          const child: FormObject | FormValue[] =
            typeof existing === 'object' ? existing : nextIsIndex ? [] : newObject();
          node[segment] = child;
          node = child;
        }
      }
    }
  }
  compactLists(root);
  return root;
}
