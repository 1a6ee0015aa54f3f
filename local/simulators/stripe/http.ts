/**
 * The simulator's HTTP plumbing: reading bodies (1 MiB at most), Stripe's authentication (any
 * `sk_test_…`/`rk_test_…` key), and Stripe's error answers (401, 413, 429, 500, and a JSON 400
 * for requests Node cannot parse).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { readBoundedBody } from '../serve.ts';
import { STRIPE_ERROR_TYPES, StripeApiError } from './errors.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as text; past 1 MiB a 413 (the rest is read and dropped). */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBoundedBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      new StripeApiError({
        status: 413,
        type: STRIPE_ERROR_TYPES.invalidRequest,
        message: 'Request body is too large.',
      }),
  });
}

/** The API key of a request: Bearer auth, or Basic with the key as user name (curl -u). */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
  return '';
}

function mask(key: string): string {
  return key.length <= 12 ? '****' : `${key.slice(0, 8)}****${key.slice(-4)}`;
}

/** Stripe's 401 for a missing key or one that is not a test key (the key is masked). */
export function authenticate(key: string | undefined): void {
  if (key === undefined) {
    throw new StripeApiError({
      status: 401,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    });
  }
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw new StripeApiError({
      status: 401,
      type: STRIPE_ERROR_TYPES.invalidRequest,
      code: 'api_key_invalid',
      message: `Invalid API Key provided: ${mask(key)}`,
    });
  }
}

/** Stripe's 429 `rate_limit`. */
export function rateLimited(): StripeApiError {
  return new StripeApiError({
    status: 429,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'rate_limit',
    message:
      'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  });
}

/** Stripe's error body for `error`; anything but a {@link StripeApiError} is a 500. */
export function errorAnswer(error: unknown): {
  status: number;
  body: string;
  headers: Record<string, string>;
} {
  if (error instanceof StripeApiError) {
    return {
      status: error.status,
      body: JSON.stringify(error.body(), null, 2),
      headers: error.headers,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const body = JSON.stringify({
    error: {
      type: STRIPE_ERROR_TYPES.apiError,
      message: `An unknown error occurred in the simulator (${message}).`,
    },
  });
  return { status: 500, body, headers: {} };
}

/**
 * Answers a request Node's HTTP parser refused (bytes past ASCII in the path, an unknown method)
 * with Stripe's JSON error body, then closes the connection (its framing can't be trusted).
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error: {
      type: STRIPE_ERROR_TYPES.invalidRequest,
      message: `The request could not be parsed as HTTP (${error.code ?? 'invalid request'}).`,
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
