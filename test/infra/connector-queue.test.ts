/**
 * `ConnectorQueue.addConsumer` on a throwaway stack: the stack does not call it yet (no connector
 * function exists), so this is where its wiring is pinned down. Bundling is skipped here
 * (`aws:cdk:bundling-stacks`); the HubStack test bundles the real ingress.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConnectorQueue } from '../../infra/constructs/connector-queue.ts';
import { functionEntry, HubFunction } from '../../infra/constructs/hub-function.ts';
import { dlqUrlEnv, queueUrlEnv } from '../../shared/config.ts';
import { CONNECTOR_QUEUE_DEFAULTS } from '../../shared/resources.ts';
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

function consumerStack(timeout = Duration.seconds(d.consumerTimeoutSeconds)) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'ConsumerTest');
  const queue = new ConnectorQueue(stack, 'Queue', { connector: 'netsuite' });
  const consumer = new HubFunction(stack, 'Consumer', {
    entry: functionEntry('stripe-webhook'),
    serviceName: 'netsuite',
    timeout,
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
  it('maps the queue to the function with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn,
      FunctionName: ref(consumer.function),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: d.batchSize,
      MaximumBatchingWindowInSeconds: d.maxBatchingWindowSeconds,
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

  it('keeps the visibility timeout at least six times the consumer timeout', () => {
    const props = template.findResources('AWS::SQS::Queue')[logicalId(queue.queue)]?.Properties;
    expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(
      d.visibilityTimeoutMultiplier * consumer.timeout.toSeconds(),
    );
  });

  it('refuses a consumer whose timeout would let messages reappear mid-flight', () => {
    const tooSlow = consumerStack(Duration.seconds(d.consumerTimeoutSeconds + 1));
    expect(() => tooSlow.queue.addConsumer(tooSlow.consumer)).toThrow(/timeout/);
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
