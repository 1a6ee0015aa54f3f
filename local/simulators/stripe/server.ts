/**
 * The Stripe API simulator's HTTP server: Stripe's authentication (any `sk_test_…` key),
 * form-encoded requests, JSON responses with `Request-Id`, `Idempotency-Key` replay
 * (`idempotency.ts`), `expand[]`, Stripe's error bodies, a switchable rate limit, and a small
 * control API under `/_simulator/` for tests and scenarios (`control.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_STRIPE_SIMULATOR_PORT } from '../../../shared/config.ts';
import { STRIPE_API_VERSION } from '../../../shared/events/api-version.ts';
import { listen } from '../serve.ts';
import { controlApi } from './control.ts';
import { unrecognizedUrl } from './errors.ts';
import { applyExpand } from './expand.ts';
import { decodeForm, type FormObject, Params } from './form.ts';
import {
  answerClientError,
  apiKeyOf,
  authenticate,
  errorAnswer,
  rateLimited,
  readBody,
} from './http.ts';
import {
  IdempotencyStore,
  type IdempotentRequest,
  type SavedResponse,
  savesFailure,
} from './idempotency.ts';
import { allRoutes } from './resources/index.ts';
import { type HttpMethod, type Route, Router } from './router.ts';
import { type DeliveryChaos, WebhookSender } from './webhooks.ts';
import { newId, type SimulatorLog, World } from './world.ts';

/** A key the simulator accepts (any `sk_test_…` key is accepted). */
export const SIMULATOR_API_KEY = 'sk_test_switchyard_simulator';

/** How the simulator is started. */
export interface StripeSimulatorOptions {
  /** 0 picks a free port. Default `DEFAULT_STRIPE_SIMULATOR_PORT` (12111, stripe-mock's). */
  port?: number;
  /** The interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Endpoints to deliver events to from the start (as if created in the Dashboard). */
  webhookEndpoints?: { url: string; secret: string; enabledEvents?: string[] }[];
  /** Waits between delivery retries; defaults to Stripe's schedule of about three days. */
  retryScheduleMs?: number[];
  /** Delivery misbehaviour from the start (the control API changes it later). */
  chaos?: DeliveryChaos;
  /** Deliveries in flight at once; 1 (the default) sends in order unless chaos reorders. */
  deliveryConcurrency?: number;
  /** How long an ACH debit stays `processing` before it settles. */
  achSettlementMs?: number;
  /** The current Unix time in seconds (tests move it). */
  now?: () => number;
  /**
   * Called with a one-line summary of each request (never its body), and with the failures of
   * background work (ACH settlement, test clocks).
   */
  log?: SimulatorLog;
}

/** A running simulator. */
export interface StripeSimulator {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The port it listens on (the one picked when 0 was asked for). */
  port: number;
  /** All simulated state (tests inspect it). */
  world: World;
  /** Webhook delivery (tests wait on `idle()`). */
  webhooks: WebhookSender;
  /** Answers every API request with 429 while on (a share from 0 to 1 of requests). */
  setRateLimit(rate: number): void;
  /** Closes the server, aborts webhook deliveries and cancels background work. */
  stop(): Promise<void>;
}

/** Starts the simulator. `stop()` closes the server and drops queued webhook deliveries. */
export async function startStripeSimulator(
  options: StripeSimulatorOptions = {},
): Promise<StripeSimulator> {
  const log = options.log ?? (() => undefined);
  const webhooks = new WebhookSender({
    ...(options.retryScheduleMs ? { retryScheduleMs: options.retryScheduleMs } : {}),
    ...(options.chaos ? { chaos: options.chaos } : {}),
    concurrency: options.deliveryConcurrency ?? 1,
  });
  const world = new World({
    webhooks,
    ...(options.now ? { now: options.now } : {}),
    achSettlementMs: options.achSettlementMs ?? 2_000,
    log,
  });
  webhooks.onSettled = (eventId, pending) => {
    const event = world.find(eventId);
    if (event) event.pending_webhooks = pending;
  };
  for (const endpoint of options.webhookEndpoints ?? []) {
    world.addWebhookEndpoint(endpoint);
  }
  const router = new Router(allRoutes(world));
  const idempotency = new IdempotencyStore();
  let rateLimit = 0;
  const setRateLimit = (rate: number): void => {
    rateLimit = rate;
  };
  const control = controlApi({ webhooks, setRateLimit });

  /** Runs a route's handler; its answer, failures that happened included (see savesFailure). */
  function execute(
    route: Route,
    request: { method: string; path: string; pathParams: Record<string, string> },
    form: FormObject,
    info: { id: string; idempotencyKey: string | undefined },
  ): SavedResponse {
    const params = new Params(form);
    const expand = params.strings('expand') ?? [];
    world.request = { id: info.id, idempotencyKey: info.idempotencyKey ?? null };
    let result: unknown;
    try {
      result = route.handle({ ...request, method: request.method as HttpMethod, params, world });
    } catch (error) {
      if (!savesFailure(error)) throw error;
      const { status, body } = errorAnswer(error);
      return { status, body };
    } finally {
      world.request = { id: null, idempotencyKey: null };
    }
    try {
      return { status: 200, body: JSON.stringify(applyExpand(world, result, expand), null, 2) };
    } catch (error) {
      // The request has run: its answer is kept (and saved) even if expand fails.
      const { status, body } = errorAnswer(error);
      return { status, body };
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newId('req', 14);
    const started = Date.now();
    let answer: SavedResponse;
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
      const apiKey = apiKeyOf(req);
      authenticate(apiKey);
      if (url.pathname.startsWith('/_simulator/')) {
        answer = control(method, url.pathname, raw);
      } else {
        if (rateLimit > 0 && Math.random() < rateLimit) throw rateLimited();
        const match = matchRoute(method, url.pathname);
        const form = decodeForm(method === 'POST' ? raw : url.search.slice(1));
        const header = method === 'POST' ? req.headers['idempotency-key'] : undefined;
        const key = typeof header === 'string' && header !== '' ? header : undefined;
        const idempotent: IdempotentRequest | undefined =
          key === undefined
            ? undefined
            : { apiKey: apiKey ?? '', key, method, path: url.pathname, form };
        const replay = idempotent && idempotency.lookup(idempotent);
        if (replay) {
          answer = replay;
          headers['idempotent-replayed'] = 'true';
        } else {
          const request = { method, path: url.pathname, pathParams: match.pathParams };
          answer = execute(match.route, request, form, { id: requestId, idempotencyKey: key });
          if (idempotent) idempotency.save(idempotent, answer);
        }
      }
    } catch (error) {
      const failed = errorAnswer(error);
      Object.assign(headers, failed.headers);
      answer = { status: failed.status, body: failed.body };
    }
    res.writeHead(answer.status, headers).end(answer.body);
    log({
      level: 'debug',
      message: `${method} ${pathname} → ${answer.status} (${Date.now() - started} ms, ${requestId})`,
    });
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

  const { server, url, port } = await listen({
    port: options.port ?? DEFAULT_STRIPE_SIMULATOR_PORT,
    host: options.host,
    handle,
    onClientError: answerClientError,
  });
  return {
    url,
    port,
    world,
    webhooks,
    setRateLimit,
    stop: async () => {
      webhooks.stop();
      world.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
