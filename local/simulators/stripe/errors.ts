/**
 * Stripe's error responses (`{error: {type, code, message, param}}`) as the simulator answers
 * them. The bodies and status codes follow https://docs.stripe.com/api/errors.
 */

/** Stripe's error types, as in the `error.type` field of an error body. */
export const STRIPE_ERROR_TYPES = {
  apiError: 'api_error',
  cardError: 'card_error',
  idempotencyError: 'idempotency_error',
  invalidRequest: 'invalid_request_error',
} as const;

/** One of {@link STRIPE_ERROR_TYPES}. */
export type StripeErrorType = (typeof STRIPE_ERROR_TYPES)[keyof typeof STRIPE_ERROR_TYPES];

/** An error the simulator answers with Stripe's status code and error body. */
export class StripeApiError extends Error {
  override name = 'StripeApiError';
  /** The HTTP status answered. */
  readonly status: number;
  /** `error.type` of the body. */
  readonly type: StripeErrorType;
  /** `error.code`, such as `resource_missing` or `card_declined`. */
  readonly code: string | undefined;
  /** `error.param`: the request parameter at fault. */
  readonly param: string | undefined;
  /** Further fields of the error body (`decline_code`, `payment_intent`, …). */
  readonly extra: Record<string, unknown>;
  /** Headers answered with the error. */
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    extra?: Record<string, unknown>;
    headers?: Record<string, string>;
  }) {
    super(options.message);
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** The JSON body Stripe sends with this error. */
  body(): { error: Record<string, unknown> } {
    const docUrl =
      this.code === undefined
        ? undefined
        : `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`;
    return {
      error: {
        ...(this.code === undefined ? {} : { code: this.code, doc_url: docUrl }),
        message: this.message,
        ...(this.param === undefined ? {} : { param: this.param }),
        ...this.extra,
        type: this.type,
      },
    };
  }
}

/** 404 for an id that does not exist: `No such customer: 'cus_…'`. */
export function resourceMissing(resource: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError({
    status: 404,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'resource_missing',
    param,
    message: `No such ${resource}: '${id}'`,
  });
}

/** 400 for a parameter that is present but wrong. */
export function invalidParam(
  param: string,
  message: string,
  code = 'parameter_invalid',
): StripeApiError {
  return new StripeApiError({
    status: 400,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code,
    param,
    message,
  });
}

/** 400 for a required parameter that is absent. */
export function missingParam(param: string): StripeApiError {
  return new StripeApiError({
    status: 400,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
  });
}

/** 400 for a parameter the endpoint does not take. */
export function unknownParam(param: string): StripeApiError {
  return new StripeApiError({
    status: 400,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
  });
}

/** 400 for a request that is well formed but not allowed in the object's current state. */
export function invalidState(message: string, param?: string): StripeApiError {
  return new StripeApiError({
    status: 400,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    ...(param === undefined ? {} : { param }),
    message,
  });
}

/** 404 for a path the API does not have. */
export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError({
    status: 404,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}
