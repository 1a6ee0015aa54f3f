/**
 * The connectors a Stripe event can be routed to. The names are used for queue names,
 * ledger keys, environment variables and the routing table, so they never change casually.
 */
export const CONNECTORS = ['salesforce', 'netsuite', 'avalara', 'warehouse'] as const;

export type ConnectorName = (typeof CONNECTORS)[number];

export function isConnectorName(value: string): value is ConnectorName {
  return (CONNECTORS as readonly string[]).includes(value);
}
