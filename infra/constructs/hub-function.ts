/**
 * `HubFunction`: every Switchyard Lambda function, with the house runtime defaults in one place
 * (Node.js on arm64, Lambda's active X-Ray tracing with no X-Ray SDK in the bundle, a log group
 * with a retention, ESM bundling with esbuild from `node_modules` and never Docker) and helpers
 * that grant a permission and set the matching environment variable together, so a function can
 * never hold a setting it is not allowed to use (or the reverse). Environment variable names come
 * from `shared/config.ts`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, queueUrlEnv } from '../../shared/config.ts';
import { INGRESS_METRICS } from '../../shared/ingress/metrics.ts';
import { PAYLOAD_BUCKET } from '../../shared/resources.ts';
import type { ConnectorQueue } from './connector-queue.ts';
import {
  acknowledgeWildcard,
  IDEMPOTENCY_ACTIONS,
  LEDGER_ACTIONS,
  type LedgerAccess,
  PAYLOAD_ACTIONS,
  type PayloadAccess,
} from './grants.ts';

/** The repository root: bundling resolves entries, `node_modules` and the lock file from here. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The handler file of a function under `functions/`, e.g. `functionEntry('stripe-webhook')`. */
export function functionEntry(name: string): string {
  return join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

/** The Lambda runtime of every function: the newest Node.js Lambda offers (cdk-nag L1). */
export const HUB_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Variables owned by Powertools and Node.js rather than by Switchyard's configuration, so they
 * are not in `ENV`; named here once so no literal is repeated.
 */
export const RUNTIME_ENV = {
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  nodeOptions: 'NODE_OPTIONS',
} as const;

/**
 * esbuild emits ESM; bundled CommonJS dependencies still call `require`, which ESM lacks, so the
 * bundle defines one (the pattern the CDK documentation gives for ESM output). Exported for other
 * esbuild builds of the functions (e.g. `bench/ingress.ts`), so they bundle exactly as Lambda does.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface HubFunctionProps {
  /** Absolute path of the handler file; see {@link functionEntry}. */
  readonly entry: string;
  /** The service name in logs, traces and metrics, e.g. `stripe-webhook`. */
  readonly serviceName: string;
  readonly description?: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 512 MiB (more memory also means more CPU, which shortens cold starts) */
  readonly memorySize?: number;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Settings that need no grant; use the `use…`/`sendsTo` helpers for everything else. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A Switchyard Lambda function. Use it for every function the hub deploys: it is the only place
 * the runtime, bundling and logging defaults live, and its helpers keep grants and settings paired.
 */
export class HubFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  /** The execution role, created here so it carries no AWS managed policy (cdk-nag IAM4). */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of its metrics and the logs' service. */
  readonly serviceName: string;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? Duration.seconds(30);
    this.serviceName = props.serviceName;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.serviceName} function`,
    });
    this.grantPrincipal = this.role;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: HUB_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: this.timeout,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        [RUNTIME_ENV.powertoolsServiceName]: props.serviceName,
        // Powertools adds the service name as the `service` dimension of every metric.
        [RUNTIME_ENV.powertoolsMetricsNamespace]: INGRESS_METRICS.namespace,
        [RUNTIME_ENV.nodeOptions]: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        // esbuild is a devDependency, so CDK runs it from node_modules; Docker is never needed.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Lambda Node.js runtime ships AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions, so active tracing needs Resource "*"; the infra tests assert that only X-Ray actions use it.',
    });
  }

  /** Sets one environment variable; names come from `ENV` or `queueUrlEnv` in shared/config.ts. */
  setEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Lets the function use ledger items as `access` requires (see {@link LEDGER_ACTIONS}) and tells
   * it the table name. The grant is on the table only: neither the ingress nor a consumer queries
   * the GSIs (operators do, through `switchyard trace` / `status` with their own credentials).
   */
  useLedger(table: dynamodb.ITable, options: { access: LedgerAccess }): this {
    this.grantItems(table, LEDGER_ACTIONS[options.access]);
    return this.setEnvironment(ENV.ledgerTable, table.tableName);
  }

  /** Gets, puts, updates and deletes Powertools idempotency records; learns the table name. */
  useIdempotencyTable(table: dynamodb.ITable): this {
    this.grantItems(table, IDEMPOTENCY_ACTIONS);
    return this.setEnvironment(ENV.idempotencyTable, table.tableName);
  }

  /**
   * `actions` on the items of `table` and on nothing else: unlike `table.grant`, not on its
   * indexes (`<table>/index/*`), which none of the functions query.
   */
  private grantItems(table: dynamodb.ITable, actions: readonly string[]): void {
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...actions],
      resourceArns: [table.tableArn],
    });
    table.encryptionKey?.grantEncryptDecrypt(this);
  }

  /**
   * Lets the function use payload objects under `PAYLOAD_BUCKET.prefix` as `access` requires (see
   * {@link PAYLOAD_ACTIONS}): the ingress puts and gets, a consumer only gets. Learns the bucket.
   */
  usePayloadBucket(bucket: s3.IBucket, options: { access: PayloadAccess }): this {
    const actions = PAYLOAD_ACTIONS[options.access];
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...actions],
      resourceArns: [bucket.arnForObjects(`${PAYLOAD_BUCKET.prefix}*`)],
    });
    bucket.encryptionKey?.grantEncryptDecrypt(this);
    acknowledgeWildcard(
      this.role,
      bucket,
      `/${PAYLOAD_BUCKET.prefix}*`,
      `Payloads are keyed by Stripe event id, unknown at deploy time; the grant is ${actions.join('/')} under the ${PAYLOAD_BUCKET.prefix} prefix of this one bucket.`,
    );
    return this.setEnvironment(ENV.payloadBucket, bucket.bucketName);
  }

  /** Sends messages (and nothing else) to a connector's queue, and learns its URL. */
  sendsTo(connectorQueue: ConnectorQueue): this {
    this.grantSendOnly(connectorQueue.queue);
    return this.setEnvironment(
      queueUrlEnv(connectorQueue.connector),
      connectorQueue.queue.queueUrl,
    );
  }

  /** `sqs:SendMessage` (which also authorizes SendMessageBatch) on one queue; no read actions. */
  grantSendOnly(queue: sqs.IQueue): this {
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['sqs:SendMessage'],
      resourceArns: [queue.queueArn],
    });
    queue.encryptionMasterKey?.grantEncryptDecrypt(this);
    return this;
  }

  /**
   * Reads one secret from Secrets Manager at run time and learns its ARN as `env`. The function
   * gets the ARN, never the value, so the value stays out of the template and the console.
   */
  readsSecret(secret: secretsmanager.ISecret, options: { env: string }): this {
    secret.grantRead(this);
    return this.setEnvironment(options.env, secret.secretArn);
  }

  /** Reads the webhook signing secret(s) (`STRIPE_WEBHOOK_SECRET_ARN`). */
  readsWebhookSecret(secret: secretsmanager.ISecret): this {
    return this.readsSecret(secret, { env: ENV.webhookSecretArn });
  }

  /**
   * Reads the Stripe secret key (`STRIPE_API_KEY_SECRET_ARN`): connectors re-read objects from
   * Stripe rather than trust an event's snapshot.
   */
  readsStripeApiKey(secret: secretsmanager.ISecret): this {
    return this.readsSecret(secret, { env: ENV.stripeApiKeySecretArn });
  }
}
