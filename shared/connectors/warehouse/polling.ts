/**
 * How long the warehouse client waits for a statement, and how often it asks: the Data API runs
 * every statement asynchronously, and a caller in a Lambda must stop waiting in time to settle
 * its batch before the function's own timeout.
 */
import { CONNECTOR_INTAKE } from '../../resources.ts';

/** How long to wait, and how often to ask, for a statement to end. */
export interface PollingOptions {
  /** The first wait between DescribeStatement calls; it grows by half each time. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Past this, the call fails as retryable (the statement may still finish). */
  timeoutMs: number;
}

/** What a Lambda keeps for itself after the last poll: staging clean-up, the ledger, logs. */
const SETTLING_MARGIN_MS = 60_000;

/**
 * Polling that gives up in time for the caller to settle within `budgetMs` (a Lambda's timeout,
 * or what is left of it): it waits until `SETTLING_MARGIN_MS` before the end, and at least
 * four fifths of the budget when the budget is short.
 */
export function pollingWithin(budgetMs: number): PollingOptions {
  return {
    initialIntervalMs: 10,
    maxIntervalMs: 500,
    timeoutMs: Math.max(budgetMs - SETTLING_MARGIN_MS, Math.floor(budgetMs * 0.8)),
  };
}

/**
 * The connector's polling: short first waits (a small statement ends in milliseconds), and up to
 * 240 s for a load, a minute short of the warehouse function's 300 s timeout
 * (`CONNECTOR_INTAKE.warehouse.timeoutSeconds`).
 */
export const POLLING_DEFAULTS: PollingOptions = pollingWithin(
  CONNECTOR_INTAKE.warehouse.timeoutSeconds * 1000,
);
