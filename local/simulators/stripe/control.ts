/**
 * The simulator's control API under `/_simulator/`, for tests and scenarios: JSON in and out,
 * authenticated like the API. `GET /_simulator/webhooks` shows endpoints, backlog, chaos and how
 * many attempts are kept; `POST /_simulator/chaos` sets delivery chaos; `POST
 * /_simulator/rate_limit` sets the share of API requests answered 429.
 */

import { jsonObjectBody } from '../serve.ts';
import { STRIPE_ERROR_TYPES, StripeApiError, unrecognizedUrl } from './errors.ts';
import type { DeliveryChaos, WebhookSender } from './webhooks.ts';

/** What the control API acts on. */
export interface ControlTarget {
  webhooks: WebhookSender;
  setRateLimit(rate: number): void;
}

/** Answers a control request (a 404 for a path it does not have, a 400 for a bad body). */
export type ControlHandler = (
  method: string,
  path: string,
  raw: string,
) => { status: number; body: string };

interface ControlRoute {
  method: string;
  path: string;
  handle(input: Record<string, unknown>): unknown;
}

/** The control API over `target`. */
export function controlApi(target: ControlTarget): ControlHandler {
  const { webhooks } = target;
  const routes: ControlRoute[] = [
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
        target.setRateLimit(rate);
        return { rate };
      },
    },
  ];
  return (method, path, raw) => {
    const input = parseControlBody(raw);
    const row = routes.find((r) => r.method === method && r.path === path);
    if (row === undefined) throw unrecognizedUrl(method, path);
    return { status: 200, body: JSON.stringify(row.handle(input), null, 2) };
  };
}

function controlError(message: string): StripeApiError {
  return new StripeApiError({ status: 400, type: STRIPE_ERROR_TYPES.invalidRequest, message });
}

function parseControlBody(raw: string): Record<string, unknown> {
  return jsonObjectBody(raw, controlError);
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
