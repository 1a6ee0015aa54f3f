/**
 * The connectors built so far, wired from an environment exactly as their Lambda functions wire
 * them (`functions/connectors/<name>/handler.ts`), for the laptop runtime.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfigError, type Env } from '../shared/config.ts';
import { buildSalesforceConnector } from '../shared/connectors/salesforce/build.ts';
import { buildWarehouseConnector } from '../shared/connectors/warehouse/build.ts';
import type { ConnectorName } from '../shared/connectors.ts';
import type { AnyConnectorLogic } from './consumers.ts';

const BUILDERS: Partial<Record<ConnectorName, (env: Env, logger: Logger) => AnyConnectorLogic>> = {
  salesforce: (env, logger) => buildSalesforceConnector(env, logger).logic,
  warehouse: (env, logger) => buildWarehouseConnector(env, logger).logic,
};

/** The connectors that have logic to run. */
export const BUILT_CONNECTORS = Object.keys(BUILDERS) as ConnectorName[];

/** A connector's real logic from the hub's environment; throws for a connector not built yet. */
export function buildConnectorLogic(input: {
  connector: ConnectorName;
  env: Env;
  logger: Logger;
}): AnyConnectorLogic {
  const build = BUILDERS[input.connector];
  if (build === undefined) {
    throw new ConfigError(
      `The ${input.connector} connector is not built yet: run the hub without it (built: ${BUILT_CONNECTORS.join(', ')}).`,
    );
  }
  return build(input.env, input.logger);
}
