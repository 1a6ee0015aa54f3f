/**
 * The simulated org as tests see it: its schema, its records, and what it was asked. Tests read
 * records here directly (`records('Account')`, `record('Account', 'Stripe_Customer_Id__c',
 * 'cus_1')`) instead of spending API calls on checks.
 */
import { CallLog } from './calls.ts';
import { fieldNamed, objectNamed, type SalesforceObject, type SalesforceSchema } from './schema.ts';
import { RecordStore, type StoredRecord } from './store.ts';

/** An org: schema, records and the call log. */
export class SalesforceOrg {
  readonly schema: SalesforceSchema;
  readonly store: RecordStore;
  /** Calls answered: `calls.total`, `calls.byKind.collections`, `calls.entries`. */
  readonly calls = new CallLog();

  constructor(schema: SalesforceSchema) {
    this.schema = schema;
    this.store = new RecordStore(schema);
  }

  /** Every stored record of `type` (copies; DateTimes as ISO strings in UTC, `…Z`). */
  records(type: string): StoredRecord[] {
    return this.store.all(this.#object(type).name).map((r) => ({ ...r }));
  }

  /** The record of `type` whose `field` holds `value`, if one does. */
  record(type: string, field: string, value: string): StoredRecord | undefined {
    const object = this.#object(type);
    const f = fieldNamed(object, field);
    if (!f) throw new Error(`${object.name} has no field ${field}.`);
    const found =
      f.name === 'Id' ? this.store.get(object.name, value) : this.store.findBy(object, f, value)[0];
    return found ? { ...found } : undefined;
  }

  /** Deletes every record (the call log is kept; `calls.reset()` clears it). */
  clear(): void {
    this.store.clear();
  }

  #object(type: string): SalesforceObject {
    const object = objectNamed(this.schema, type);
    if (!object) {
      throw new Error(
        `The org has no object ${type}: it has ${Object.keys(this.schema.objects).join(', ')}.`,
      );
    }
    return object;
  }
}
