/**
 * The org's records, in memory: typed values keyed by field API name, indexes on external-id and
 * unique fields (so upserts stay fast with many records), and an undo log so an `allOrNone`
 * collection call can roll back what it already wrote.
 */
import { IdFactory, to18 } from './ids.ts';
import type { SalesforceField, SalesforceObject, SalesforceSchema } from './schema.ts';

/**
 * A stored value: text, a number, a boolean, a Date as `2026-01-31`, a DateTime as an ISO string
 * in UTC (`2026-01-01T00:00:00.000Z`), an id, or null.
 */
export type StoredValue = string | number | boolean | null;

/** A stored record; `Id`, `CreatedDate`, `LastModifiedDate` and `SystemModstamp` always set. */
export type StoredRecord = Record<string, StoredValue> & { Id: string };

interface Undo {
  object: string;
  id: string;
  before: StoredRecord | undefined;
}

/** Records of every object of a schema. */
export class RecordStore {
  readonly ids = new IdFactory();
  readonly #schema: SalesforceSchema;
  readonly #records = new Map<string, Map<string, StoredRecord>>();
  /** object → field → key → ids. */
  readonly #indexes = new Map<string, Map<string, Map<string, Set<string>>>>();
  #undo: Undo[] | undefined;
  readonly #now: () => Date;

  constructor(schema: SalesforceSchema, now: () => Date = () => new Date()) {
    this.#schema = schema;
    this.#now = now;
    for (const object of Object.values(schema.objects)) {
      this.#records.set(object.name, new Map());
      const indexes = new Map<string, Map<string, Set<string>>>();
      for (const field of Object.values(object.fields)) {
        if (field.externalId || field.unique) indexes.set(field.name, new Map());
      }
      this.#indexes.set(object.name, indexes);
    }
  }

  /** The record of `object` with this 15- or 18-character id. */
  get(object: string, id: string): StoredRecord | undefined {
    const full = to18(id);
    return full === undefined ? undefined : this.#records.get(object)?.get(full);
  }

  /** The object whose key prefix starts `id`. */
  objectOfId(id: string): SalesforceObject | undefined {
    const prefix = id.slice(0, 3);
    return Object.values(this.#schema.objects).find((o) => o.keyPrefix === prefix);
  }

  /** Every record of `object`, oldest first. */
  all(object: string): StoredRecord[] {
    return [...(this.#records.get(object)?.values() ?? [])];
  }

  /** The records whose `field` holds `value` (case-insensitively unless the field says not). */
  findBy(object: SalesforceObject, field: SalesforceField, value: StoredValue): StoredRecord[] {
    if (value === null) return [];
    const key = indexKey(field, value);
    const index = this.#indexes.get(object.name)?.get(field.name);
    if (index) {
      return [...(index.get(key) ?? [])].flatMap((id) => this.get(object.name, id) ?? []);
    }
    return this.all(object.name).filter((r) => {
      const stored = r[field.name];
      return stored !== null && stored !== undefined && indexKey(field, stored) === key;
    });
  }

  /**
   * Creates a record with a new id and the audit fields set; `fromId` gives defaults that depend
   * on the id (a custom object's Name). Returns the record.
   */
  insert(
    object: SalesforceObject,
    values: Record<string, StoredValue>,
    fromId: (id: string) => Record<string, StoredValue> = () => ({}),
  ): StoredRecord {
    const now = this.#now().toISOString();
    const id = this.ids.next(object.keyPrefix);
    const record: StoredRecord = {
      ...fromId(id),
      ...values,
      Id: id,
      CreatedDate: now,
      LastModifiedDate: now,
      SystemModstamp: now,
    };
    this.#write(object, id, record, undefined);
    return record;
  }

  /** Changes the fields of an existing record; returns it. */
  update(object: SalesforceObject, id: string, values: Record<string, StoredValue>): StoredRecord {
    const before = this.get(object.name, id);
    if (!before) throw new Error(`No ${object.name} ${id} to update.`);
    const now = this.#now().toISOString();
    const record: StoredRecord = {
      ...before,
      ...values,
      Id: before.Id,
      LastModifiedDate: now,
      SystemModstamp: now,
    };
    this.#write(object, before.Id, record, before);
    return record;
  }

  /** Deletes every record (tests start over). */
  clear(): void {
    for (const records of this.#records.values()) records.clear();
    for (const indexes of this.#indexes.values())
      for (const index of indexes.values()) index.clear();
  }

  /**
   * Runs `work` and keeps its writes unless it asks for a rollback: the writes of a call whose
   * `allOrNone` failed are undone in reverse order.
   */
  transaction<T>(work: () => { result: T; rollback: boolean }): T {
    if (this.#undo !== undefined) throw new Error('Transactions do not nest.');
    this.#undo = [];
    try {
      const { result, rollback } = work();
      if (rollback) this.#rollback();
      return result;
    } catch (error) {
      this.#rollback();
      throw error;
    } finally {
      this.#undo = undefined;
    }
  }

  #rollback(): void {
    const undo = this.#undo ?? [];
    this.#undo = undefined;
    for (const step of undo.reverse()) {
      const object = this.#schema.objects[step.object];
      if (!object) continue;
      this.#unindex(object, step.id);
      const records = this.#records.get(object.name);
      if (step.before) {
        records?.set(step.id, step.before);
        this.#index(object, step.before);
      } else {
        records?.delete(step.id);
      }
    }
    this.#undo = [];
  }

  #write(
    object: SalesforceObject,
    id: string,
    record: StoredRecord,
    before: StoredRecord | undefined,
  ) {
    this.#undo?.push({ object: object.name, id, before });
    if (before) this.#unindex(object, id);
    this.#records.get(object.name)?.set(id, record);
    this.#index(object, record);
  }

  #index(object: SalesforceObject, record: StoredRecord): void {
    for (const [fieldName, index] of this.#indexes.get(object.name) ?? []) {
      const field = object.fields[fieldName];
      const value = record[fieldName];
      if (!field || value === null || value === undefined) continue;
      const key = indexKey(field, value);
      let ids = index.get(key);
      if (!ids) {
        ids = new Set();
        index.set(key, ids);
      }
      ids.add(record.Id);
    }
  }

  #unindex(object: SalesforceObject, id: string): void {
    const record = this.#records.get(object.name)?.get(id);
    if (!record) return;
    for (const [fieldName, index] of this.#indexes.get(object.name) ?? []) {
      const field = object.fields[fieldName];
      const value = record[fieldName];
      if (!field || value === null || value === undefined) continue;
      const key = indexKey(field, value);
      index.get(key)?.delete(id);
      if (index.get(key)?.size === 0) index.delete(key);
    }
  }
}

function indexKey(field: SalesforceField, value: StoredValue): string {
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}
