/**
 * The connector functions of a HubStack: which are deployed, from the routing table and the
 * connectors' context, and the stack outputs an admin needs to finish their set-up.
 */
import { Annotations, CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ConnectorName } from '../shared/connectors.ts';
import type { RoutingTable } from '../shared/events/routing.ts';
import { CONNECTOR_QUEUE_DEFAULTS } from '../shared/resources.ts';
import type { ConnectorResources } from './constructs/connector-function.ts';
import type { ConnectorQueue } from './constructs/connector-queue.ts';
import { SalesforceConnector, type SalesforceSettings } from './constructs/salesforce-connector.ts';
import { WarehouseConnector } from './constructs/warehouse-connector.ts';
import { WAREHOUSE_CONTEXT, type WarehouseSettings } from './constructs/warehouse-settings.ts';

/** The id of the warning a stack gets when warehouse events are routed but have no target. */
export const NO_WAREHOUSE_TARGET = 'switchyard:warehouse-without-target';

export interface ConnectorsProps {
  readonly routes: RoutingTable;
  readonly queues: ReadonlyMap<ConnectorName, ConnectorQueue>;
  readonly ledger: dynamodb.ITable;
  readonly payloadBucket: s3.IBucket;
  readonly stripeApiKey: secretsmanager.ISecret;
  readonly livemode: boolean;
  /** The checked context of each connector (`salesforceSettings`, `warehouseSettings`). */
  readonly salesforce: SalesforceSettings;
  /** Undefined when no workgroup or cluster is given. */
  readonly warehouse: WarehouseSettings | undefined;
}

/** The connectors a stack deploys; a connector is absent when it is not deployed. */
export interface Connectors {
  readonly salesforce?: SalesforceConnector;
  readonly warehouse?: WarehouseConnector;
}

/**
 * Deploys the function of each connector that takes at least one event type and is configured.
 * Without a warehouse target the warehouse queue keeps its events (as for
 * any connector not built yet) and the stack carries a warning saying how to give it one.
 */
export function addConnectors(stack: Stack, props: ConnectorsProps): Connectors {
  const { salesforce, warehouse } = props;
  const resources = (connector: ConnectorName): ConnectorResources => {
    const queue = props.queues.get(connector);
    if (queue === undefined) throw new Error(`The stack has no queue for ${connector}.`);
    const { ledger, payloadBucket, stripeApiKey, livemode } = props;
    return { queue, ledger, payloadBucket, stripeApiKey, livemode };
  };
  const routed = (connector: ConnectorName) => props.routes[connector].length > 0;

  const connectors: { salesforce?: SalesforceConnector; warehouse?: WarehouseConnector } = {};
  if (routed('salesforce')) {
    const connector = new SalesforceConnector(stack, 'Salesforce', {
      resources: resources('salesforce'),
      settings: salesforce,
    });
    new CfnOutput(stack, 'SalesforceSecretArn', {
      description:
        'Put the Salesforce connected app credentials in this secret, as JSON: {"clientId","clientSecret"} or {"clientId","username","privateKey"}',
      value: connector.credentials.secretArn,
    });
    connectors.salesforce = connector;
  }
  if (routed('warehouse') && warehouse !== undefined) {
    const connector = new WarehouseConnector(stack, 'Warehouse', {
      resources: resources('warehouse'),
      settings: warehouse,
    });
    new CfnOutput(stack, 'WarehouseCopyRoleArn', {
      description:
        'Associate this IAM role with the Redshift Serverless namespace or the cluster (Manage IAM roles): COPY assumes it to read staged batches',
      value: connector.copyRole.roleArn,
    });
    new CfnOutput(stack, 'WarehouseStagingBucket', {
      description: 'Where the warehouse connector stages batches for COPY (files expire in a day)',
      value: connector.stagingBucket.bucketName,
    });
    connectors.warehouse = connector;
  } else if (routed('warehouse')) {
    Annotations.of(stack).addWarningV2(
      NO_WAREHOUSE_TARGET,
      `No warehouse function is deployed: neither "${WAREHOUSE_CONTEXT.workgroup}" nor "${WAREHOUSE_CONTEXT.clusterId}" is set. Warehouse events wait on the warehouse queue (SQS keeps them ${CONNECTOR_QUEUE_DEFAULTS.retentionDays} days) until one is: deploy with -c ${WAREHOUSE_CONTEXT.workgroup}=<name or ARN> or -c ${WAREHOUSE_CONTEXT.clusterId}=<id>, or route nothing to the warehouse in routingTable.`,
    );
  }
  return connectors;
}
