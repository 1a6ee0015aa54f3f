/**
 * Wires the Salesforce connector from its settings: the same function serves the Lambda
 * (`functions/connectors/salesforce`) and the laptop runtime.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfigError, ENV, type Env, settings } from '../../config.ts';
import type { BatchConnectorLogic } from '../../queue/batch.ts';
import { readSecretString } from '../../secrets.ts';
import { lazyStripeClient } from '../../stripe/client.ts';
import { parseStripeApiSource } from '../../stripe/config.ts';
import { SalesforceClient } from './client.ts';
import {
  parseCredentialSecret,
  parseSalesforceConfig,
  SALESFORCE_ENV,
  type SalesforceConfig,
  type SalesforceCredentials,
} from './config.ts';
import { DEFAULT_FIELD_MAP, type FieldMap, parseFieldMap } from './field-map.ts';
import { createSalesforceConnector } from './sync.ts';

function fieldMapOf(config: SalesforceConfig): FieldMap {
  if (config.fieldMapOverride === undefined) return DEFAULT_FIELD_MAP;
  try {
    return parseFieldMap(config.fieldMapOverride, SALESFORCE_ENV.fieldMap);
  } catch (cause) {
    throw new ConfigError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

function credentialsOf(config: SalesforceConfig): () => Promise<SalesforceCredentials> {
  const source = config.credentials;
  if (source.kind === 'env') return async () => source.credentials;
  return async () =>
    parseCredentialSecret(
      await readSecretString(source.secretArn, 'the connected app credentials as JSON'),
      source.secretArn,
    );
}

/** The connector's logic and its Salesforce client (whose call count benchmarks read). */
export function buildSalesforceConnector(
  env: Env,
  logger: Logger,
): { logic: BatchConnectorLogic; client: SalesforceClient } {
  const config = parseSalesforceConfig(env);
  const client = new SalesforceClient({
    loginUrl: config.loginUrl,
    jwtAudience: config.jwtAudience,
    apiVersion: config.apiVersion,
    credentials: credentialsOf(config),
  });
  const logic = createSalesforceConnector({
    client,
    stripe: lazyStripeClient(parseStripeApiSource(env)),
    fieldMap: fieldMapOf(config),
    livemode: settings.boolean(env, ENV.livemode, false),
    logger,
  });
  return { logic, client };
}
