/**
 * The connected app's endpoints: `POST /services/oauth2/token` (client credentials and JWT
 * bearer flows, form-encoded) and `POST /services/oauth2/revoke`.
 */
import { CALL_KINDS } from '../calls.ts';
import { OAuthError } from '../errors.ts';
import { ACCESS, type ApiAnswer, type ApiRequest, type Route } from '../router.ts';

function form(request: ApiRequest): URLSearchParams {
  const type = request.headers['content-type'] ?? '';
  if (request.raw !== '' && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new OAuthError(
      'invalid_request',
      'The token request must be form-encoded (Content-Type: application/x-www-form-urlencoded)',
    );
  }
  const params = new URLSearchParams(request.raw);
  for (const [key, value] of request.query) if (!params.has(key)) params.set(key, value);
  return params;
}

function token(request: ApiRequest): ApiAnswer {
  const params = form(request);
  const body = request.sim.sessions.token(
    params,
    request.headers.authorization,
    request.sim.baseUrl,
  );
  return { status: 200, body };
}

function revoke(request: ApiRequest): ApiAnswer {
  const value = form(request).get('token');
  if (value === null)
    throw new OAuthError('unsupported_token_type', 'this token type is not supported');
  request.sim.sessions.revoke(value);
  return { status: 200, body: {} };
}

/** The OAuth routes. */
export const oauthRoutes: Route[] = [
  {
    method: 'POST',
    path: '/services/oauth2/token',
    kind: CALL_KINDS.token,
    access: ACCESS.token,
    handle: token,
  },
  {
    method: 'POST',
    path: '/services/oauth2/revoke',
    kind: CALL_KINDS.token,
    access: ACCESS.token,
    handle: revoke,
  },
];
