/**
 * Creates the hub's tables, queues, dead-letter queues and bucket on the local servers, from
 * the same definitions the CDK stack uses (`shared/resources.ts`). Safe to run on every start.
 */
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createDynamoDbClient, createSqsClient, loadS3Client } from '../shared/aws.ts';
import type { AwsConfig } from '../shared/config.ts';
import type { ConnectorName } from '../shared/connectors.ts';
import {
  CONNECTOR_QUEUE_DEFAULTS,
  CONNECTOR_QUEUES,
  IDEMPOTENCY_TABLE,
  LEDGER_TABLE,
  PAYLOAD_BUCKET,
  STAGING_BUCKET,
} from '../shared/resources.ts';

export interface LocalNames {
  ledgerTable: string;
  idempotencyTable: string;
  payloadBucket: string;
  stagingBucket: string;
  queues: Record<ConnectorName, { queueName: string; dlqName: string }>;
}

/** The resource names, with an optional prefix so parallel tests never share a resource. */
export function localNames(prefix = ''): LocalNames {
  const queues = {} as LocalNames['queues'];
  for (const q of CONNECTOR_QUEUES) {
    queues[q.connector] = {
      queueName: `${prefix}${q.queueName}`,
      dlqName: `${prefix}${q.dlqName}`,
    };
  }
  return {
    ledgerTable: `${prefix}${LEDGER_TABLE.localName}`,
    idempotencyTable: `${prefix}${IDEMPOTENCY_TABLE.localName}`,
    payloadBucket: `${prefix}${PAYLOAD_BUCKET.localName}`,
    stagingBucket: `${prefix}${STAGING_BUCKET.localName}`,
    queues,
  };
}

async function createTable(
  client: DynamoDBClient,
  input: ConstructorParameters<typeof CreateTableCommand>[0],
  ttlAttribute: string,
) {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: input.TableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
}

/** The ledger and idempotency tables, with their GSIs and TTL; existing tables are kept. */
async function provisionTables(client: DynamoDBClient, names: LocalNames): Promise<void> {
  const { byObject, byStatus } = LEDGER_TABLE.indexes;
  await createTable(
    client,
    {
      TableName: names.ledgerTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: LEDGER_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: LEDGER_TABLE.sortKey, AttributeType: 'S' },
        { AttributeName: byObject.partitionKey, AttributeType: 'S' },
        { AttributeName: byObject.sortKey, AttributeType: 'S' },
        { AttributeName: byStatus.partitionKey, AttributeType: 'S' },
        { AttributeName: byStatus.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: LEDGER_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [byObject, byStatus].map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: index.projection.type,
          ...(index.projection.nonKeyAttributes.length > 0
            ? { NonKeyAttributes: [...index.projection.nonKeyAttributes] }
            : {}),
        },
      })),
    },
    LEDGER_TABLE.ttlAttribute,
  );
  await createTable(
    client,
    {
      TableName: names.idempotencyTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
    },
    IDEMPOTENCY_TABLE.ttlAttribute,
  );
}

export interface ProvisionedQueue {
  queueUrl: string;
  dlqUrl: string;
}

/**
 * Creates a queue, or brings one a previous start left (data is kept between runs) to these
 * attributes: SQS refuses to create a queue again with other attributes, and a newer hub may
 * have changed them (a connector's timeout, so its visibility timeout).
 */
async function ensureQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const created = await client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    return created.QueueUrl ?? '';
  } catch (error) {
    // SQS's JSON protocol names it QueueNameExists; query-protocol servers (fauxqs) prefix it.
    const exists =
      error instanceof QueueNameExists ||
      (error instanceof Error && error.name.endsWith('QueueNameExists'));
    if (!exists) throw error;
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl ?? '';
  }
}

/** Each connector's queue with its dead-letter queue and redrive policy. */
async function provisionQueues(
  client: SQSClient,
  names: LocalNames,
): Promise<Record<ConnectorName, ProvisionedQueue>> {
  const result = {} as Record<ConnectorName, ProvisionedQueue>;
  for (const definition of CONNECTOR_QUEUES) {
    const { queueName, dlqName } = names.queues[definition.connector];
    const dlqUrl = await ensureQueue(client, dlqName, {
      MessageRetentionPeriod: String(CONNECTOR_QUEUE_DEFAULTS.dlqRetentionDays * 86_400),
    });
    const attributes = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueUrl = await ensureQueue(client, queueName, {
      VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
      MaximumMessageSize: String(definition.maximumMessageBytes),
      MessageRetentionPeriod: String(CONNECTOR_QUEUE_DEFAULTS.retentionDays * 86_400),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: attributes.Attributes?.QueueArn,
        maxReceiveCount: definition.maxReceiveCount,
      }),
    });
    result[definition.connector] = { queueUrl, dlqUrl };
  }
  return result;
}

/** The payload bucket. */
async function provisionBucket(client: S3Client, names: LocalNames): Promise<void> {
  for (const bucket of [names.payloadBucket, names.stagingBucket]) {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Everything the hub needs on one set of servers: tables, queues with their DLQs, the buckets. */
export async function provisionAll(
  aws: AwsConfig,
  names: LocalNames,
): Promise<Record<ConnectorName, ProvisionedQueue>> {
  const dynamodb = createDynamoDbClient(aws);
  const sqs = createSqsClient(aws);
  const s3 = await loadS3Client(aws);
  try {
    await provisionTables(dynamodb, names);
    const queues = await provisionQueues(sqs, names);
    await provisionBucket(s3, names);
    return queues;
  } finally {
    for (const client of [dynamodb, sqs, s3]) client.destroy();
  }
}
