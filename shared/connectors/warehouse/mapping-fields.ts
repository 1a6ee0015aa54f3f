/**
 * Readers for the fields of a Stripe object as the warehouse stores them: ids whether expanded or
 * not, amounts as whole minor units, times as Unix seconds, free-form JSON for SUPER columns. A
 * value of the wrong kind is a {@link MappingError}, so a changed Stripe shape fails loudly.
 */
import { PermanentError } from '../../errors.ts';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One row as staged for COPY: column name to value (times as Unix seconds, SUPER as JSON). */
export type Row = Record<string, JsonValue>;

/** A Stripe object's fields, read loosely (the snapshot is untyped JSON). */
export type Fields = Record<string, unknown>;

/** An event the warehouse cannot turn into rows; it fails alone, the rest of the batch loads. */
export class MappingError extends PermanentError {}

/** Where a value came from, for the error message. */
export interface FieldPath {
  object: string;
  field: string;
}

function wrong(at: FieldPath, wanted: string, value: unknown): MappingError {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return new MappingError(
    `${at.object}.${at.field} is ${kind}, not ${wanted}: the event does not have the shape the warehouse maps. Check the event's API version against the one the hub declares.`,
    { context: { connector: 'warehouse' } },
  );
}

/** Reads nested fields (`status_transitions.paid_at`) without failing on missing levels. */
export function dig(object: Fields, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Fields)[part];
  }
  return current;
}

/** A typed view of one object's fields, naming the object in every error. */
export class Reader {
  constructor(
    readonly fields: Fields,
    private readonly objectName: string,
  ) {}

  private at(field: string): FieldPath {
    return { object: this.objectName, field };
  }

  /** The first of `paths` that is present (not undefined and not null). */
  raw(...paths: string[]): unknown {
    for (const path of paths) {
      const value = dig(this.fields, path);
      if (value !== undefined && value !== null) return value;
    }
    return null;
  }

  /** Text, or null. Numbers and booleans are written as text; objects are an error. */
  text(...paths: string[]): string | null {
    const value = this.raw(...paths);
    if (value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw wrong(this.at(paths.join(' | ')), 'text', value);
  }

  /** A Stripe id, whether the field holds the id or the expanded object. */
  id(...paths: string[]): string | null {
    const value = this.raw(...paths);
    if (value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && typeof (value as Fields).id === 'string') {
      return (value as Fields).id as string;
    }
    throw wrong(this.at(paths.join(' | ')), 'an id or an object with an id', value);
  }

  /** A whole number (amounts in minor units, quantities, counts), or null. */
  int(...paths: string[]): number | null {
    const value = this.raw(...paths);
    if (value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw wrong(this.at(paths.join(' | ')), 'a whole number', value);
  }

  /** A Unix time in seconds (COPY reads it with TIMEFORMAT 'epochsecs'), or null. */
  time(...paths: string[]): number | null {
    return this.int(...paths);
  }

  bool(...paths: string[]): boolean | null {
    const value = this.raw(...paths);
    if (value === null) return null;
    if (typeof value === 'boolean') return value;
    throw wrong(this.at(paths.join(' | ')), 'true or false', value);
  }

  /** An ISO currency code in lower case, as Stripe writes it; anything else is null. */
  currency(...paths: string[]): string | null {
    const value = this.text(...paths);
    return value !== null && /^[a-z]{3}$/i.test(value) ? value.toLowerCase() : null;
  }

  /** A JSON value for a SUPER column (metadata), or null. */
  json(...paths: string[]): JsonValue {
    return (this.raw(...paths) ?? null) as JsonValue;
  }

  /** The items of a list object (`lines`, `items`) and whether Stripe has more pages of it. */
  list(path: string): { data: Fields[]; hasMore: boolean } {
    const value = this.raw(path);
    if (value === null) return { data: [], hasMore: false };
    if (typeof value !== 'object' || !Array.isArray((value as Fields).data)) {
      throw wrong(this.at(path), 'a list object', value);
    }
    const list = value as { data: unknown[]; has_more?: unknown };
    return {
      data: list.data.filter((item): item is Fields => typeof item === 'object' && item !== null),
      hasMore: list.has_more === true,
    };
  }
}
