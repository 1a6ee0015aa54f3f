/**
 * The simulator's control API under `/_simulator/`, for tests and scenarios in other processes
 * (in-process code uses the typed methods instead): JSON in and out, no session needed, never
 * counted against the API limit.
 *
 * - `GET /_simulator/state`: calls per kind, API usage, queued faults, records per object
 * - `GET /_simulator/records/{type}`: the stored records of an object
 * - `POST /_simulator/faults`: queue a fault (`{kind, times?, method?, path?, callKind?,
 *   records?, wholeCall?, status?}`); `DELETE /_simulator/faults` drops them all
 * - `POST /_simulator/sessions/expire`: end every session
 * - `POST /_simulator/limits`: `{max, used?}` sets the daily API limit
 * - `POST /_simulator/reset`: delete every record, fault and counted call
 */

import { jsonObjectBody } from '../serve.ts';
import { ERROR_CODES, jsonParserError, notFound, SalesforceApiError } from './errors.ts';
import type { FaultSpec, Faults } from './faults.ts';
import type { ApiLimits } from './limits.ts';
import type { Sessions } from './oauth.ts';
import type { SalesforceOrg } from './org.ts';

/** What the control API acts on. */
export interface ControlTarget {
  org: SalesforceOrg;
  faults: Faults;
  sessions: Sessions;
  limits: ApiLimits;
}

interface ControlRoute {
  method: string;
  path: RegExp;
  handle(input: Record<string, unknown>, match: RegExpExecArray): unknown;
}

function badRequest(message: string): SalesforceApiError {
  return new SalesforceApiError({ status: 400, errorCode: ERROR_CODES.invalidField, message });
}

/** Answers a control request: status and JSON body. */
export function controlApi(
  target: ControlTarget,
): (method: string, path: string, raw: string) => { status: number; body: unknown } {
  const { org, faults, sessions, limits } = target;
  const routes: ControlRoute[] = [
    {
      method: 'GET',
      path: /^\/_simulator\/state$/,
      handle: () => ({
        calls: { total: org.calls.total, byKind: org.calls.byKind },
        apiUsage: { used: limits.used, max: limits.max },
        faults: faults.pending().map((f) => ({ ...f, path: f.path?.toString() })),
        records: Object.fromEntries(
          Object.keys(org.schema.objects).map((name) => [name, org.records(name).length]),
        ),
      }),
    },
    {
      method: 'GET',
      path: /^\/_simulator\/records\/([^/]+)$/,
      handle: (_input, match) => {
        try {
          return org.records(decodeURIComponent(match[1] ?? ''));
        } catch {
          throw notFound();
        }
      },
    },
    {
      method: 'POST',
      path: /^\/_simulator\/faults$/,
      handle: (input) => {
        try {
          faults.inject(input as unknown as FaultSpec);
        } catch (error) {
          throw badRequest((error as Error).message);
        }
        return { pending: faults.pending().length };
      },
    },
    {
      method: 'DELETE',
      path: /^\/_simulator\/faults$/,
      handle: () => {
        faults.clear();
        return { pending: 0 };
      },
    },
    {
      method: 'POST',
      path: /^\/_simulator\/sessions\/expire$/,
      handle: () => {
        sessions.expireAll();
        return { expired: true };
      },
    },
    {
      method: 'POST',
      path: /^\/_simulator\/limits$/,
      handle: (input) => {
        const max = input.max;
        const used = input.used;
        if (typeof max !== 'number' || (used !== undefined && typeof used !== 'number')) {
          throw badRequest('Send {"max": <whole number>, "used"?: <whole number>}.');
        }
        try {
          limits.set(max, used);
        } catch (error) {
          throw badRequest((error as Error).message);
        }
        return { max: limits.max, used: limits.used };
      },
    },
    {
      method: 'POST',
      path: /^\/_simulator\/reset$/,
      handle: () => {
        org.clear();
        org.calls.reset();
        faults.clear();
        return { reset: true };
      },
    },
  ];
  return (method, path, raw) => {
    for (const route of routes) {
      const match = route.path.exec(path);
      if (match && route.method === method) {
        return { status: 200, body: route.handle(parseControlBody(raw), match) };
      }
    }
    throw notFound();
  };
}

function parseControlBody(raw: string): Record<string, unknown> {
  return jsonObjectBody(raw, jsonParserError);
}
