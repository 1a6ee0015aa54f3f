/**
 * What every connector's function has in common: a `HubFunction` under `functions/connectors/`,
 * consumer access to the ledger, read access to event payloads, the Stripe secret key (connectors
 * re-read objects from Stripe), the deployment mode, and its queue as the event source.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import type { ConnectorQueue } from './connector-queue.ts';
import { functionEntry, HubFunction } from './hub-function.ts';

/** The stack's shared resources a connector function uses. */
export interface ConnectorResources {
  readonly queue: ConnectorQueue;
  readonly ledger: dynamodb.ITable;
  readonly payloadBucket: s3.IBucket;
  /** The secret holding the Stripe secret key (sk_…/rk_…) of the deployment's mode. */
  readonly stripeApiKey: secretsmanager.ISecret;
  /** STRIPE_LIVEMODE: the key is checked against it before the first call to Stripe. */
  readonly livemode: boolean;
}

/**
 * The function of `resources.queue.connector`, wired as its queue's consumer. Its timeout is the
 * connector's intake timeout (see `ConnectorQueue.addConsumer`); `environment` holds the
 * connector's own settings that need no grant.
 */
export function connectorFunction(
  scope: Construct,
  id: string,
  options: {
    resources: ConnectorResources;
    description: string;
    environment?: Readonly<Record<string, string>>;
    /** @default 512 MiB */
    memorySize?: number;
  },
): HubFunction {
  const { queue, ledger, payloadBucket, stripeApiKey, livemode } = options.resources;
  const fn = new HubFunction(scope, id, {
    entry: functionEntry(`connectors/${queue.connector}`),
    serviceName: `connector-${queue.connector}`,
    description: options.description,
    timeout: queue.consumerTimeout,
    ...(options.memorySize === undefined ? {} : { memorySize: options.memorySize }),
    environment: { [ENV.livemode]: String(livemode), ...options.environment },
  })
    .useLedger(ledger, { access: 'consumer' })
    .usePayloadBucket(payloadBucket, { access: 'consumer' })
    .readsStripeApiKey(stripeApiKey);
  queue.addConsumer(fn);
  return fn;
}
