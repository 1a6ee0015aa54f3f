/**
 * Wires the warehouse connector from its settings: the same function serves the Lambda
 * (`functions/connectors/warehouse`) and the laptop runtime.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { clientOptions } from '../../aws.ts';
import { type Env, parseAwsConfig } from '../../config.ts';
import type { BatchConnectorLogic } from '../../queue/batch.ts';
import { lazyStripeClient } from '../../stripe/client.ts';
import { parseStripeApiSource } from '../../stripe/config.ts';
import { createWarehouseClient, type WarehouseClient } from './client.ts';
import { parseWarehouseConfig, type WarehouseConfig } from './config.ts';
import { createWarehouseConnector } from './sync.ts';

/**
 * The staging bucket's client: AWS_ENDPOINT_URL_S3 (a local server, addressed by path) when
 * set. Every batch stages through S3, so it is made at cold start rather than on first use.
 */
function stagingS3(env: Env): S3Client {
  const aws = parseAwsConfig(env);
  const endpoint = aws.endpoints.s3;
  // Local S3 servers are addressed by path: bucket.localhost names need wildcard DNS.
  return new S3Client({ ...clientOptions(aws, endpoint), forcePathStyle: endpoint !== undefined });
}

/** The connector's logic, its Data API client (whose counts benchmarks read) and its settings. */
export function buildWarehouseConnector(
  env: Env,
  logger: Logger,
): { logic: BatchConnectorLogic; client: WarehouseClient; config: WarehouseConfig } {
  const config = parseWarehouseConfig(env);
  const client = createWarehouseClient(config);
  const logic = createWarehouseConnector({
    client,
    s3: stagingS3(env),
    stripe: lazyStripeClient(parseStripeApiSource(env)),
    config,
    logger,
  });
  return { logic, client, config };
}
