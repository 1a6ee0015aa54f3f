/**
 * `SalesforceConnector`: the Salesforce connector on AWS. Its function consumes the salesforce
 * queue (CONNECTOR_INTAKE.salesforce: large batches, at most two at once, so the org's limit on
 * concurrent API requests holds), reads the connected app's credentials from a secret this
 * construct creates, and takes its login URL, API version and field map from CDK context,
 * checked at synthesis with the same code the function runs at cold start.
 */
import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  parseSalesforceConfig,
  SALESFORCE_ENV,
} from '../../shared/connectors/salesforce/config.ts';
import { parseFieldMap } from '../../shared/connectors/salesforce/field-map.ts';
import { type ConnectorResources, connectorFunction } from './connector-function.ts';
import type { HubFunction } from './hub-function.ts';

/** The connector's context values (`-c salesforceLoginUrl=…`), before they are checked. */
export interface SalesforceProps {
  /** `salesforceLoginUrl`. @default https://login.salesforce.com */
  readonly loginUrl?: unknown;
  /** `salesforceApiVersion`. @default 62.0 */
  readonly apiVersion?: unknown;
  /** `salesforceFieldMap`: an override merged over the default map, as JSON text or an object. */
  readonly fieldMap?: unknown;
}

/** The checked settings, as the function's environment receives them. */
export interface SalesforceSettings {
  readonly loginUrl: string;
  readonly apiVersion: string;
  /** The override as compact JSON; undefined uses the default map. */
  readonly fieldMap?: string;
}

/**
 * Lambda allows 4 KB for all of a function's environment variables together; the function's
 * other variables (ARNs, queue URLs, names) take under 1 KB, so the field map may take 3,000
 * bytes: more than the whole default map (about 2.5 KB), should someone copy it all.
 */
export const MAX_FIELD_MAP_BYTES = 3_000;

/** The context keys, named in every error. */
export const SALESFORCE_CONTEXT = {
  loginUrl: 'salesforceLoginUrl',
  apiVersion: 'salesforceApiVersion',
  fieldMap: 'salesforceFieldMap',
} as const;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One setting checked by the function's own parser, so synthesis refuses what it would. */
function checked(key: 'loginUrl' | 'apiVersion', given: unknown): string {
  // cdk.json may hold the version as a JSON number (62.0 parses as 62).
  const value = typeof given === 'number' && key === 'apiVersion' ? given.toFixed(1) : given;
  if (value !== undefined && typeof value !== 'string') {
    throw new Error(
      `Context "${SALESFORCE_CONTEXT[key]}" must be a string; it is ${typeof value}.`,
    );
  }
  try {
    // A placeholder secret ARN stands in for credentials, which are read at run time.
    const config = parseSalesforceConfig({
      [SALESFORCE_ENV.secretArn]: 'arn:placeholder',
      ...(value === undefined || value === '' ? {} : { [SALESFORCE_ENV[key]]: value }),
    });
    return config[key];
  } catch (error) {
    throw new Error(`Context "${SALESFORCE_CONTEXT[key]}" is refused: ${message(error)}`, {
      cause: error,
    });
  }
}

function fieldMapOverride(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const source = `Context "${SALESFORCE_CONTEXT.fieldMap}"`;
  // Throws a ConfigError that names the source and says what to fix.
  parseFieldMap(value, source);
  const compact = JSON.stringify(typeof value === 'string' ? JSON.parse(value) : value);
  const bytes = Buffer.byteLength(compact);
  if (bytes > MAX_FIELD_MAP_BYTES) {
    throw new Error(
      `${source} is ${bytes} bytes as compact JSON, over the ${MAX_FIELD_MAP_BYTES} it may take of the function's 4 KB of environment variables: list only what differs from the default map (docs/salesforce-field-map.md).`,
    );
  }
  return compact;
}

/** Checks the connector's context values; throws a message naming the context key to fix. */
export function salesforceSettings(props: SalesforceProps = {}): SalesforceSettings {
  const fieldMap = fieldMapOverride(props.fieldMap);
  return {
    loginUrl: checked('loginUrl', props.loginUrl),
    apiVersion: checked('apiVersion', props.apiVersion),
    ...(fieldMap === undefined ? {} : { fieldMap }),
  };
}

export interface SalesforceConnectorProps {
  readonly resources: ConnectorResources;
  /** From {@link salesforceSettings}. */
  readonly settings: SalesforceSettings;
}

/** The Salesforce connector's credentials secret and its queue consumer. */
export class SalesforceConnector extends Construct {
  readonly settings: SalesforceSettings;
  /** The connected app's credentials, as JSON; the admin replaces the placeholder. */
  readonly credentials: secretsmanager.Secret;
  readonly consumer: HubFunction;

  constructor(scope: Construct, id: string, props: SalesforceConnectorProps) {
    super(scope, id);
    this.settings = props.settings;

    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      description:
        'Salesforce connected app credentials, as JSON: {"clientId","clientSecret"} (client credentials flow) or {"clientId","username","privateKey"} (JWT bearer flow). Replace the placeholder; until then the connector fails with a message naming the missing key.',
      // JSON without a clientId: the connector's error names the key to fill in.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientId: '' }),
        generateStringKey: 'placeholder',
      },
    });
    Validations.of(this.credentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Salesforce issues the connected app credentials; AWS cannot rotate them. Rotate the consumer secret or certificate in Salesforce Setup, then put the new JSON in this secret (functions re-read it within minutes).',
    });

    this.consumer = connectorFunction(this, 'Consumer', {
      resources: props.resources,
      description: 'Upserts Stripe customers, subscriptions, invoices and payments into Salesforce',
      environment: {
        [SALESFORCE_ENV.loginUrl]: this.settings.loginUrl,
        [SALESFORCE_ENV.apiVersion]: this.settings.apiVersion,
        ...(this.settings.fieldMap === undefined
          ? {}
          : { [SALESFORCE_ENV.fieldMap]: this.settings.fieldMap }),
      },
    }).readsSecret(this.credentials, { env: SALESFORCE_ENV.secretArn });
  }
}
