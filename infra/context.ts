/**
 * The CDK context values the app reads (`cdk synth -c name=value`), checked at synthesis so a
 * typo fails there instead of deploying something else.
 */
import type { Node } from 'constructs';
import { type RoutingTable, readRoutingTable } from '../shared/events/routing.ts';

/**
 * Reads the `livemode` context value (`cdk synth -c livemode=true`); defaults to test mode.
 * Anything but true/false fails, so a typo never deploys the wrong mode.
 */
export function livemodeFromContext(value: unknown): boolean {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`Context "livemode" is ${JSON.stringify(value)}: set it to true or false.`);
}

/**
 * Reads the `routingTable` context value (`cdk synth -c routingTable='{"warehouse":["*"]}'`): a
 * JSON string, or an object when set in cdk.json. Returns undefined when unset (DEFAULT_ROUTES).
 */
export function routingTableFromContext(
  value: unknown,
  source = 'Context "routingTable"',
): RoutingTable | undefined {
  if (value === undefined || value === '') return undefined;
  return readRoutingTable(value, source);
}

/**
 * The context values named by `keys` (prop name → context key), as a props object for the
 * construct that checks them; unset keys are left out.
 */
export function contextValues<K extends string>(
  node: Node,
  keys: Readonly<Record<K, string>>,
): Partial<Record<K, unknown>> {
  const values: Partial<Record<K, unknown>> = {};
  for (const [prop, key] of Object.entries(keys) as [K, string][]) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined) values[prop] = value;
  }
  return values;
}
