/**
 * The ingress's alarms, all notifying the alarm topic: Stripe being answered 5xx, the function
 * failing, and a burst of refused signatures.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { INGRESS_METRICS } from '../../shared/ingress/metrics.ts';
import { WEBHOOK_PATH } from '../../shared/resources.ts';
import type { HubFunction } from './hub-function.ts';

/**
 * Alarms on the ingress answering 5xx (Stripe then retries), on the function failing, and on a
 * burst of refused signatures (the hub answers 400, so no 5xx alarm sees a wrong secret).
 */
export function addIngressAlarms(
  scope: Construct,
  options: { stage: apigw.HttpStage; ingress: HubFunction; action: cloudwatch.IAlarmAction },
): cloudwatch.Alarm[] {
  const { stage, ingress, action } = options;
  const serverErrors = new cloudwatch.Alarm(scope, 'Ingress5xxAlarm', {
    alarmDescription: `POST ${WEBHOOK_PATH} answered 5xx repeatedly: Stripe is retrying but events are not being recorded. Check the stripe-webhook function logs (DynamoDB, SQS or S3 errors).`,
    metric: stage.metricServerError({ period: Duration.minutes(5) }),
    threshold: 5,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const functionErrors = new cloudwatch.Alarm(scope, 'IngressErrorsAlarm', {
    alarmDescription:
      'The stripe-webhook function crashed or timed out. Check its logs; Stripe retries the affected events.',
    metric: ingress.function.metricErrors({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const signatureRejected = new cloudwatch.Alarm(scope, 'IngressSignatureRejectedAlarm', {
    alarmDescription: `POST ${WEBHOOK_PATH} refused 5 or more requests in 5 minutes because of their Stripe-Signature: the signing secret in Secrets Manager is probably wrong, or someone is sending forged requests. Compare the secret (stack output WebhookSecretArn) with the endpoint's whsec_… secret in the Stripe Dashboard (during a rotation, list old and new comma-separated); if it matches, check the source IPs in the API access logs.`,
    metric: new cloudwatch.Metric({
      namespace: INGRESS_METRICS.namespace,
      metricName: INGRESS_METRICS.signatureRejected,
      // Powertools Metrics names the POWERTOOLS_SERVICE_NAME dimension `service`.
      dimensionsMap: { service: ingress.serviceName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    }),
    threshold: 5,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const alarms = [serverErrors, functionErrors, signatureRejected];
  for (const alarm of alarms) alarm.addAlarmAction(action);
  return alarms;
}
