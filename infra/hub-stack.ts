/**
 * `HubStack`: everything one Switchyard deployment runs on AWS (DESIGN §1): the Stripe webhook
 * route on an HTTP API, the ingress function, the ledger and idempotency tables, a queue and
 * dead-letter queue per connector, the payload bucket, the webhook signing secret, and alarms.
 * Tables, queue settings and the bucket layout come from `shared/resources.ts`.
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ENV } from '../shared/config.ts';
import { CONNECTORS, type ConnectorName } from '../shared/connectors.ts';
import { DEFAULT_ROUTES, type RoutingTable } from '../shared/events/routing.ts';
import { INGRESS_METRICS } from '../shared/ingress/metrics.ts';
import {
  CONNECTOR_QUEUES,
  IDEMPOTENCY_TABLE,
  INGRESS_TIMEOUT_SECONDS,
  LEDGER_TABLE,
  PAYLOAD_BUCKET,
  WEBHOOK_PATH,
} from '../shared/resources.ts';
import { ConnectorQueue } from './constructs/connector-queue.ts';
import { functionEntry, HubFunction } from './constructs/hub-function.ts';
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
  readonly connectorQueues: ReadonlyMap<ConnectorName, ConnectorQueue>;
  readonly ingress: HubFunction;
  readonly api: apigw.HttpApi;
  readonly alarmTopic: sns.Topic;
  /** The routes the ingress applies: `props.routingTable`, or DEFAULT_ROUTES. */
  readonly routes: RoutingTable;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    // Validated here too, so a table built in code fails synthesis, not the first cold start.
    const routingTable = routingTableFromContext(props.routingTable, 'The routingTable prop');
    this.routes = routingTable ?? DEFAULT_ROUTES;

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

    this.payloadBucket = new s3.Bucket(this, 'Payloads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-event-payloads',
          prefix: PAYLOAD_BUCKET.prefix,
          expiration: Duration.days(PAYLOAD_BUCKET.expirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    Validations.of(this.payloadBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
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
      .usePayloadBucket(this.payloadBucket);
    // Every connector keeps its queue; the ingress may send only where an event can be routed.
    for (const connector of CONNECTORS) {
      const queue = queues.get(connector);
      if (queue && this.routes[connector].length > 0) this.ingress.sendsTo(queue);
    }

    const { api, stage } = this.webhookApi();
    this.api = api;
    this.ingressAlarms(stage, alarmAction);

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Add this URL as a webhook endpoint in the Stripe Dashboard',
      value: `${stage.url.replace(/\/$/, '')}${WEBHOOK_PATH}`,
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      description: 'Put the endpoint signing secret(s) (whsec_…, comma-separated) in this secret',
      value: this.webhookSecret.secretArn,
    });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledgerTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to this topic to receive alarms',
      value: this.alarmTopic.topicArn,
    });
  }

  /** The HTTP API with its one route, access logs and throttling. */
  private webhookApi(): { api: apigw.HttpApi; stage: apigw.HttpStage } {
    const api = new apigw.HttpApi(this, 'Api', {
      description: 'Switchyard: Stripe webhook ingress',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Stripe retries a 429 later; this caps what a flood of unsigned requests can cost.
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const [route] = api.addRoutes({
      path: WEBHOOK_PATH,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('StripeWebhookIntegration', this.ingress.function, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    if (route) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Stripe cannot present AWS credentials or tokens; every request is authenticated by its Stripe-Signature (HMAC-SHA256 with the endpoint secret, 300 s tolerance), and unsigned requests are rejected before anything is stored.',
      });
    }
    return { api, stage };
  }

  /**
   * Alarms on the ingress answering 5xx (Stripe then retries), on the function failing, and on a
   * burst of refused signatures (the hub answers 400, so no 5xx alarm sees a wrong secret).
   */
  private ingressAlarms(stage: apigw.HttpStage, action: cloudwatch.IAlarmAction): void {
    const serverErrors = new cloudwatch.Alarm(this, 'Ingress5xxAlarm', {
      alarmDescription: `POST ${WEBHOOK_PATH} answered 5xx repeatedly: Stripe is retrying but events are not being recorded. Check the stripe-webhook function logs (DynamoDB, SQS or S3 errors).`,
      metric: stage.metricServerError({ period: Duration.minutes(5) }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const functionErrors = new cloudwatch.Alarm(this, 'IngressErrorsAlarm', {
      alarmDescription:
        'The stripe-webhook function crashed or timed out. Check its logs; Stripe retries the affected events.',
      metric: this.ingress.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const signatureRejected = new cloudwatch.Alarm(this, 'IngressSignatureRejectedAlarm', {
      alarmDescription: `POST ${WEBHOOK_PATH} refused 5 or more requests in 5 minutes because of their Stripe-Signature: the signing secret in Secrets Manager is probably wrong, or someone is sending forged requests. Compare the secret (stack output WebhookSecretArn) with the endpoint's whsec_… secret in the Stripe Dashboard (during a rotation, list old and new comma-separated); if it matches, check the source IPs in the API access logs.`,
      metric: new cloudwatch.Metric({
        namespace: INGRESS_METRICS.namespace,
        metricName: INGRESS_METRICS.signatureRejected,
        // Powertools Metrics names the POWERTOOLS_SERVICE_NAME dimension `service`.
        dimensionsMap: { service: this.ingress.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [serverErrors, functionErrors, signatureRejected]) {
      alarm.addAlarmAction(action);
    }
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
