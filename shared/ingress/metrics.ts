/**
 * The ingress's CloudWatch metrics (Powertools EMF). The stack alarms on them: a burst of
 * refused signatures usually means the signing secret in Secrets Manager is wrong, which no 5xx
 * alarm would catch because the hub answers 400.
 */
export const INGRESS_METRICS = {
  namespace: 'Switchyard',
  /** Events recorded and fanned out for the first time. */
  accepted: 'WebhookAccepted',
  /** Resends of an event already accepted. */
  duplicate: 'WebhookDuplicate',
  /** Requests refused with a 4xx, with the `reason` as dimension. */
  rejected: 'WebhookRejected',
  /** Requests refused because of the signature (missing, malformed, mismatch, too old). */
  signatureRejected: 'WebhookSignatureRejected',
  /** Requests answered 5xx: Stripe will retry them. */
  failed: 'WebhookFailed',
} as const;
