/** Secrets the simulator makes, as Stripe makes them. */
import { randomBytes } from 'node:crypto';

/** A random signing secret for a new webhook endpoint (`whsec_…`). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}
