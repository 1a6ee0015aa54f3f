/**
 * Finds the hub the CLI inspects: the local hub `npm start` is running (from its runtime file),
 * or a deployed one named by LEDGER_TABLE and QUEUE_URL_* with the usual AWS credentials.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createSqsClient } from '../../shared/aws.ts';
import { type Env, hasDeployedLedger, parseInspectConfig } from '../../shared/config.ts';
import type { ConnectorName } from '../../shared/connectors.ts';
import { Ledger } from '../../shared/ledger/ledger.ts';
import { parseLocalConfig } from '../config.ts';
import { HUB_MARKER, isOurProcess, readRuntime } from '../runtime-file.ts';

export interface Inspection {
  where: string;
  ledger: Ledger;
  sqs: SQSClient;
  queueUrls: Partial<Record<ConnectorName, string>>;
  close(): void;
}

/** No hub to inspect: neither a deployed ledger in the environment nor a running local hub. */
export class NotConnectedError extends Error {}

/** Connects the CLI to the hub it should inspect; `close()` it when done. */
export function connect(env: Env): Inspection {
  const local = hasDeployedLedger(env) ? undefined : runningLocalHub(env);
  const config = parseInspectConfig(local?.env ?? env);
  const documents = createDocumentClient(config.aws);
  const sqs = createSqsClient(config.aws);
  return {
    where: local?.where ?? `ledger ${config.ledgerTable} in ${config.aws.region}`,
    ledger: new Ledger({
      client: documents,
      tableName: config.ledgerTable,
      ttlDays: config.ledgerTtlDays,
    }),
    sqs,
    queueUrls: config.queueUrls,
    close: () => {
      documents.destroy();
      sqs.destroy();
    },
  };
}

/** The environment of the local hub `npm start` is running, from its runtime file. */
function runningLocalHub(env: Env): { env: Env; where: string } {
  const { dataDir } = parseLocalConfig(env);
  const runtime = readRuntime(dataDir);
  if (!runtime || !isOurProcess(runtime.pid, HUB_MARKER)) {
    throw new NotConnectedError(
      `No local hub is running (nothing live in ${dataDir}/runtime.json). Start it with \`npm start\`, or set LEDGER_TABLE (and QUEUE_URL_*) with AWS credentials to inspect a deployed hub.`,
    );
  }
  return { env: runtime.env, where: `local hub (pid ${runtime.pid}, ${runtime.webhookUrl})` };
}
