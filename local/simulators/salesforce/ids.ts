/**
 * Salesforce record ids: 15 case-sensitive characters (a three-character key prefix naming the
 * object, then instance and sequence characters) and, in the 18-character form the API answers
 * with, a three-character suffix that encodes the case of the first fifteen.
 */
import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The three-character suffix Salesforce appends to a 15-character id. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(flags);
  }
  return suffix;
}

/** Whether `value` has the form of a record id (15 or 18 letters and digits). */
export function looksLikeId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The 18-character form of a 15- or 18-character id; undefined when it is not an id. */
export function to18(value: string): string | undefined {
  if (!looksLikeId(value)) return undefined;
  const id15 = value.slice(0, 15);
  return `${id15}${idSuffix(id15)}`;
}

/** Makes ids for one org: a random start so two simulator runs rarely share an id. */
export class IdFactory {
  #next = randomInt(1_000_000, 100_000_000);
  /** The org's own id (`00D…`). */
  readonly orgId: string;
  /** The integration user's id (`005…`). */
  readonly userId: string;

  constructor() {
    this.orgId = this.next('00D');
    this.userId = this.next('005');
  }

  /** A new 18-character id with the given key prefix. */
  next(keyPrefix: string): string {
    let n = this.#next;
    this.#next += 1;
    let sequence = '';
    for (let i = 0; i < 9; i += 1) {
      sequence = BASE62.charAt(n % 62) + sequence;
      n = Math.floor(n / 62);
    }
    const id15 = `${keyPrefix}Sw0${sequence}`;
    return `${id15}${idSuffix(id15)}`;
  }
}
