/**
 * The Stripe API version the hub's webhook endpoint expects: the pinned `stripe` SDK's own.
 * Create the Stripe webhook endpoint with this version. Events of other versions are still
 * recorded and routed; a connector that cannot map one refuses it with a clear reason.
 */
import Stripe from 'stripe';

export const STRIPE_API_VERSION: string = Stripe.API_VERSION;

/** Whether an event was rendered with the version the hub declares. */
export function isDeclaredApiVersion(apiVersion: string | null): boolean {
  return apiVersion === STRIPE_API_VERSION;
}
