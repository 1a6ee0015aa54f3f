/**
 * `ConnectorQueue.addConsumer` on a throwaway stack, with a consumer that is not a connector's
 * function, so the wiring is pinned down apart from any connector. Bundling is skipped here
 * (`aws:cdk:bundling-stacks`); the HubStack test bundles the real functions.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConnectorQueue } from '../../infra/constructs/connector-queue.ts';
import { functionEntry, HubFunction } from '../../infra/constructs/hub-function.ts';
import { dlqUrlEnv, queueUrlEnv } from '../../shared/config.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import { CONNECTOR_INTAKE, CONNECTOR_QUEUE_DEFAULTS } from '../../shared/resources.ts';
import {
  actionsOn,
  asArray,
  getAtt,
  logicalId,
  nagFindings,
  ref,
  statementsOf,
} from './support.ts';

const d = CONNECTOR_QUEUE_DEFAULTS;

function consumerStack(options: { connector?: ConnectorName; timeoutSeconds?: number } = {}) {
  const connector = options.connector ?? 'netsuite';
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'ConsumerTest');
  const queue = new ConnectorQueue(stack, 'Queue', { connector });
  const consumer = new HubFunction(stack, 'Consumer', {
    entry: functionEntry('stripe-webhook'),
    serviceName: connector,
    timeout: Duration.seconds(options.timeoutSeconds ?? CONNECTOR_INTAKE[connector].timeoutSeconds),
  });
  return { app, stack, queue, consumer };
}

const { app, queue, consumer, stack } = consumerStack();
queue.addConsumer(consumer);
const template = Template.fromStack(stack);
const statements = statementsOf(template, consumer.role);
const queueArn = getAtt(queue.queue, 'Arn');
const dlqArn = getAtt(queue.deadLetterQueue, 'Arn');

describe('ConnectorQueue.addConsumer', () => {
  it("maps the queue to the function with partial batch responses and the connector's intake", () => {
    // Prepare
    const intake = CONNECTOR_INTAKE.netsuite;

    // Act
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));

    // Assess
    expect(mappings.map((m) => m.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: queueArn,
        FunctionName: ref(consumer.function),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: intake.batchSize,
        MaximumBatchingWindowInSeconds: intake.maxBatchingWindowSeconds,
      }),
    ]);
    // netsuite sets no concurrency cap, so the mapping has none.
    expect(mappings[0]?.Properties.ScalingConfig).toBeUndefined();
  });

  it("caps the consumer's concurrency where the intake says so (salesforce: 2)", () => {
    // Prepare
    const capped = consumerStack({ connector: 'salesforce' });

    // Act
    capped.queue.addConsumer(capped.consumer);

    // Assess
    Template.fromStack(capped.stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: CONNECTOR_INTAKE.salesforce.batchSize,
      MaximumBatchingWindowInSeconds: CONNECTOR_INTAKE.salesforce.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets the consumer receive and delete messages on its queue', () => {
    expect(actionsOn(statements, queueArn)).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
      ]),
    );
  });

  it('lets the consumer park messages in the DLQ, and only send there', () => {
    expect(actionsOn(statements, dlqArn)).toEqual(['sqs:SendMessage']);
  });

  it('tells the consumer its queue and dead-letter queue URLs', () => {
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(consumer.function)];
    expect(fn?.Properties.Environment.Variables[queueUrlEnv('netsuite')]).toEqual(ref(queue.queue));
    expect(fn?.Properties.Environment.Variables[dlqUrlEnv('netsuite')]).toEqual(
      ref(queue.deadLetterQueue),
    );
  });

  it('keeps the visibility timeout six times the consumer timeout', () => {
    const props = template.findResources('AWS::SQS::Queue')[logicalId(queue.queue)]?.Properties;
    expect(consumer.timeout.toSeconds()).toBe(CONNECTOR_INTAKE.netsuite.timeoutSeconds);
    expect(props.VisibilityTimeout).toBe(
      d.visibilityTimeoutMultiplier * consumer.timeout.toSeconds(),
    );
  });

  it('refuses a consumer whose timeout is not the intake timeout', () => {
    // Prepare
    const tooSlow = consumerStack({ timeoutSeconds: CONNECTOR_INTAKE.netsuite.timeoutSeconds + 1 });

    // Act
    const attach = () => tooSlow.queue.addConsumer(tooSlow.consumer);

    // Assess
    expect(attach).toThrow(
      /consumer's timeout is 61 s but CONNECTOR_INTAKE\.netsuite\.timeoutSeconds is 60 s.*consumerTimeout/,
    );
  });

  it('grants no wildcard action and passes cdk-nag', () => {
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('ConnectorQueue', () => {
  it('alarms when messages sit in the queue for over a day (e.g. no consumer)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue.queue), 'QueueName'] } },
      ],
      Threshold: 86_400,
    });
  });
});
