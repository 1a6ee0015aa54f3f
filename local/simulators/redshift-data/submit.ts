/**
 * ExecuteStatement and BatchExecuteStatement: validate the request as the Data API does, plan
 * each SQL statement (a statement that cannot be translated fails when it runs, as a Redshift
 * syntax error would), replay a ClientToken seen in the last 8 hours, and start the run.
 */
import { execute, type Planned, unknownDatabase } from './executor.ts';
import {
  batchSqls,
  checkParameters,
  checkSqlSize,
  connectionOf,
  optionalString,
  parameterList,
  requiredString,
} from './input.ts';
import { validation } from './protocol.ts';
import { RedshiftSqlError } from './sql/errors.ts';
import { TOKEN_KINDS, tokenize } from './sql/tokens.ts';
import { PLAN_KINDS, planStatement } from './sql/translate.ts';
import type { SimulatorState } from './state.ts';
import type { StatementRecord } from './statements.ts';

/** Plans one statement; in a batch, BEGIN/COMMIT/ROLLBACK are refused. */
function plan(sql: string, state: SimulatorState, inBatch: boolean): Planned {
  try {
    const planned = planStatement(sql, { superColumns: state.deps.catalog.superColumns() });
    if (inBatch && planned.kind === PLAN_KINDS.sql && planned.transactionControl) {
      throw new RedshiftSqlError(
        'BEGIN, COMMIT, END, ABORT and ROLLBACK are not allowed in BatchExecuteStatement: its Sqls already run as one transaction',
      );
    }
    return { plan: planned };
  } catch (error) {
    if (error instanceof RedshiftSqlError) return { error };
    throw error;
  }
}

/** The `:name` parameters a statement uses (from its plan, or its tokens when it has none). */
function usedParameters(sql: string, planned: Planned): string[] {
  if ('plan' in planned) return planned.plan.parameters;
  try {
    return tokenize(sql)
      .filter((t) => t.kind === TOKEN_KINDS.parameter)
      .map((t) => t.text.slice(1));
  } catch {
    return [];
  }
}

/** The answer of ExecuteStatement and BatchExecuteStatement for a statement. */
function submitted(record: StatementRecord) {
  const c = record.connection;
  return {
    Id: record.Id,
    CreatedAt: record.CreatedAt.getTime() / 1000,
    Database: c.Database,
    ...(c.DbUser === undefined ? {} : { DbUser: c.DbUser }),
    ...(c.ClusterIdentifier === undefined ? {} : { ClusterIdentifier: c.ClusterIdentifier }),
    ...(c.WorkgroupName === undefined ? {} : { WorkgroupName: c.WorkgroupName }),
    ...(c.SecretArn === undefined ? {} : { SecretArn: c.SecretArn }),
  };
}

function submit(
  input: Record<string, unknown>,
  state: SimulatorState,
  sqls: string[],
  isBatch: boolean,
) {
  const connection = connectionOf(input, state.endpoint);
  const parameters = parameterList(input);
  const statementName = optionalString(input, 'StatementName');
  if (statementName !== undefined && statementName.length > 500) {
    throw validation('StatementName must be at most 500 characters.');
  }
  const token = optionalString(input, 'ClientToken');
  const replayed = state.store.replay(token);
  if (replayed) return submitted(replayed);
  const planned = sqls.map((sql) => plan(sql, state, isBatch));
  if (
    parameters !== undefined ||
    planned.some((p, k) => usedParameters(sqls[k] ?? '', p).length > 0)
  ) {
    const used = new Set(planned.flatMap((p, k) => usedParameters(sqls[k] ?? '', p)));
    checkParameters(used, parameters ?? []);
  }
  const record = state.store.create({ sqls, isBatch, connection, statementName, parameters });
  state.store.remember(token, record);
  const databaseError =
    connection.Database === state.endpoint.database
      ? undefined
      : unknownDatabase(connection.Database);
  const values = new Map((parameters ?? []).map((p) => [p.name, p.value]));
  const run = execute(state.deps, record, { planned, parameters: values, databaseError });
  state.pending.add(run);
  void run.finally(() => state.pending.delete(run));
  state.log({
    level: 'debug',
    message: `${isBatch ? 'BatchExecuteStatement' : 'ExecuteStatement'} ${record.Id} (${sqls.length} statement${sqls.length === 1 ? '' : 's'})`,
  });
  return submitted(record);
}

/** ExecuteStatement: one statement, autocommitted. */
export function executeStatement(input: Record<string, unknown>, state: SimulatorState) {
  const sql = requiredString(input, 'Sql');
  checkSqlSize(sql);
  return submit(input, state, [sql], false);
}

/** BatchExecuteStatement: up to 40 statements in one transaction. */
export function batchExecuteStatement(input: Record<string, unknown>, state: SimulatorState) {
  return submit(input, state, batchSqls(input), true);
}
