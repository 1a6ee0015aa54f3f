/**
 * The alarms of the hub: dead letters per connector, ingress 5xx and crashes, and refused
 * signatures (from the ingress's Powertools EMF metrics), all notifying the alarm topic.
 */
import { describe, expect, it } from 'vitest';
import { HubFunction, RUNTIME_ENV } from '../../infra/constructs/hub-function.ts';
import { INGRESS_METRICS } from '../../shared/ingress/metrics.ts';
import { CONNECTOR_QUEUES } from '../../shared/resources.ts';
import { getAtt, logicalId, ref, synthHub } from './support.ts';

const { stack, template, queueOf } = synthHub();

describe('alarms', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties,
  );
  const topic = ref(stack.alarmTopic);
  const connectors = CONNECTOR_QUEUES.map((q) => q.connector);

  it.each(connectors)('%s: alarms on the first dead letter', (c) => {
    const dlq = queueOf(c).deadLetterQueue;
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(dlq, 'QueueName') }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      }),
    );
  });

  it('alarms on ingress 5xx answers and on function errors', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        AlarmActions: [topic],
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(stack.ingress.function) }],
        AlarmActions: [topic],
      }),
    );
  });

  it('alarms on 5 refused signatures in 5 minutes (a wrong secret answers 400, not 5xx)', () => {
    const signature = alarms.filter((a) => a.MetricName === INGRESS_METRICS.signatureRejected);
    expect(signature).toEqual([
      expect.objectContaining({
        Namespace: INGRESS_METRICS.namespace,
        Dimensions: [{ Name: 'service', Value: 'stripe-webhook' }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      }),
    ]);
    const description = String(signature[0]?.AlarmDescription);
    expect(description).toMatch(/signing secret in Secrets Manager is probably wrong/);
    expect(description).toMatch(/forged requests/);
  });
});

describe('ingress metrics', () => {
  it('every HubFunction emits into the Switchyard namespace, as the `service` of its name', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const hubFunctions = stack.node.findAll().filter((c) => c instanceof HubFunction);
    expect(hubFunctions.length).toBeGreaterThan(0);
    for (const fn of hubFunctions) {
      const env = functions[logicalId(fn.function)]?.Properties.Environment.Variables;
      expect(env[RUNTIME_ENV.powertoolsMetricsNamespace]).toBe(INGRESS_METRICS.namespace);
      expect(env[RUNTIME_ENV.powertoolsServiceName]).toBe(fn.serviceName);
    }
    // The alarm's dimension is the ingress's service name.
    expect(stack.ingress.serviceName).toBe('stripe-webhook');
  });
});
