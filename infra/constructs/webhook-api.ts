/**
 * The Stripe webhook's HTTP API: one POST route to the ingress (payload format 2.0), the
 * `$default` stage with throttling and JSON access logs.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { WEBHOOK_PATH } from '../../shared/resources.ts';
import type { HubFunction } from './hub-function.ts';

/** The HTTP API with its one route, access logs and throttling. */
export function addWebhookApi(
  scope: Construct,
  ingress: HubFunction,
): { api: apigw.HttpApi; stage: apigw.HttpStage } {
  const api = new apigw.HttpApi(scope, 'Api', {
    description: 'Switchyard: Stripe webhook ingress',
    createDefaultStage: false,
  });
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
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
    integration: new HttpLambdaIntegration('StripeWebhookIntegration', ingress.function, {
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
