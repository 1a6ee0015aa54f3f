import { describe, expect, it } from 'vitest';
import {
  classifyError,
  isRetryable,
  PermanentError,
  parseRetryAfter,
  RejectedRequestError,
  RetryableError,
} from '../../shared/errors.ts';

function withStatus(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

describe('isRetryable', () => {
  it.each([
    ['a network reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), true],
    ['409 conflict', withStatus(409), true],
    ['429 rate limit', withStatus(429), true],
    ['500', withStatus(500), true],
    ['503', withStatus(503), true],
    ['400', withStatus(400), false],
    ['401', withStatus(401), false],
    ['404', withStatus(404), false],
    ['422', withStatus(422), false],
    [
      'an AWS SDK 5xx',
      Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 500 } }),
      true,
    ],
    [
      'an AWS SDK throttle',
      Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
      true,
    ],
    ['our RetryableError', new RetryableError('later'), true],
    ['our PermanentError', new PermanentError('never'), false],
    [
      'a PermanentError even with a 503 cause',
      new PermanentError('mapping', { cause: withStatus(503) }),
      false,
    ],
    ['a 4xx wrapped in a plain error', new Error('wrapped', { cause: withStatus(400) }), false],
    ['an unknown bug', new TypeError('x is undefined'), true],
  ])('%s → %s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('0.5')).toBe(500);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('error classes', () => {
  it('carry name, cause and context', () => {
    const cause = withStatus(503);
    const error = new RetryableError('NetSuite is busy', {
      cause,
      context: { connector: 'netsuite', stripeEventId: 'evt_1' },
      retryAfterMs: 1_000,
    });
    expect(error.name).toBe('RetryableError');
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ connector: 'netsuite', stripeEventId: 'evt_1' });
    expect(error.retryAfterMs).toBe(1_000);
    expect(error).toBeInstanceOf(Error);
  });

  it('classify for the ledger without the stack', () => {
    const rejected = new RejectedRequestError({ statusCode: 400, reason: 'x', message: 'fix it' });
    expect(classifyError(rejected)).toEqual({
      kind: 'permanent',
      name: 'RejectedRequestError',
      message: 'fix it',
      httpStatus: 400,
    });
    expect(classifyError(withStatus(429))).toMatchObject({ kind: 'retryable', httpStatus: 429 });
  });
});
