/**
 * `HubStack`: everything one Switchyard deployment runs on AWS (DESIGN §1): the Stripe webhook
 * route on an HTTP API, the ingress function, the ledger and idempotency tables, a queue and
 * dead-letter queue per connector, the payload bucket, the webhook signing secret, the Stripe API
 * key secret, the connector functions that are routed and configured (`connectors.ts`), and
 * alarms. Tables, queue settings and the bucket layout come from `shared/resources.ts`.
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ENV } from '../shared/config.ts';
import { CONNECTORS, type ConnectorName } from '../shared/connectors.ts';
import { DEFAULT_ROUTES, type RoutingTable } from '../shared/events/routing.ts';
import {
  CONNECTOR_QUEUES,
  IDEMPOTENCY_TABLE,
  INGRESS_TIMEOUT_SECONDS,
  LEDGER_TABLE,
  PAYLOAD_BUCKET,
  WEBHOOK_PATH,
} from '../shared/resources.ts';
import { addConnectors, type Connectors } from './connectors.ts';
import { ConnectorQueue } from './constructs/connector-queue.ts';
import { functionEntry, HubFunction } from './constructs/hub-function.ts';
import { addIngressAlarms } from './constructs/ingress-alarms.ts';
import { privateBucket } from './constructs/private-bucket.ts';
import { type SalesforceProps, salesforceSettings } from './constructs/salesforce-connector.ts';
import { type WarehouseProps, warehouseSettings } from './constructs/warehouse-settings.ts';
import { addWebhookApi } from './constructs/webhook-api.ts';
import { routingTableFromContext } from './context.ts';

export interface HubStackProps extends StackProps {
  /** Whether this deployment takes live-mode Stripe events (true) or test-mode ones (false). */
  readonly livemode: boolean;
  /** An address that receives alarm notifications; subscribe later in SNS if omitted. */
  readonly alarmEmail?: string;
  /**
   * Which connector takes which Stripe event types (see `shared/events/routing.ts`). The ingress
   * gets it as `ROUTING_TABLE` and may send only to the queues of connectors it routes to.
   * @default DEFAULT_ROUTES (every connector), with no `ROUTING_TABLE` set
   */
  readonly routingTable?: RoutingTable;
  /**
   * The Salesforce connector's context (`salesforceLoginUrl`, `salesforceApiVersion`,
   * `salesforceFieldMap`), checked at synthesis. Its function is deployed when salesforce is routed.
   */
  readonly salesforce?: SalesforceProps;
  /**
   * The warehouse's context (`warehouseWorkgroup` or `warehouseClusterId`, `warehouseDatabase`,
   * `warehouseSchema`, `warehouseDbUser`, `warehouseSecretArn`), checked at synthesis. Its function
   * is deployed when the warehouse is routed and a workgroup or cluster is given.
   */
  readonly warehouse?: WarehouseProps;
}

/**
 * One Switchyard deployment. Deploy one per Stripe mode (e.g. a test-mode stack and a live-mode
 * stack); physical names are generated, so several stacks can share an account and region.
 */
export class HubStack extends Stack {
  readonly ledgerTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly payloadBucket: s3.Bucket;
  readonly webhookSecret: secretsmanager.Secret;
  /** The Stripe secret key connectors use to re-read objects (STRIPE_API_KEY_SECRET_ARN). */
  readonly stripeApiKeySecret: secretsmanager.Secret;
  readonly connectorQueues: ReadonlyMap<ConnectorName, ConnectorQueue>;
  readonly ingress: HubFunction;
  readonly api: apigw.HttpApi;
  readonly alarmTopic: sns.Topic;
  /** The connector functions deployed (see `addConnectors`). */
  readonly connectors: Connectors;
  /** The routes the ingress applies: `props.routingTable`, or DEFAULT_ROUTES. */
  readonly routes: RoutingTable;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    // Validated here too, so a table built in code fails synthesis, not the first cold start.
    const routingTable = routingTableFromContext(props.routingTable, 'The routingTable prop');
    this.routes = routingTable ?? DEFAULT_ROUTES;
    // Every connector's context is checked, deployed or not, so a typo fails the day it is made.
    const salesforce = salesforceSettings(props.salesforce);
    const warehouse = warehouseSettings(props.warehouse);

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Switchyard alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const alarmAction = new cloudwatchActions.SnsAction(this.alarmTopic);

    this.ledgerTable = new dynamodb.Table(this, 'Ledger', {
      partitionKey: { name: LEDGER_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: LEDGER_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The ledger is the audit trail: deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(LEDGER_TABLE.indexes)) {
      this.ledgerTable.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        ...gsiProjection(index.projection),
      });
    }

    this.idempotencyTable = new dynamodb.Table(this, 'Idempotency', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Records only live for the idempotency window; nothing to keep after the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.payloadBucket = privateBucket(this, 'Payloads', {
      expire: {
        ruleId: 'expire-event-payloads',
        prefix: PAYLOAD_BUCKET.prefix,
        expirationDays: PAYLOAD_BUCKET.expirationDays,
      },
      noAccessLogsBecause:
        'Only the hub functions read or write this bucket, through least-privilege roles, and every access is tied to a ledger entry; S3 server access logs would add a second bucket and cost without adding evidence. Enable CloudTrail S3 data events if your audit requires it.',
    });

    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description:
        'Stripe webhook signing secret(s) of the /webhooks/stripe endpoint: replace the generated value with the whsec_… secret from the Stripe Dashboard; during a rotation, list the old and new secrets comma-separated.',
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Stripe issues webhook signing secrets; AWS cannot rotate them. Rotate in the Stripe Dashboard, then store old and new secrets comma-separated (the ingress accepts any of them) until the old one expires.',
    });

    this.stripeApiKeySecret = new secretsmanager.Secret(this, 'StripeApiKeySecret', {
      description:
        "Stripe secret key the connectors re-read objects with: replace the generated value with the deployment mode's sk_… (or a restricted rk_… key with read access) from the Stripe Dashboard.",
    });
    Validations.of(this.stripeApiKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Stripe issues API keys; AWS cannot rotate them. Roll the key in the Stripe Dashboard (with an expiry for the old one), put the new key in this secret, and functions pick it up within minutes.',
    });

    const queues = new Map<ConnectorName, ConnectorQueue>();
    for (const definition of CONNECTOR_QUEUES) {
      queues.set(
        definition.connector,
        new ConnectorQueue(this, `Connector-${definition.connector}`, {
          connector: definition.connector,
          alarmAction,
        }),
      );
    }
    this.connectorQueues = queues;

    this.ingress = new HubFunction(this, 'StripeWebhook', {
      entry: functionEntry('stripe-webhook'),
      serviceName: 'stripe-webhook',
      description: `Receives Stripe events on POST ${WEBHOOK_PATH}: verifies, records, routes`,
      timeout: Duration.seconds(INGRESS_TIMEOUT_SECONDS),
      environment: {
        [ENV.livemode]: String(props.livemode),
        ...(routingTable === undefined ? {} : { [ENV.routingTable]: JSON.stringify(routingTable) }),
      },
    })
      .readsWebhookSecret(this.webhookSecret)
      .useLedger(this.ledgerTable, { access: 'ingress' })
      .useIdempotencyTable(this.idempotencyTable)
      .usePayloadBucket(this.payloadBucket, { access: 'ingress' });
    // Every connector keeps its queue; the ingress may send only where an event can be routed.
    for (const connector of CONNECTORS) {
      const queue = queues.get(connector);
      if (queue && this.routes[connector].length > 0) this.ingress.sendsTo(queue);
    }

    const { api, stage } = addWebhookApi(this, this.ingress);
    this.api = api;
    addIngressAlarms(this, { stage, ingress: this.ingress, action: alarmAction });

    this.connectors = addConnectors(this, {
      routes: this.routes,
      queues,
      ledger: this.ledgerTable,
      payloadBucket: this.payloadBucket,
      stripeApiKey: this.stripeApiKeySecret,
      livemode: props.livemode,
      salesforce,
      warehouse,
    });

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Add this URL as a webhook endpoint in the Stripe Dashboard',
      value: `${stage.url.replace(/\/$/, '')}${WEBHOOK_PATH}`,
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      description: 'Put the endpoint signing secret(s) (whsec_…, comma-separated) in this secret',
      value: this.webhookSecret.secretArn,
    });
    new CfnOutput(this, 'StripeApiKeySecretArn', {
      description: "Put the Stripe secret key (sk_… of this deployment's mode) in this secret",
      value: this.stripeApiKeySecret.secretArn,
    });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledgerTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to this topic to receive alarms',
      value: this.alarmTopic.topicArn,
    });
  }
}

/** A GSI's projection as `shared/resources.ts` defines it, in `addGlobalSecondaryIndex` terms. */
export function gsiProjection(projection: {
  readonly type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes: readonly string[];
}): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  switch (projection.type) {
    case 'INCLUDE':
      return {
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...projection.nonKeyAttributes],
      };
    case 'KEYS_ONLY':
    case 'ALL':
      // DynamoDB takes non-key attributes for INCLUDE only; the others project none or all.
      if (projection.nonKeyAttributes.length > 0) {
        throw new Error(
          `A ${projection.type} projection lists non-key attributes (${projection.nonKeyAttributes.join(', ')}): use type INCLUDE, or list none.`,
        );
      }
      return {
        projectionType:
          projection.type === 'ALL'
            ? dynamodb.ProjectionType.ALL
            : dynamodb.ProjectionType.KEYS_ONLY,
      };
  }
}
