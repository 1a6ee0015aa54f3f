/**
 * The simulator never crashes on bad input: random garbage requests each get a JSON 4xx in the
 * AWS JSON 1.1 error shape, and the real SDK works afterwards.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runOk, useRedshiftSimulator } from './support.ts';

const t = useRedshiftSimulator();

/** A raw request on a connection of its own: its status, and whether the body is an AWS error. */
function send(method: string, path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; awsError: boolean }>((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port: t.sim.port,
      method,
      path,
      headers: { ...headers, 'content-length': String(body.length) },
      agent: false,
    };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let awsError = false;
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          awsError = typeof parsed.__type === 'string' && typeof parsed.message === 'string';
        } catch {
          awsError = false;
        }
        resolve({ status: res.statusCode ?? 0, awsError });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('garbage', () => {
  it('answers 300 random requests each with a JSON 4xx, then works', async () => {
    // Prepare: choices are a hash of a counter, so a failure can be replayed.
    let draws = 0;
    const next = () => createHash('sha256').update(`${draws++}`).digest().readUInt32BE() / 2 ** 32;
    const n = (below: number) => Math.floor(next() * below);
    const pick = <T>(items: readonly T[]): T => items[n(items.length)] as T;
    const targets = [
      'RedshiftData.ExecuteStatement',
      'RedshiftData.BatchExecuteStatement',
      'RedshiftData.DescribeStatement',
      'RedshiftData.GetStatementResult',
      'RedshiftData.CancelStatement',
      'RedshiftData.Nope',
      'Other.ExecuteStatement',
      '',
    ];
    const bodies = [
      () => '',
      () => 'not json',
      () => '[1, 2]',
      () => 'null',
      () => JSON.stringify({ Sql: n(2) ? 42 : null, Database: 'dev', WorkgroupName: 'switchyard' }),
      () => JSON.stringify({ Sqls: 'SELECT 1', WorkgroupName: 'switchyard', Database: 'dev' }),
      () => JSON.stringify({ Sqls: [1, {}], WorkgroupName: 'switchyard', Database: 'dev' }),
      () => JSON.stringify({ Id: 'not-an-id', NextToken: '%%%' }),
      () => JSON.stringify({ Id: { nested: true } }),
      () =>
        JSON.stringify({
          Sql: 'SELECT 1',
          Parameters: [{ name: 'a b', value: '' }],
          WorkgroupName: 'switchyard',
          Database: 'dev',
        }),
      () =>
        JSON.stringify({
          Sql: 'SELECT 1',
          Parameters: 'x',
          ClusterIdentifier: 'c',
          WorkgroupName: 'w',
        }),
      () => Array.from({ length: 1 + n(300) }, () => String.fromCharCode(n(256))).join(''),
      () => `{"Sql": "${'x'.repeat(n(2_000))}`,
    ];
    const methods = ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'];
    const paths = ['/', '/', '/?x=1', '/v1/anything', '/%zz'];
    const answers: { request: string; status: number; awsError: boolean }[] = [];

    // Act
    for (let i = 0; i < 300; i += 1) {
      const headers: Record<string, string> = {
        'content-type': pick(['application/x-amz-json-1.1', 'text/plain', '']),
      };
      if (n(5) > 0)
        headers.authorization =
          'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/redshift-data/aws4_request';
      const target = pick(targets);
      if (target) headers['x-amz-target'] = target;
      const method = pick(methods);
      const path = pick(paths);
      const answer = await send(method, path, headers, Buffer.from(pick(bodies)(), 'latin1'));
      answers.push({ request: `${method} ${path} ${target}`, ...answer });
    }
    const after = await runOk(t.client, 'SELECT 1');

    // Assess
    expect(answers.filter((a) => a.status < 400 || a.status >= 500 || !a.awsError)).toEqual([]);
    expect(after.Status).toBe('FINISHED');
  });
});
