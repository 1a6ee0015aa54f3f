import { describe, expect, it } from 'vitest';
import type { RejectedRequestError } from '../../../shared/errors.ts';
import { WebhookVerifier } from '../../../shared/ingress/verify.ts';
import { buildEvent, newSecret, openapiObject, sign } from '../../support/stripe.ts';

const verifier = new WebhookVerifier({ toleranceSeconds: 300, livemode: false });
const secret = newSecret();
const body = JSON.stringify(
  buildEvent({ type: 'customer.created', object: openapiObject('customer') }),
);

function rejection(run: () => unknown): RejectedRequestError {
  try {
    run();
  } catch (error) {
    return error as RejectedRequestError;
  }
  throw new Error('expected a rejection');
}

describe('WebhookVerifier', () => {
  it('returns the event when the signature matches', () => {
    const event = verifier.verify({
      rawBody: body,
      signature: sign(body, secret),
      secrets: [secret],
    });
    expect(event.type).toBe('customer.created');
  });

  it('accepts either secret during a rotation', () => {
    const older = newSecret();
    const newer = newSecret();
    for (const used of [older, newer]) {
      const event = verifier.verify({
        rawBody: body,
        signature: sign(body, used),
        secrets: [older, newer],
      });
      expect(event.type).toBe('customer.created');
    }
  });

  it.each([
    ['missing', undefined, 'missing_signature'],
    ['empty', '  ', 'missing_signature'],
    ['garbled', 'not-a-signature', 'malformed_signature'],
    ['without a v1 signature', `t=${Math.floor(Date.now() / 1000)},v0=abc`, 'malformed_signature'],
    ['signed with another secret', sign(body, newSecret()), 'signature_mismatch'],
    ['signed over another body', sign(`${body} `, secret), 'signature_mismatch'],
    [
      'older than the tolerance',
      sign(body, secret, Math.floor(Date.now() / 1000) - 301),
      'timestamp_outside_tolerance',
    ],
  ])('refuses a signature that is %s', (_name, signature, reason) => {
    const error = rejection(() => verifier.verify({ rawBody: body, signature, secrets: [secret] }));
    expect(error).toMatchObject({ statusCode: 400, reason });
    expect(error.message).not.toContain(secret);
  });

  it('prefers "too old" over "mismatch" when one of several secrets matched', () => {
    const old = sign(body, secret, Math.floor(Date.now() / 1000) - 3_600);
    const error = rejection(() =>
      verifier.verify({ rawBody: body, signature: old, secrets: [newSecret(), secret] }),
    );
    expect(error.reason).toBe('timestamp_outside_tolerance');
  });

  it('refuses a signed body that is not JSON or not an event', () => {
    for (const raw of ['hello', '{"object":"customer","id":"cus_1"}']) {
      const error = rejection(() =>
        verifier.verify({ rawBody: raw, signature: sign(raw, secret), secrets: [secret] }),
      );
      expect(error).toMatchObject({ statusCode: 400, reason: 'not_a_stripe_event' });
    }
  });

  it('refuses an event of the other mode', () => {
    const live = JSON.stringify(
      buildEvent({ type: 'customer.created', object: openapiObject('customer'), livemode: true }),
    );
    const error = rejection(() =>
      verifier.verify({ rawBody: live, signature: sign(live, secret), secrets: [secret] }),
    );
    expect(error).toMatchObject({ statusCode: 400, reason: 'livemode_mismatch' });
  });
});
