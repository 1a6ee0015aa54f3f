/**
 * What the ingress may do on AWS, permission by permission (least privilege), and what a connector
 * consumer may do on the ledger. Exact action sets, so a grant that widens fails here.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { functionEntry, HubFunction } from '../../infra/constructs/hub-function.ts';
import { CONNECTOR_QUEUES, PAYLOAD_BUCKET } from '../../shared/resources.ts';
import { actionsOn, asArray, getAtt, ref, statementsOf, synthHub } from './support.ts';

const { stack, ingressStatements, queueOf } = synthHub();
const ledgerArn = getAtt(stack.ledgerTable, 'Arn');
const ledgerIndexes = { 'Fn::Join': ['', [ledgerArn, '/index/*']] };
const idempotencyArn = getAtt(stack.idempotencyTable, 'Arn');
const sorted = (actions: string[]) => [...actions].sort();

describe('ingress on the ledger (an audit record)', () => {
  it('may only put, update, get, query and condition-check items in the ledger', () => {
    expect(sorted(actionsOn(ingressStatements, ledgerArn))).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('holds nothing on the GSIs or any other ARN under the ledger', () => {
    expect(actionsOn(ingressStatements, ledgerIndexes)).toEqual([]);
    const onLedger = ingressStatements.filter((s) =>
      JSON.stringify(s.Resource).includes(JSON.stringify(ledgerArn)),
    );
    expect(onLedger.flatMap((s) => asArray(s.Resource))).toEqual([ledgerArn]);
  });
});

describe('ingress on the idempotency table', () => {
  it('may get, put, update and delete the Powertools records, nothing else', () => {
    expect(sorted(actionsOn(ingressStatements, idempotencyArn))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });
});

describe('ingress on DynamoDB as a whole', () => {
  it('touches the two tables only, with item actions only (no scan, batch or table action)', () => {
    const dynamo = ingressStatements.filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('dynamodb:')),
    );
    expect(
      new Set(dynamo.flatMap((s) => asArray(s.Resource)).map((r) => JSON.stringify(r))),
    ).toEqual(new Set([JSON.stringify(ledgerArn), JSON.stringify(idempotencyArn)]));
    for (const action of dynamo.flatMap((s) => asArray(s.Action))) {
      expect(action).toMatch(
        /^dynamodb:(GetItem|PutItem|UpdateItem|DeleteItem|Query|ConditionCheckItem)$/,
      );
    }
  });
});

describe('ingress permissions (least privilege)', () => {
  const actions = ingressStatements.flatMap((s) => asArray(s.Action));

  it('has no wildcard action', () => {
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('only sends to queues: it cannot receive, delete or purge', () => {
    expect(new Set(actions.filter((a) => a.startsWith('sqs:')))).toEqual(
      new Set(['sqs:SendMessage']),
    );
    for (const { connector } of CONNECTOR_QUEUES) {
      const q = queueOf(connector);
      expect(actionsOn(ingressStatements, getAtt(q.queue, 'Arn'))).toEqual(['sqs:SendMessage']);
      expect(actionsOn(ingressStatements, getAtt(q.deadLetterQueue, 'Arn'))).toEqual([]);
    }
  });

  it('puts and gets payloads under the payload prefix only', () => {
    const s3 = ingressStatements.filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => asArray(s.Action)).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(s3.flatMap((s) => asArray(s.Resource))).toEqual([
      { 'Fn::Join': ['', [getAtt(stack.payloadBucket, 'Arn'), `/${PAYLOAD_BUCKET.prefix}*`]] },
    ]);
  });

  it('reads the webhook secret and nothing else in Secrets Manager', () => {
    expect(actionsOn(ingressStatements, ref(stack.webhookSecret))).toContain(
      'secretsmanager:GetSecretValue',
    );
    const secretActions = actions.filter((a) => a.startsWith('secretsmanager:'));
    expect(
      secretActions.every((a) => /^secretsmanager:(GetSecretValue|DescribeSecret)$/.test(a)),
    ).toBe(true);
  });

  it('uses Resource "*" for X-Ray only', () => {
    const anywhere = ingressStatements.filter((s) => asArray(s.Resource).includes('*'));
    expect(anywhere.flatMap((s) => asArray(s.Action)).every((a) => a.startsWith('xray:'))).toBe(
      true,
    );
  });
});

describe('a connector consumer on the ledger', () => {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const consumerStack = new Stack(app, 'ConsumerLedger');
  const ledger = new dynamodb.Table(consumerStack, 'Ledger', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const consumer = new HubFunction(consumerStack, 'Consumer', {
    entry: functionEntry('stripe-webhook'),
    serviceName: 'netsuite',
  }).useLedger(ledger, { access: 'consumer' });
  const statements = statementsOf(Template.fromStack(consumerStack), consumer.role);

  it('may get, query, update and put ledger items: no condition check, no delete', () => {
    expect(sorted(actionsOn(statements, getAtt(ledger, 'Arn')))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(
      statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('dynamodb:')),
    ).toHaveLength(4);
  });
});
