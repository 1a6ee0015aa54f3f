/**
 * Stripe webhook verification: the raw body's `Stripe-Signature` is checked with the Stripe SDK
 * against every active signing secret (several during a rotation), then the body is parsed and
 * checked to be a Stripe event of the deployment's mode.
 */
import Stripe from 'stripe';
import { RejectedRequestError } from '../errors.ts';
import { assertStripeEvent, type StripeEvent } from '../events/types.ts';

/** Why a signature was refused; answered to the sender as `reason`. */
export const SIGNATURE_FAILURE = {
  missing: 'missing_signature',
  malformed: 'malformed_signature',
  mismatch: 'signature_mismatch',
  expired: 'timestamp_outside_tolerance',
} as const;

const MESSAGES: Record<(typeof SIGNATURE_FAILURE)[keyof typeof SIGNATURE_FAILURE], string> = {
  missing_signature:
    'The request has no Stripe-Signature header: send Stripe webhooks to this endpoint unchanged.',
  malformed_signature:
    'The Stripe-Signature header is not of the form t=<timestamp>,v1=<signature>: forward the header exactly as Stripe sent it.',
  signature_mismatch:
    'No signature in the Stripe-Signature header matches the body with any configured signing secret: check that STRIPE_WEBHOOK_SECRET holds this endpoint’s secret and that the body was forwarded unchanged.',
  timestamp_outside_tolerance:
    'The signature is valid but its timestamp is older than the tolerance: check the clock of the sender, or replay the event from Stripe.',
};

function rejection(reason: keyof typeof MESSAGES, cause?: unknown): RejectedRequestError {
  return new RejectedRequestError({ statusCode: 400, reason, message: MESSAGES[reason], cause });
}

function reasonOf(error: unknown): keyof typeof MESSAGES {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Timestamp outside the tolerance zone'))
    return 'timestamp_outside_tolerance';
  if (message.startsWith('No signatures found matching')) return 'signature_mismatch';
  return 'malformed_signature';
}

export interface WebhookVerifierOptions {
  toleranceSeconds: number;
  livemode: boolean;
}

/**
 * Verifies Stripe webhook requests. One per container; it remembers which secret matched last
 * so that during a rotation the current secret is tried first.
 */
export class WebhookVerifier {
  readonly #toleranceSeconds: number;
  readonly #livemode: boolean;
  /** The secret that verified the last event: during a rotation it is tried first. */
  #lastMatched: string | undefined;

  constructor(options: WebhookVerifierOptions) {
    this.#toleranceSeconds = options.toleranceSeconds;
    this.#livemode = options.livemode;
  }

  /**
   * Returns the verified event, or throws a 400-class {@link RejectedRequestError} whose `reason`
   * says which check failed. Nothing is stored before this passes.
   */
  verify(input: {
    rawBody: string;
    signature: string | undefined;
    secrets: readonly string[];
  }): StripeEvent {
    const { rawBody, signature, secrets } = input;
    if (signature === undefined || signature.trim() === '') throw rejection('missing_signature');
    const helper = Stripe.webhooks.signature;
    if (helper === null)
      throw new Error('The Stripe SDK has no signature helper on this platform.');
    let best: unknown;
    let verified = false;
    const last = this.#lastMatched;
    const ordered =
      last !== undefined && secrets[0] !== last && secrets.includes(last)
        ? [last, ...secrets.filter((s) => s !== last)]
        : secrets;
    for (const secret of ordered) {
      try {
        helper.verifyHeader(rawBody, signature, secret, this.#toleranceSeconds);
        verified = true;
        this.#lastMatched = secret;
        break;
      } catch (error) {
        // A matching signature that is too old says more than a mismatch with another secret.
        if (best === undefined || reasonOf(error) === 'timestamp_outside_tolerance') best = error;
      }
    }
    if (!verified) throw rejection(reasonOf(best), best);

    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch (cause) {
      throw new RejectedRequestError({
        statusCode: 400,
        reason: 'not_a_stripe_event',
        message: 'The body is not JSON: send the event exactly as Stripe delivered it.',
        cause,
      });
    }
    const event = assertStripeEvent(parsed);
    if (event.livemode !== this.#livemode) {
      throw new RejectedRequestError({
        statusCode: 400,
        reason: 'livemode_mismatch',
        message: `The event is a ${event.livemode ? 'live' : 'test'}-mode event but this hub runs in ${this.#livemode ? 'live' : 'test'} mode: point this mode's Stripe endpoint here, or set STRIPE_LIVEMODE.`,
        context: { stripeEventId: event.id },
      });
    }
    return event;
  }
}
