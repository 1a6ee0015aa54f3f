/** Clients and freshly provisioned resources on the run's local servers. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { localNames, provisionAll } from '../../local/provision.ts';
import { createDocumentClient, createSqsClient, loadS3Client } from '../../shared/aws.ts';
import type { AwsConfig } from '../../shared/config.ts';
import { Deliveries } from '../../shared/ledger/deliveries.ts';
import { Ledger } from '../../shared/ledger/ledger.ts';

export function localAws(): AwsConfig {
  const sqs = inject('sqsEndpoint');
  return { region: 'us-east-1', endpoints: { dynamodb: inject('dynamodbEndpoint'), sqs, s3: sqs } };
}

/** A unique prefix so test files never share a table, queue or bucket. */
export function uniquePrefix(): string {
  return `t${randomBytes(4).toString('hex')}-`;
}

/** Tables, queues and a bucket of their own, plus clients and a ledger on them. */
export async function freshResources() {
  const aws = localAws();
  const names = localNames(uniquePrefix());
  const queues = await provisionAll(aws, names);
  const sqs = createSqsClient(aws);
  const s3 = await loadS3Client(aws);
  const documents = createDocumentClient(aws);
  const options = { client: documents, tableName: names.ledgerTable, ttlDays: 90 };
  const ledger = new Ledger(options);
  const deliveries = new Deliveries(options);
  return { aws, names, queues, sqs, s3, documents, ledger, deliveries };
}
