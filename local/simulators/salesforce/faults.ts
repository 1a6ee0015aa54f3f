/**
 * Failures on demand, so connector tests can see how they cope: the next N calls (optionally only
 * those of a method, a path or a kind of call) answer with a row lock, a 503, a 500, a request
 * limit or an expired session. A row lock on a collection call fails records inside a 200 answer
 * (all, or the indexes given) unless `wholeCall` is set, as a real org does.
 */
import { CALL_KINDS, type CallKind } from './calls.ts';
import { ERROR_CODES, invalidSession, requestLimitExceeded, SalesforceApiError } from './errors.ts';

/** The failures the simulator can inject. */
export const FAULT_KINDS = {
  lockRow: 'UNABLE_TO_LOCK_ROW',
  unavailable: 'SERVER_UNAVAILABLE',
  serverError: 'UNKNOWN_EXCEPTION',
  requestLimit: 'REQUEST_LIMIT_EXCEEDED',
  invalidSession: 'INVALID_SESSION_ID',
} as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[keyof typeof FAULT_KINDS];

/** A failure to inject. */
export interface FaultSpec {
  kind: FaultKind;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only calls with this method (`PATCH`). */
  method?: string;
  /** Only calls whose path contains this text or matches this pattern. */
  path?: string | RegExp;
  /** Only calls of this kind; without it every kind but `token` matches. */
  callKind?: CallKind;
  /** UNABLE_TO_LOCK_ROW on a collection call: the record indexes to fail (default all). */
  records?: number[];
  /** UNABLE_TO_LOCK_ROW on a collection call: fail the whole call with a 400 instead. */
  wholeCall?: boolean;
  /** REQUEST_LIMIT_EXCEEDED: the status to answer (default 403, Salesforce's; 429 is possible). */
  status?: number;
}

/** The call a fault may apply to. */
export interface FaultCall {
  method: string;
  path: string;
  kind: CallKind;
}

/** What an applied fault does to a call: fail it whole, or fail some of its records. */
export type FaultEffect = { error: SalesforceApiError } | { lockedRecords: number[] | 'all' };

interface Pending extends FaultSpec {
  remaining: number;
}

/** The queue of injected faults. */
export class Faults {
  readonly #pending: Pending[] = [];

  /** Queues a fault; faults apply in the order injected. */
  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Object.values(FAULT_KINDS).includes(spec.kind)) {
      throw new Error(
        `Unknown fault kind ${String(spec.kind)}: use one of ${Object.values(FAULT_KINDS).join(', ')}.`,
      );
    }
    if (!Number.isInteger(times) || times < 1) {
      throw new Error(`A fault's times must be a whole number ≥ 1 (got ${times}).`);
    }
    this.#pending.push({ ...spec, remaining: times });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#pending.length = 0;
  }

  /** The faults still queued, with how many calls each will still fail. */
  pending(): (FaultSpec & { remaining: number })[] {
    return this.#pending.map((p) => ({ ...p }));
  }

  /** Takes the first fault matching `call`, if any, and says what it does to the call. */
  take(call: FaultCall): FaultEffect | undefined {
    const index = this.#pending.findIndex((p) => matches(p, call));
    const fault = this.#pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending.splice(index, 1);
    return effectOf(fault, call);
  }
}

function matches(fault: Pending, call: FaultCall): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== call.method) return false;
  if (
    fault.callKind === undefined ? call.kind === CALL_KINDS.token : fault.callKind !== call.kind
  ) {
    return false;
  }
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string'
    ? call.path.includes(fault.path)
    : fault.path.test(call.path);
}

/** The whole-call answer of each fault kind. */
const WHOLE_CALL: Record<FaultKind, (fault: Pending) => SalesforceApiError> = {
  UNABLE_TO_LOCK_ROW: () =>
    new SalesforceApiError({
      status: 400,
      errorCode: ERROR_CODES.lockRow,
      message: 'unable to obtain exclusive access to this record',
    }),
  SERVER_UNAVAILABLE: () =>
    new SalesforceApiError({
      status: 503,
      errorCode: ERROR_CODES.serverUnavailable,
      message: 'Server temporarily unavailable. Please try again later.',
    }),
  UNKNOWN_EXCEPTION: () =>
    new SalesforceApiError({
      status: 500,
      errorCode: ERROR_CODES.unknownException,
      message:
        'An unexpected error occurred. Please include this ErrorId if you contact support: 1130813796-41262 (-1325372104)',
    }),
  REQUEST_LIMIT_EXCEEDED: (fault) =>
    requestLimitExceeded('TotalRequests Limit exceeded.', fault.status ?? 403),
  INVALID_SESSION_ID: () => invalidSession(),
};

function effectOf(fault: Pending, call: FaultCall): FaultEffect {
  const perRecord =
    fault.kind === FAULT_KINDS.lockRow &&
    call.kind === CALL_KINDS.collections &&
    fault.wholeCall !== true;
  if (perRecord) return { lockedRecords: fault.records ?? 'all' };
  return { error: WHOLE_CALL[fault.kind](fault) };
}
