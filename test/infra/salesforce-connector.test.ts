/**
 * The Salesforce connector on AWS: deployed when salesforce takes events, consuming its queue with
 * CONNECTOR_INTAKE.salesforce, allowed exactly what it uses, and configured from context that is
 * checked at synthesis by the code the function runs at cold start.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_FIELD_MAP_BYTES,
  salesforceSettings,
} from '../../infra/constructs/salesforce-connector.ts';
import { routingTableFromContext } from '../../infra/context.ts';
import { ENV, parseConsumerConfig, queueUrlEnv } from '../../shared/config.ts';
import {
  parseCredentialSecret,
  parseSalesforceConfig,
  SALESFORCE_ENV,
} from '../../shared/connectors/salesforce/config.ts';
import { DEFAULT_FIELD_MAP, parseFieldMap } from '../../shared/connectors/salesforce/field-map.ts';
import { CONNECTOR_INTAKE, PAYLOAD_BUCKET } from '../../shared/resources.ts';
import { parseStripeApiSource } from '../../shared/stripe/config.ts';
import {
  actionsOn,
  asArray,
  getAtt,
  logicalId,
  nagFindings,
  ref,
  resolvedEnv,
  synthConnector,
  synthHub,
} from './support.ts';

const fieldMap = { account: { fields: { email: 'Billing_Email__c' } } };
const {
  hub,
  connector: salesforce,
  statements,
  env,
  queue,
} = synthConnector('salesforce', {
  salesforce: { loginUrl: 'https://test.salesforce.com', fieldMap },
});
const { stack, template } = hub;
const actions = statements.flatMap((s) => asArray(s.Action));

describe('Salesforce function permissions (least privilege)', () => {
  it('reads exactly two secrets: the connected app credentials and the Stripe key', () => {
    const secretStatements = statements.filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretStatements.flatMap((s) => asArray(s.Resource))).toEqual(
      expect.arrayContaining([ref(salesforce.credentials), ref(stack.stripeApiKeySecret)]),
    );
    expect(secretStatements.flatMap((s) => asArray(s.Resource))).toHaveLength(2);
    expect(new Set(secretStatements.flatMap((s) => asArray(s.Action)))).toEqual(
      new Set(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']),
    );
  });

  it('gets, queries, updates and puts ledger items, on the table and nothing under it', () => {
    const ledgerArn = getAtt(stack.ledgerTable, 'Arn');
    expect([...actionsOn(statements, ledgerArn)].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const dynamo = statements.filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo.flatMap((s) => asArray(s.Resource))).toEqual([ledgerArn]);
  });

  it('consumes its own queue and may only send to its own dead-letter queue', () => {
    const sqs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('sqs:')));
    expect(new Set(sqs.flatMap((s) => asArray(s.Resource)).map((r) => JSON.stringify(r)))).toEqual(
      new Set(
        [getAtt(queue.queue, 'Arn'), getAtt(queue.deadLetterQueue, 'Arn')].map((r) =>
          JSON.stringify(r),
        ),
      ),
    );
    expect(actionsOn(statements, getAtt(queue.queue, 'Arn'))).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actionsOn(statements, getAtt(queue.deadLetterQueue, 'Arn'))).toEqual([
      'sqs:SendMessage',
    ]);
  });

  it('reads payloads under the payload prefix and never writes them', () => {
    const s3 = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => asArray(s.Action))).toEqual(['s3:GetObject']);
    expect(s3.flatMap((s) => asArray(s.Resource))).toEqual([
      { 'Fn::Join': ['', [getAtt(stack.payloadBucket, 'Arn'), `/${PAYLOAD_BUCKET.prefix}*`]] },
    ]);
  });

  it('has no wildcard action and uses Resource "*" for X-Ray only', () => {
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const anywhere = statements.filter((s) => asArray(s.Resource).includes('*'));
    expect(anywhere.flatMap((s) => asArray(s.Action)).every((a) => a.startsWith('xray:'))).toBe(
      true,
    );
  });
});

describe('Salesforce function settings', () => {
  it('is told its queues, ledger, payloads, secrets, Salesforce settings and mode', () => {
    expect(env).toMatchObject({
      [queueUrlEnv('salesforce')]: ref(queue.queue),
      [ENV.ledgerTable]: ref(stack.ledgerTable),
      [ENV.payloadBucket]: ref(stack.payloadBucket),
      [ENV.stripeApiKeySecretArn]: ref(stack.stripeApiKeySecret),
      [SALESFORCE_ENV.secretArn]: ref(salesforce.credentials),
      [SALESFORCE_ENV.loginUrl]: 'https://test.salesforce.com',
      [SALESFORCE_ENV.apiVersion]: '62.0',
      [SALESFORCE_ENV.fieldMap]: JSON.stringify(fieldMap),
      [ENV.livemode]: 'true',
    });
    expect(env).not.toHaveProperty(ENV.stripeApiKey);
    expect(env).not.toHaveProperty(SALESFORCE_ENV.clientSecret);
  });

  it('is a configuration the function accepts at cold start', () => {
    // Prepare
    const coldStartEnv = resolvedEnv(env);

    // Act
    const consumer = parseConsumerConfig(coldStartEnv, 'salesforce');
    const config = parseSalesforceConfig(coldStartEnv);
    const stripe = parseStripeApiSource(coldStartEnv);

    // Assess
    expect(consumer.queueUrl).toBe(`resolved-${queueUrlEnv('salesforce')}`);
    expect(config.credentials.kind).toBe('secretsManager');
    expect(config.loginUrl).toBe('https://test.salesforce.com');
    expect(stripe).toMatchObject({ kind: 'secretsManager', livemode: true });
    const map = parseFieldMap(config.fieldMapOverride, SALESFORCE_ENV.fieldMap);
    expect(map.account.fields.email).toBe('Billing_Email__c');
  });

  it('takes large batches, at most two at once, with partial batch responses', () => {
    const intake = CONNECTOR_INTAKE.salesforce;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queue.queue, 'Arn'),
      FunctionName: ref(salesforce.consumer.function),
      BatchSize: intake.batchSize,
      MaximumBatchingWindowInSeconds: intake.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('times out with the intake, a sixth of its queue visibility timeout', () => {
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalId(salesforce.consumer.function)];
    const q = template.findResources('AWS::SQS::Queue')[logicalId(queue.queue)];
    expect(fn?.Properties.Timeout).toBe(CONNECTOR_INTAKE.salesforce.timeoutSeconds);
    expect(q?.Properties.VisibilityTimeout).toBe(6 * CONNECTOR_INTAKE.salesforce.timeoutSeconds);
  });

  it('starts with placeholder credentials the connector refuses, naming what to store', () => {
    // Prepare
    const secret = template.findResources('AWS::SecretsManager::Secret')[
      logicalId(salesforce.credentials)
    ];
    const generated = secret?.Properties.GenerateSecretString;
    const placeholder = JSON.stringify({
      ...JSON.parse(generated.SecretStringTemplate),
      [generated.GenerateStringKey]: 'generated',
    });

    // Act
    const read = () => parseCredentialSecret(placeholder, 'arn:placeholder');

    // Assess
    expect(read).toThrow(
      /"clientId" in secret arn:placeholder is not set: set it to the consumer key/,
    );
  });

  it('outputs the secrets an admin fills in', () => {
    template.hasOutput('SalesforceSecretArn', { Value: ref(salesforce.credentials) });
    template.hasOutput('StripeApiKeySecretArn', { Value: ref(stack.stripeApiKeySecret) });
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(hub.app)).toEqual([]);
  });
});

describe('salesforce context', () => {
  it('defaults to production login, API 62.0 and the default field map', () => {
    expect(salesforceSettings()).toEqual({
      loginUrl: 'https://login.salesforce.com',
      apiVersion: '62.0',
    });
    expect(salesforceSettings({ apiVersion: 63, fieldMap: '' }).apiVersion).toBe('63.0');
  });

  it('fails synthesis on a bad field map, naming the context key and the fix', () => {
    expect(() =>
      synthHub({ salesforce: { fieldMap: '{"account":{"fields":{"email":"Billing Email"}}}' } }),
    ).toThrow(
      /^Context "salesforceFieldMap": account\.fields\.email is "Billing Email", which is not a Salesforce field API name/,
    );
    expect(() => synthHub({ salesforce: { fieldMap: '{account:1}' } })).toThrow(
      /^Context "salesforceFieldMap" is not valid JSON/,
    );
    expect(() => salesforceSettings({ fieldMap: { acount: {} } })).toThrow(
      /unknown record kind "acount"/,
    );
  });

  it('takes a copy of the whole default map, and refuses a map too large for the environment', () => {
    // Prepare
    const longNames = Object.fromEntries(
      Object.entries(DEFAULT_FIELD_MAP).map(([kind, map]) => [
        kind,
        {
          fields: Object.fromEntries(
            Object.keys(map.fields).map((key, i) => [key, `F${i}_${'x'.repeat(34)}__c`]),
          ),
        },
      ]),
    );

    // Act
    const copied = salesforceSettings({ fieldMap: DEFAULT_FIELD_MAP });
    const tooLarge = () => salesforceSettings({ fieldMap: longNames });

    // Assess
    expect(copied.fieldMap).toBe(JSON.stringify(DEFAULT_FIELD_MAP));
    expect(tooLarge).toThrow(
      new RegExp(`^Context "salesforceFieldMap" is \\d+ bytes .* over the ${MAX_FIELD_MAP_BYTES}`),
    );
  });

  it('refuses a login URL with a path and an API version older than 62.0', () => {
    expect(() => salesforceSettings({ loginUrl: 'https://acme.my.salesforce.com/x' })).toThrow(
      /^Context "salesforceLoginUrl" is refused: .*your My Domain URL/,
    );
    expect(() => salesforceSettings({ apiVersion: '55.0' })).toThrow(
      /^Context "salesforceApiVersion" is refused: .*62\.0 or newer/,
    );
  });
});

describe('when salesforce takes no events', () => {
  it('deploys no Salesforce function, secret or output', () => {
    // Prepare
    const routingTable = routingTableFromContext('{"warehouse":["*"]}');

    // Act
    const { stack: unrouted, template: t } = synthHub(routingTable ? { routingTable } : {});

    // Assess
    expect(unrouted.connectors.salesforce).toBeUndefined();
    const services = Object.values(t.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(services).not.toContain('connector-salesforce');
    expect(Object.keys(t.findOutputs('SalesforceSecretArn'))).toEqual([]);
  });
});
