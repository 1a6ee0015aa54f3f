/**
 * What the Salesforce connector reads back from Stripe: an object whose snapshot may be stale
 * (an event of the same second was applied before), the object a refund or credit note changes,
 * and a record's Stripe object when Salesforce does not have the record yet.
 */
import type Stripe from 'stripe';
import { httpStatusOf, PermanentError, RetryableError } from '../../errors.ts';
import type { MappableObject, RecordKind } from './mapping.ts';

type Read = (stripe: Stripe, id: string) => Promise<unknown>;

/** How to read each object type the connector maps. */
const READ_OBJECT: Readonly<Record<string, Read>> = {
  customer: (stripe, id) => stripe.customers.retrieve(id),
  subscription: (stripe, id) => stripe.subscriptions.retrieve(id),
  invoice: (stripe, id) => stripe.invoices.retrieve(id),
  payment_intent: (stripe, id) => stripe.paymentIntents.retrieve(id),
  charge: (stripe, id) => stripe.charges.retrieve(id),
};

/** The Stripe object type behind each Salesforce record kind. */
export const OBJECT_OF_KIND: Readonly<Record<RecordKind, string>> = {
  account: 'customer',
  subscription: 'subscription',
  invoice: 'invoice',
  payment: 'payment_intent',
};

/** Whether the connector knows how to read this object type again. */
export function canRead(objectType: string): boolean {
  return Object.hasOwn(READ_OBJECT, objectType);
}

/**
 * Reads an object from Stripe. A deleted or vanished object answers undefined (the caller keeps
 * the event's snapshot); other failures follow Stripe's retry rule.
 */
export async function readObject(input: {
  stripe: Stripe;
  objectType: string;
  id: string;
  stripeEventId: string;
}): Promise<MappableObject | undefined> {
  const read = Object.hasOwn(READ_OBJECT, input.objectType)
    ? READ_OBJECT[input.objectType]
    : undefined;
  if (read === undefined) return undefined;
  try {
    return (await read(input.stripe, input.id)) as MappableObject;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) return undefined;
    const context = { connector: 'salesforce', stripeEventId: input.stripeEventId };
    const message = `Could not read ${input.objectType} ${input.id} from Stripe: ${error instanceof Error ? error.message : String(error)}`;
    if (status !== undefined && status < 500 && status !== 409 && status !== 429) {
      throw new PermanentError(`${message}. Check the hub's Stripe API key and its permissions.`, {
        cause: error,
        context,
      });
    }
    throw new RetryableError(message, { cause: error, context });
  }
}

/** Product names by id, per container: products are renamed rarely, and a name is a label. */
export class ProductNames {
  readonly #names = new Map<string, { name: string; at: number }>();
  readonly #maxAgeMs: number;

  constructor(options: { maxAgeMs?: number } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60 * 1000;
  }

  /**
   * The subscription with each item's product expanded to `{ id, object, name }`, so plan
   * names read as sales know them ("Pro") rather than as price ids. A product that cannot be
   * read stays an id.
   */
  async expand(stripe: Stripe, subscription: MappableObject): Promise<MappableObject> {
    const items = (subscription.items as { data?: { price?: { product?: unknown } }[] } | undefined)
      ?.data;
    if (!items) return subscription;
    const data = await Promise.all(
      items.map(async (item) => {
        const product = item.price?.product;
        if (typeof product !== 'string') return item;
        const name = await this.#name(stripe, product);
        return name === undefined
          ? item
          : {
              ...item,
              price: { ...item.price, product: { id: product, object: 'product', name } },
            };
      }),
    );
    return { ...subscription, items: { ...(subscription.items as object), data } };
  }

  async #name(stripe: Stripe, id: string): Promise<string | undefined> {
    const cached = this.#names.get(id);
    if (cached && Date.now() - cached.at < this.#maxAgeMs) return cached.name;
    try {
      const product = await stripe.products.retrieve(id);
      this.#names.set(id, { name: product.name, at: Date.now() });
      return product.name;
    } catch {
      // A label only: the price's nickname or id stands in.
      return undefined;
    }
  }
}
