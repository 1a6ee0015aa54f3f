/** Stripe events for tests, built on Stripe's own example objects. */
import type { StripeEvent } from '../../shared/events/types.ts';
import { buildEvent, openapiObject } from './stripe.ts';

/**
 * A `<resource>.updated` event about Stripe's example object of that resource with `fields` set
 * over it, emitted at `created` (what connectors order and deduplicate events by).
 */
export function updatedEvent(options: {
  resource: 'customer' | 'invoice';
  fields: Record<string, unknown>;
  created: number;
}): StripeEvent {
  const object = openapiObject(options.resource);
  Object.assign(object, options.fields);
  return buildEvent({ type: `${options.resource}.updated`, object, created: options.created });
}
