/**
 * The Salesforce connector on real parts: the Salesforce simulator (through jsforce) and the
 * Stripe simulator (through the Stripe SDK), one of each per test file.
 */
import {
  DEFAULT_SALESFORCE_CLIENT_ID,
  DEFAULT_SALESFORCE_CLIENT_SECRET,
  type SalesforceSimulator,
  type SalesforceSimulatorOptions,
  startSalesforceSimulator,
} from '../../local/simulators/salesforce/server.ts';
import type { StripeSimulator } from '../../local/simulators/stripe/server.ts';
import { SalesforceClient } from '../../shared/connectors/salesforce/client.ts';
import type { SalesforceCredentials } from '../../shared/connectors/salesforce/config.ts';
import { DEFAULT_FIELD_MAP, type FieldMap } from '../../shared/connectors/salesforce/field-map.ts';
import { createSalesforceConnector } from '../../shared/connectors/salesforce/sync.ts';
import type { StripeEvent } from '../../shared/events/types.ts';
import { createLogger } from '../../shared/logger.ts';
import type { BatchEntry } from '../../shared/queue/batch.ts';
import { startedPerFile } from './per-file.ts';
import { simulatorClient } from './simulator.ts';

/** The client-credentials sign-in the simulator accepts by default. */
export const SIMULATOR_CREDENTIALS: SalesforceCredentials = {
  flow: 'client_credentials',
  clientId: DEFAULT_SALESFORCE_CLIENT_ID,
  clientSecret: DEFAULT_SALESFORCE_CLIENT_SECRET,
};

/** A Salesforce simulator started for a test file. */
export interface SalesforceHandle {
  readonly sim: SalesforceSimulator;
}

/** Starts a Salesforce simulator on a free port before the file's tests and stops it after them. */
export function useSalesforceSimulator(
  options: Omit<SalesforceSimulatorOptions, 'port'> = {},
): SalesforceHandle {
  return startedPerFile<SalesforceHandle>({
    what: 'The Salesforce simulator',
    start: async () => {
      const sim = await startSalesforceSimulator({ port: 0, ...options });
      return { sim };
    },
    stop: async (started) => {
      await started?.sim.stop();
    },
  });
}

/** The connector against both simulators, with its own client (and so its own session). */
export function salesforceConnector(input: {
  org: SalesforceSimulator;
  stripe: StripeSimulator;
  fieldMap?: FieldMap;
  credentials?: SalesforceCredentials;
}) {
  const client = new SalesforceClient({
    loginUrl: input.org.loginUrl,
    apiVersion: '62.0',
    credentials: async () => input.credentials ?? SIMULATOR_CREDENTIALS,
  });
  const logic = createSalesforceConnector({
    client,
    stripe: async () => simulatorClient(input.stripe),
    fieldMap: input.fieldMap ?? DEFAULT_FIELD_MAP,
    livemode: false,
    logger: createLogger('test', { logLevel: 'SILENT' }),
  });
  return { client, logic };
}

/** The events the Stripe simulator recorded since `from` (an index into its event log). */
export function eventsSince(sim: StripeSimulator, from: number): StripeEvent[] {
  return sim.world.allEvents().slice(from) as unknown as StripeEvent[];
}

/** Batch entries for events, oldest first as the consumer hands them over. */
export function entriesOf(events: readonly StripeEvent[], refetch = false): BatchEntry[] {
  return [...events].sort((a, b) => a.created - b.created).map((event) => ({ event, refetch }));
}
