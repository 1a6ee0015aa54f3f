/**
 * Provisioning on servers that kept an earlier start's data: a queue an older hub created with
 * other attributes is brought to the current ones instead of stopping `npm start`.
 */
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localNames, provisionAll } from '../../local/provision.ts';
import { CONNECTOR_INTAKE, CONNECTOR_QUEUE_DEFAULTS } from '../../shared/resources.ts';
import { freshResources, localAws, uniquePrefix } from '../support/aws.ts';

const r = await freshResources();

describe('provisionAll', () => {
  it('updates a queue an older hub left with another visibility timeout', async () => {
    // Prepare
    const names = localNames(uniquePrefix());
    await r.sqs.send(
      new CreateQueueCommand({
        QueueName: names.queues.salesforce.queueName,
        Attributes: { VisibilityTimeout: '360' },
      }),
    );

    // Act
    const queues = await provisionAll(localAws(), names);

    // Assess
    const { Attributes } = await r.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.salesforce.queueUrl,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
      }),
    );
    expect(Attributes?.VisibilityTimeout).toBe(
      String(
        CONNECTOR_INTAKE.salesforce.timeoutSeconds *
          CONNECTOR_QUEUE_DEFAULTS.visibilityTimeoutMultiplier,
      ),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 5 });
  });
});
