/**
 * Reading and validating Data API request members with the service's own wording: required
 * members, the 100 KB limit on SQL text, the 40 statements of a batch, named parameters, and
 * the workgroup or cluster and database a statement runs on.
 */
import { constraintViolation, validation } from './protocol.ts';
import type { Connection } from './statements.ts';

/** The Data API's limit on one SQL statement's text. */
export const MAX_SQL_BYTES = 100 * 1024;
/** The most statements one BatchExecuteStatement takes. */
export const MAX_BATCH_STATEMENTS = 40;

/** The names the simulator answers to. */
export interface Endpoint {
  database: string;
  workgroupName: string;
  clusterIdentifier: string;
}

/** A string member, or undefined; anything else is a ValidationException. */
export function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw validation(`${member} must be a string, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A required string member. */
export function requiredString(input: Record<string, unknown>, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    const wire = member.charAt(0).toLowerCase() + member.slice(1);
    throw constraintViolation(wire, 'null', 'not be null');
  }
  return value;
}

/** Refuses SQL text past the Data API's 100 KB. */
export function checkSqlSize(sql: string): void {
  if (Buffer.byteLength(sql, 'utf8') > MAX_SQL_BYTES) {
    throw validation('Cannot process query string larger than 100kB');
  }
}

/** The Sqls of a batch: 1 to 40 strings, each within 100 KB. */
export function batchSqls(input: Record<string, unknown>): string[] {
  const sqls = input.Sqls;
  if (sqls === undefined || sqls === null) throw constraintViolation('sqls', 'null', 'not be null');
  if (!Array.isArray(sqls) || sqls.some((s) => typeof s !== 'string')) {
    throw validation('Sqls must be a list of SQL strings.');
  }
  if (sqls.length < 1) {
    throw constraintViolation('sqls', '[]', 'have length greater than or equal to 1');
  }
  if (sqls.length > MAX_BATCH_STATEMENTS) {
    throw constraintViolation(
      'sqls',
      `[${sqls.length} statements]`,
      `have length less than or equal to ${MAX_BATCH_STATEMENTS}`,
    );
  }
  for (const sql of sqls as string[]) checkSqlSize(sql);
  return sqls as string[];
}

/** The Parameters of a request: `[{name, value}]`, names `[0-9a-zA-Z_]+`, values not empty. */
export function parameterList(
  input: Record<string, unknown>,
): { name: string; value: string }[] | undefined {
  const list = input.Parameters;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw validation('Parameters must be a list of {name, value}.');
  if (list.length === 0) {
    throw constraintViolation('parameters', '[]', 'have length greater than or equal to 1');
  }
  return list.map((entry: unknown, k) => {
    const { name, value } = (entry ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || !/^[0-9a-zA-Z_]+$/.test(name)) {
      throw constraintViolation(
        `parameters.${k + 1}.member.name`,
        String(name),
        'satisfy regular expression pattern: ^[0-9a-zA-Z_]+$',
      );
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw constraintViolation(
        `parameters.${k + 1}.member.value`,
        String(value ?? 'null'),
        'have length greater than or equal to 1',
      );
    }
    return { name, value };
  });
}

/** Refuses a statement whose `:name` parameters and Parameters do not match one to one. */
export function checkParameters(
  used: ReadonlySet<string>,
  given: readonly { name: string }[],
): void {
  const names = new Set(given.map((p) => p.name));
  const unused = [...names].filter((n) => !used.has(n));
  if (unused.length > 0) {
    throw validation(
      `Parameters list contains unused parameters. Unused parameters: [${unused.join(', ')}]`,
    );
  }
  const missing = [...used].filter((n) => !names.has(n));
  if (missing.length > 0) {
    throw validation(
      `SQL statement contains named parameters that have no value in Parameters. Missing parameters: [${missing.join(', ')}]`,
    );
  }
}

/**
 * The workgroup or cluster a request names, checked against the simulator's; the database it
 * names is returned as is (an unknown one fails the statement, as Redshift's connection does).
 */
export function connectionOf(input: Record<string, unknown>, endpoint: Endpoint): Connection {
  const workgroup = optionalString(input, 'WorkgroupName');
  const cluster = optionalString(input, 'ClusterIdentifier');
  const secretArn = optionalString(input, 'SecretArn');
  const dbUser = optionalString(input, 'DbUser');
  if (
    optionalString(input, 'SessionId') !== undefined ||
    input.SessionKeepAliveSeconds !== undefined
  ) {
    throw validation(
      'Sessions (SessionId, SessionKeepAliveSeconds) are not supported by the simulator.',
    );
  }
  const format = optionalString(input, 'ResultFormat');
  if (format !== undefined && format !== 'JSON') {
    throw validation(`ResultFormat ${format} is not supported by the simulator: use JSON.`);
  }
  if (workgroup === undefined && cluster === undefined) {
    throw validation('Either ClusterIdentifier or WorkgroupName needs to be specified.');
  }
  if (workgroup !== undefined && cluster !== undefined) {
    throw validation('Specify either ClusterIdentifier or WorkgroupName, not both.');
  }
  const known =
    workgroup === undefined
      ? cluster === endpoint.clusterIdentifier
      : workgroup === endpoint.workgroupName;
  if (!known) throw validation("Redshift endpoint doesn't exist in this region.");
  const database = optionalString(input, 'Database');
  if (database === undefined && secretArn === undefined) {
    throw validation('Database is required when connecting with temporary credentials.');
  }
  return {
    Database: database ?? endpoint.database,
    WorkgroupName: workgroup,
    ClusterIdentifier: cluster,
    DbUser: dbUser,
    SecretArn: secretArn,
  };
}
