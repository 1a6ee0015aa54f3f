/**
 * `ConnectorQueue`: the SQS queue a connector consumes and its dead-letter queue, built from the
 * connector's definition in `shared/resources.ts` (the same one the local runtime uses), with
 * alarms on dead letters and on a stalled queue. Connector functions attach with `addConsumer`.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { dlqUrlEnv, queueUrlEnv } from '../../shared/config.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import {
  CONNECTOR_INTAKE,
  CONNECTOR_QUEUE_DEFAULTS,
  type ConnectorIntake,
  type ConnectorQueueDefinition,
  connectorQueue,
} from '../../shared/resources.ts';
import type { HubFunction } from './hub-function.ts';

/**
 * Messages older than this are about to be dropped by the retention period without ever reaching
 * the dead-letter queue (e.g. no consumer is running), so the queue alarms well before that.
 */
const STALLED_AFTER = Duration.days(1);

export interface ConnectorQueueProps {
  readonly connector: ConnectorName;
  /** Where the alarms notify (e.g. an SNS topic); without it they only change state. */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * One connector's queue and dead-letter queue. Use one per connector in the stack; the ingress
 * sends to it (`HubFunction.sendsTo`) and the connector's function consumes it (`addConsumer`).
 */
export class ConnectorQueue extends Construct {
  readonly connector: ConnectorName;
  readonly definition: ConnectorQueueDefinition;
  /** How the consumer takes the queue: batch size, batching window, concurrency, timeout. */
  readonly intake: ConnectorIntake;
  /** The timeout of this connector's consumer: create the function with it. */
  readonly consumerTimeout: Duration;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Fires as soon as one message is dead-lettered: someone must look at it. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Fires when the oldest message waits longer than a day: the consumer is stuck or missing. */
  readonly stalledAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ConnectorQueueProps) {
    super(scope, id);
    const d = CONNECTOR_QUEUE_DEFAULTS;
    this.connector = props.connector;
    this.definition = connectorQueue(props.connector);
    this.intake = CONNECTOR_INTAKE[props.connector];
    this.consumerTimeout = Duration.seconds(this.intake.timeoutSeconds);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(d.dlqRetentionDays),
      maxMessageSizeBytes: this.definition.maximumMessageBytes,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(this.definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(d.retentionDays),
      maxMessageSizeBytes: this.definition.maximumMessageBytes,
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: this.definition.maxReceiveCount,
      },
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: `Events for ${props.connector} reached its dead-letter queue. Find them in the ledger (status DEAD or FAILED) for the error to fix, then redrive the dead-letter queue.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.stalledAlarm = new cloudwatch.Alarm(this, 'StalledAlarm', {
      alarmDescription: `The oldest ${props.connector} message has waited over ${STALLED_AFTER.toHumanString()}; after ${d.retentionDays} days SQS drops it. Check that the ${props.connector} consumer is deployed and succeeding.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: STALLED_AFTER.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.alarmAction) {
      this.deadLetterAlarm.addAlarmAction(props.alarmAction);
      this.stalledAlarm.addAlarmAction(props.alarmAction);
    }
  }

  /**
   * Makes `fn` this connector's consumer: an SQS event source with the connector's intake
   * (`CONNECTOR_INTAKE`: batch size, batching window, maximum concurrency) and partial batch
   * responses (`ReportBatchItemFailures`), permission to consume the queue, permission to send to
   * the dead-letter queue (a consumer parks a permanently failing message there at once instead
   * of waiting for `maxReceiveCount` receives), and both queue URLs in its environment.
   *
   * Throws unless the function's timeout is the intake's (`consumerTimeout`): the queue's
   * visibility timeout is six times that, and the local poller uses the same figure, so a longer
   * timeout would let a message reappear, and be processed twice, while still in flight.
   */
  addConsumer(fn: HubFunction): this {
    const timeoutSeconds = fn.timeout.toSeconds();
    if (timeoutSeconds !== this.intake.timeoutSeconds) {
      throw new Error(
        `${this.node.path}: the ${this.connector} consumer's timeout is ${timeoutSeconds} s but CONNECTOR_INTAKE.${this.connector}.timeoutSeconds is ${this.intake.timeoutSeconds} s (the queue's visibility timeout is ${this.definition.visibilityTimeoutSeconds} s, six times that): create the function with \`timeout: connectorQueue.consumerTimeout\`, or change the intake in shared/resources.ts.`,
      );
    }
    fn.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.intake.batchSize,
        maxBatchingWindow: Duration.seconds(this.intake.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        ...(this.intake.maxConcurrency === undefined
          ? {}
          : { maxConcurrency: this.intake.maxConcurrency }),
      }),
    );
    // SqsEventSource grants consume on the queue; the DLQ is send-only.
    fn.grantSendOnly(this.deadLetterQueue);
    fn.setEnvironment(queueUrlEnv(this.connector), this.queue.queueUrl);
    fn.setEnvironment(dlqUrlEnv(this.connector), this.deadLetterQueue.queueUrl);
    return this;
  }
}
