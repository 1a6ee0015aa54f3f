/**
 * Starts the real local servers once per test run: DynamoDB Local (Java) and fauxqs (SQS and
 * S3). Test files isolate themselves with their own table, queue and bucket names.
 */

import { startFauxqs } from 'fauxqs';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, fauxqs] = await Promise.all([
    startDynamoDbLocal(),
    startFauxqs({ port: 0, logger: false }),
  ]);
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', fauxqs.address);
  return async () => {
    await Promise.all([dynamo.stop(), fauxqs.stop()]);
  };
}
