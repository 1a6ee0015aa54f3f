/**
 * The Stripe API simulator's HTTP server: Stripe's authentication (any `sk_test_…` key),
 * form-encoded requests, JSON responses with `Request-Id`, `Idempotency-Key` replay, `expand[]`,
 * Stripe's error bodies, a switchable rate limit, and a small control API under `/_simulator/`
 * for tests and scenarios (webhook endpoints, delivery chaos, rate limit, delivery backlog).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STRIPE_API_VERSION } from '../../../shared/events/api-version.ts';
import { STRIPE_ERROR_TYPES, StripeApiError, unrecognizedUrl } from './errors.ts';
import { applyExpand } from './expand.ts';
import { decodeForm, type FormObject, Params } from './form.ts';
import { allRoutes } from './resources/index.ts';
import { type HttpMethod, Router } from './router.ts';
import { type DeliveryChaos, WebhookSender } from './webhooks.ts';
import { newId, World } from './world.ts';

/** The port stripe-mock uses; `STRIPE_SIMULATOR_PORT` changes it for `npm start`. */
export const DEFAULT_SIMULATOR_PORT = 12_111;

/** A key the simulator accepts (any `sk_test_…` key is accepted). */
export const SIMULATOR_API_KEY = 'sk_test_switchyard_simulator';

const MAX_BODY_BYTES = 1024 * 1024;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StripeSimulatorOptions {
  /** 0 picks a free port. Default {@link DEFAULT_SIMULATOR_PORT}. */
  port?: number;
  host?: string;
  /** Endpoints to deliver events to from the start (as if created in the Dashboard). */
  webhookEndpoints?: { url: string; secret: string; enabledEvents?: string[] }[];
  /** Waits between delivery retries; defaults to Stripe's schedule of about three days. */
  retryScheduleMs?: number[];
  chaos?: DeliveryChaos;
  /** Deliveries in flight at once; 1 (the default) sends in order unless chaos reorders. */
  deliveryConcurrency?: number;
  /** How long an ACH debit stays `processing` before it settles. */
  achSettlementMs?: number;
  /** The current Unix time in seconds (tests move it). */
  now?: () => number;
  /** Called with a one-line summary of each request (never its body). */
  log?: (line: string) => void;
}

export interface StripeSimulator {
  url: string;
  port: number;
  world: World;
  webhooks: WebhookSender;
  /** Answers every API request with 429 while on (a share from 0 to 1 of requests). */
  setRateLimit(rate: number): void;
  stop(): Promise<void>;
}

interface SavedResponse {
  fingerprint: string;
  status: number;
  body: string;
  expiresAt: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets its 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) {
        resolve(Buffer.concat(chunks).toString('utf8'));
        return;
      }
      reject(
        new StripeApiError({
          status: 413,
          type: STRIPE_ERROR_TYPES.invalidRequest,
          message: 'Request body is too large.',
        }),
      );
    });
    req.on('error', reject);
  });
}

function apiKeyOf(req: IncomingMessage): string | undefined {
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

function authenticate(key: string | undefined): void {
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

function rateLimited(): StripeApiError {
  return new StripeApiError({
    status: 429,
    type: STRIPE_ERROR_TYPES.invalidRequest,
    code: 'rate_limit',
    message:
      'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  });
}

/** Starts the simulator. `stop()` closes the server and drops queued webhook deliveries. */
export async function startStripeSimulator(
  options: StripeSimulatorOptions = {},
): Promise<StripeSimulator> {
  const webhooks = new WebhookSender({
    ...(options.retryScheduleMs ? { retryScheduleMs: options.retryScheduleMs } : {}),
    ...(options.chaos ? { chaos: options.chaos } : {}),
    concurrency: options.deliveryConcurrency ?? 1,
  });
  const world = new World({
    webhooks,
    ...(options.now ? { now: options.now } : {}),
    achSettlementMs: options.achSettlementMs ?? 2_000,
  });
  webhooks.onSettled = (eventId, pending) => {
    const event = world.find(eventId);
    if (event) event.pending_webhooks = pending;
  };
  for (const endpoint of options.webhookEndpoints ?? []) {
    world.addWebhookEndpoint(endpoint);
  }
  const router = new Router(allRoutes(world));
  const saved = new Map<string, SavedResponse>();
  let rateLimit = 0;
  const log = options.log ?? (() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newId('req', 14);
    const started = Date.now();
    let status = 500;
    let body: string;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': STRIPE_API_VERSION,
    };
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const url = URL.canParse(target, 'http://simulator')
      ? new URL(target, 'http://simulator')
      : undefined;
    const pathname = url?.pathname ?? target;
    try {
      const raw = await readBody(req);
      if (url === undefined) throw unrecognizedUrl(method, target);
      if (url.pathname.startsWith('/_simulator/')) {
        authenticate(apiKeyOf(req));
        ({ status, body } = control(method, url.pathname, raw));
      } else {
        authenticate(apiKeyOf(req));
        if (rateLimit > 0 && Math.random() < rateLimit) throw rateLimited();
        const match = matchRoute(method, url.pathname);
        const form = decodeForm(method === 'POST' ? raw : url.search.slice(1));
        const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
        const idempotencyKey = typeof key === 'string' && key !== '' ? key : undefined;
        const replay = idempotencyKey
          ? lookupSaved(apiKeyOf(req) ?? '', idempotencyKey, method, url.pathname, form)
          : undefined;
        if (replay) {
          ({ status, body } = replay);
          headers['idempotent-replayed'] = 'true';
        } else {
          const params = new Params(form);
          const expand = params.strings('expand') ?? [];
          world.request = { id: requestId, idempotencyKey: idempotencyKey ?? null };
          try {
            const result = match.route.handle({
              method: method as HttpMethod,
              path: url.pathname,
              pathParams: match.pathParams,
              params,
              world,
            });
            status = 200;
            body = JSON.stringify(applyExpand(world, result, expand), null, 2);
          } catch (error) {
            // A card decline has happened (Stripe saves it); a validation error has not.
            if (!(error instanceof StripeApiError) || error.status !== 402) throw error;
            status = error.status;
            body = JSON.stringify(error.body(), null, 2);
          } finally {
            world.request = { id: null, idempotencyKey: null };
          }
          if (idempotencyKey) {
            save(apiKeyOf(req) ?? '', idempotencyKey, method, url.pathname, form, status, body);
          }
        }
      }
    } catch (error) {
      if (error instanceof StripeApiError) {
        status = error.status;
        Object.assign(headers, error.headers);
        body = JSON.stringify(error.body(), null, 2);
      } else {
        status = 500;
        body = JSON.stringify({
          error: {
            type: STRIPE_ERROR_TYPES.apiError,
            message: `An unknown error occurred in the simulator (${error instanceof Error ? error.message : String(error)}).`,
          },
        });
      }
    }
    res.writeHead(status, headers).end(body);
    log(`${method} ${pathname} → ${status} (${Date.now() - started} ms, ${requestId})`);
  };

  /** The route for a request; a path that is not one (bad percent-encoding included) is a 404. */
  function matchRoute(method: string, path: string) {
    let match: ReturnType<Router['match']>;
    try {
      match = router.match(method, path);
    } catch {
      match = undefined; // decodeURIComponent refused a path segment.
    }
    if (match === undefined) throw unrecognizedUrl(method, path);
    return match;
  }

  function fingerprint(method: string, path: string, form: FormObject): string {
    return createHash('sha256')
      .update(`${method} ${path} ${JSON.stringify(form)}`)
      .digest('hex');
  }

  function lookupSaved(
    apiKey: string,
    key: string,
    method: string,
    path: string,
    form: FormObject,
  ): { status: number; body: string } | undefined {
    const entry = saved.get(`${apiKey}\u0000${key}`);
    if (entry === undefined || entry.expiresAt < Date.now()) return undefined;
    if (entry.fingerprint !== fingerprint(method, path, form)) {
      throw new StripeApiError({
        status: 400,
        type: STRIPE_ERROR_TYPES.idempotencyError,
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return entry;
  }

  function save(
    apiKey: string,
    key: string,
    method: string,
    path: string,
    form: FormObject,
    status: number,
    body: string,
  ): void {
    saved.set(`${apiKey}\u0000${key}`, {
      fingerprint: fingerprint(method, path, form),
      status,
      body,
      expiresAt: Date.now() + IDEMPOTENCY_TTL_MS,
    });
  }

  function control(method: string, path: string, raw: string): { status: number; body: string } {
    const input = parseControlBody(raw);
    const row = CONTROL_ROUTES.find((r) => r.method === method && r.path === path);
    if (row === undefined) throw unrecognizedUrl(method, path);
    return { status: 200, body: JSON.stringify(row.handle(input), null, 2) };
  }

  const CONTROL_ROUTES: {
    method: string;
    path: string;
    handle(input: Record<string, unknown>): unknown;
  }[] = [
    {
      method: 'GET',
      path: '/_simulator/webhooks',
      handle: () => ({
        endpoints: webhooks.endpoints.map((e) => ({ id: e.id, url: e.url })),
        backlog: webhooks.backlog,
        chaos: webhooks.chaos,
        attempts: webhooks.attempts.length,
      }),
    },
    {
      method: 'POST',
      path: '/_simulator/chaos',
      handle: (input) => {
        webhooks.setChaos(readChaos(input));
        return { chaos: webhooks.chaos };
      },
    },
    {
      method: 'POST',
      path: '/_simulator/rate_limit',
      handle: (input) => {
        const rate = Number(input.rate ?? 0);
        if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
          throw controlError('rate must be a number from 0 to 1');
        }
        rateLimit = rate;
        return { rate };
      },
    },
  ];

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 5_000;
  // A request Node's HTTP parser refuses (bytes past ASCII in the path, an unknown method) still
  // gets Stripe's JSON error body, then the connection closes (its framing can't be trusted).
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
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
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_SIMULATOR_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    world,
    webhooks,
    setRateLimit: (rate) => {
      rateLimit = rate;
    },
    stop: async () => {
      webhooks.stop();
      world.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function controlError(message: string): StripeApiError {
  return new StripeApiError({ status: 400, type: STRIPE_ERROR_TYPES.invalidRequest, message });
}

function parseControlBody(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Answered below.
  }
  throw controlError('The control API takes a JSON object.');
}

function readChaos(input: Record<string, unknown>): DeliveryChaos {
  const chaos: DeliveryChaos = {};
  for (const key of ['delayMs', 'reorderWindowMs', 'duplicateRate', 'seed'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw controlError(`${key} must be a number ≥ 0`);
    }
    chaos[key] = value;
  }
  if ((chaos.duplicateRate ?? 0) > 1) throw controlError('duplicateRate must be from 0 to 1');
  return chaos;
}
