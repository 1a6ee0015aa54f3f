/**
 * Request parameters: {@link Params} reads the decoded form (`form-decode.ts`, re-exported here)
 * with Stripe's 400 errors, and {@link mergeMetadata} applies a metadata update as Stripe does.
 */
import { invalidParam, missingParam, unknownParam } from './errors.ts';
import type { FormObject, FormValue } from './form-decode.ts';

/** The decoder, re-exported: the server and tests read forms through this module. */
export { decodeForm, type FormObject, type FormValue } from './form-decode.ts';

/** Stripe's metadata limits: https://docs.stripe.com/api/metadata. */
const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

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

  /** Whether the parameter was sent (and marks it read). */
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

  /** A string parameter; anything else is a 400 naming it. */
  string(key: string): string | undefined {
    const value = this.#raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw invalidParam(this.#name(key), `Invalid string: ${describe(value)}`);
    }
    return value;
  }

  /** A string parameter that must be sent and not empty (`parameter_missing` otherwise). */
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

  /** A whole number, within `min`/`max` when given (`parameter_invalid_integer` otherwise). */
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

  /** An {@link Params.integer} that must be sent. */
  requiredInteger(key: string, options: { min?: number; max?: number } = {}): number {
    const value = this.integer(key, options);
    if (value === undefined) throw missingParam(this.#name(key));
    return value;
  }

  /** A decimal number, such as `unit_amount_decimal` or `percent_off`. */
  decimal(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) {
      throw invalidParam(this.#name(key), `Invalid decimal: ${value}`);
    }
    return number;
  }

  /** `true` or `false`, as Stripe's form encoding sends booleans. */
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

  /**
   * `metadata[k]=v` pairs; an empty value deletes the key, `metadata=` clears them all. Stripe's
   * limits hold: at most 50 keys set at once, keys up to 40 characters, values up to 500 (the
   * total after merging with the object's current metadata is not checked).
   */
  metadata(key = 'metadata'): Record<string, string | null> | 'clear' | undefined {
    const value = this.#raw(key);
    if (value === undefined) return undefined;
    if (value === '') return 'clear';
    const name = this.#name(key);
    if (typeof value !== 'object' || Array.isArray(value))
      throw invalidParam(name, 'Invalid object');
    const out: Record<string, string | null> = {};
    const { keys, keyLength, valueLength } = METADATA_LIMITS;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw invalidParam(`${name}[${k}]`, 'Invalid string');
      if (k.length > keyLength) {
        throw invalidParam(
          name,
          `Metadata keys can have up to ${keyLength} characters, but you passed in a key that is ${k.length} characters. Invalid key: ${k}`,
        );
      }
      if (v.length > valueLength) {
        throw invalidParam(
          name,
          `Metadata values can have up to ${valueLength} characters, but you passed in a value that is ${v.length} characters. Invalid value: ${v}`,
        );
      }
      out[k] = v === '' ? null : v;
    }
    const set = Object.values(out).filter((v) => v !== null).length;
    if (set > keys) {
      throw invalidParam(name, `Metadata can have up to ${keys} keys, but you've set ${set}.`);
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
