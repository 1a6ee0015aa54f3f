/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys
 * (`items[0][price]=price_…`, `expand[]=latest_invoice`, `metadata[plan]=gold`), as the SDKs send
 * it, decoded to nested values; and {@link Params}, which reads them with Stripe's 400 errors.
 */
import { invalidParam, missingParam, unknownParam } from './errors.ts';

/** A decoded form value: a string leaf, a nested object or a list. */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

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
  return consumed === rest.length && parts[0] !== '' ? parts : undefined;
}

/**
 * Decodes a form body or query string. Keys that are not well-formed bracket paths are kept as
 * they are, so they reach the unknown-parameter check instead of vanishing.
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
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1] ?? '');
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
  return root;
}

function describe(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Reads request parameters with Stripe's errors: a wrong type names the parameter, a missing
 * required one is `parameter_missing`, and {@link Params.done} refuses any parameter the
 * endpoint never read (`parameter_unknown`), as Stripe does.
 */
export class Params {
  readonly #values: FormObject;
  readonly #prefix: string;
  readonly #read = new Set<string>();

  constructor(values: FormObject, prefix = '') {
    this.#values = values;
    this.#prefix = prefix;
  }

  #name(key: string): string {
    return this.#prefix === '' ? key : `${this.#prefix}[${key}]`;
  }

  /** The value sent under `key` (never one inherited from Object.prototype, like `toString`). */
  #own(key: string): FormValue | undefined {
    return Object.hasOwn(this.#values, key) ? this.#values[key] : undefined;
  }

  #raw(key: string): FormValue | undefined {
    this.#read.add(key);
    return this.#own(key);
  }

  has(key: string): boolean {
    this.#read.add(key);
    return Object.hasOwn(this.#values, key);
  }

  /** How the parameter was sent: absent, a plain string, or a nested object or list. */
  kind(key: string): 'absent' | 'string' | 'object' {
    const value = this.#own(key);
    if (value === undefined) return 'absent';
    return typeof value === 'string' ? 'string' : 'object';
  }

  /** Whether the parameter was sent as an empty string (Stripe's way to unset a field). */
  isEmpty(key: string): boolean {
    return this.#own(key) === '';
  }

  string(key: string): string | undefined {
    const value = this.#raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw invalidParam(this.#name(key), `Invalid string: ${describe(value)}`);
    }
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw missingParam(this.#name(key));
    return value;
  }

  /** A string that must be one of `allowed`. */
  enum<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalidParam(
        this.#name(key),
        `Invalid ${this.#name(key)}: must be one of ${allowed.join(', ')}`,
      );
    }
    return value as T;
  }

  integer(key: string, options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) {
      throw invalidParam(this.#name(key), `Invalid integer: ${value}`, 'parameter_invalid_integer');
    }
    if (options.min !== undefined && number < options.min) {
      throw invalidParam(
        this.#name(key),
        `This value must be greater than or equal to ${options.min}.`,
        'parameter_invalid_integer',
      );
    }
    if (options.max !== undefined && number > options.max) {
      throw invalidParam(
        this.#name(key),
        `This value must be less than or equal to ${options.max}.`,
        'parameter_invalid_integer',
      );
    }
    return number;
  }

  requiredInteger(key: string, options: { min?: number; max?: number } = {}): number {
    const value = this.integer(key, options);
    if (value === undefined) throw missingParam(this.#name(key));
    return value;
  }

  decimal(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) {
      throw invalidParam(this.#name(key), `Invalid decimal: ${value}`);
    }
    return number;
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidParam(this.#name(key), `Invalid boolean: ${value}`);
  }

  /** A nested object, read with its own {@link Params} (its unknown keys are checked by `done`). */
  object(key: string): Params | undefined {
    const value = this.#raw(key);
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParam(this.#name(key), `Invalid object`);
    }
    return new Params(value, this.#name(key));
  }

  /** A list of objects (`items[0][price]=…`), each read with its own {@link Params}. */
  objects(key: string, options: { max?: number } = {}): Params[] | undefined {
    const value = this.#raw(key);
    if (value === undefined || value === '') return undefined;
    const list = Array.isArray(value)
      ? value
      : typeof value === 'object'
        ? Object.values(value)
        : undefined;
    if (list === undefined) throw invalidParam(this.#name(key), `Invalid array`);
    if (options.max !== undefined && list.length > options.max) {
      throw invalidParam(
        this.#name(key),
        `${this.#name(key)} can have at most ${options.max} items.`,
      );
    }
    return list.map((item, index) => {
      if (typeof item !== 'object' || Array.isArray(item)) {
        throw invalidParam(`${this.#name(key)}[${index}]`, `Invalid object`);
      }
      return new Params(item, `${this.#name(key)}[${index}]`);
    });
  }

  /** A list of strings (`expand[]=a&expand[]=b` or `expand[0]=a`). */
  strings(key: string): string[] | undefined {
    const value = this.#raw(key);
    if (value === undefined || value === '') return undefined;
    const list =
      typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.values(value);
    return list.map((item, index) => {
      if (typeof item !== 'string')
        throw invalidParam(`${this.#name(key)}[${index}]`, 'Invalid string');
      return item;
    });
  }

  /** `metadata[k]=v` pairs; an empty value deletes the key, `metadata=` clears them all. */
  metadata(key = 'metadata'): Record<string, string | null> | 'clear' | undefined {
    const value = this.#raw(key);
    if (value === undefined) return undefined;
    if (value === '') return 'clear';
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParam(this.#name(key), 'Invalid object');
    }
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw invalidParam(`${this.#name(key)}[${k}]`, 'Invalid string');
      if (k.length > 40) {
        throw invalidParam(
          `${this.#name(key)}[${k}]`,
          'Metadata keys can be at most 40 characters.',
        );
      }
      out[k] = v === '' ? null : v;
    }
    return out;
  }

  /** Refuses any parameter that was never read: Stripe answers `Received unknown parameter`. */
  done(): void {
    for (const key of Object.keys(this.#values)) {
      if (!this.#read.has(key)) throw unknownParam(this.#name(key));
    }
  }
}

/** Applies a metadata update to the current metadata, as Stripe merges it. */
export function mergeMetadata(
  current: Record<string, string>,
  update: Record<string, string | null> | 'clear' | undefined,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === 'clear') return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
