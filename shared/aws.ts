/**
 * AWS SDK v3 clients built from {@link AwsConfig}: the real services by default, or local
 * servers speaking the same wire protocols when an endpoint is configured.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsConfig } from './config.ts';

/** Local servers accept any credentials; these keep the SDK from searching for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * A stalled connection must not outlive the invocation (the ingress's idempotency lock expires
 * with it), so every request has a deadline; the SDK's own retries still apply.
 */
const REQUEST_HANDLER = { connectionTimeout: 3_000, requestTimeout: 10_000 };

/**
 * The options every AWS SDK client of the hub takes: the region, request deadlines, and for a
 * local server its endpoint with placeholder credentials.
 */
export function clientOptions(aws: Pick<AwsConfig, 'region'>, endpoint: string | undefined) {
  const base = { region: aws.region, requestHandler: REQUEST_HANDLER };
  return endpoint === undefined ? base : { ...base, endpoint, credentials: LOCAL_CREDENTIALS };
}

/** A DynamoDB client for the configured endpoint. */
export function createDynamoDbClient(aws: AwsConfig): DynamoDBClient {
  return new DynamoDBClient(clientOptions(aws, aws.endpoints.dynamodb));
}

/** The document client the ledger uses; pass `client` to share one DynamoDB client. */
export function createDocumentClient(
  aws: AwsConfig,
  client: DynamoDBClient = createDynamoDbClient(aws),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** An SQS client for the configured endpoint. */
export function createSqsClient(aws: AwsConfig): SQSClient {
  return new SQSClient(clientOptions(aws, aws.endpoints.sqs));
}

/**
 * The S3 client, loaded on first use: only events too large for one SQS message need S3, and
 * the module is the largest of the SDK clients, so the ingress does not pay for it at cold start.
 */
export async function loadS3Client(aws: AwsConfig): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = aws.endpoints.s3;
  // Local S3 servers are addressed by path: bucket.localhost names need wildcard DNS.
  return new S3Client({ ...clientOptions(aws, endpoint), forcePathStyle: endpoint !== undefined });
}
