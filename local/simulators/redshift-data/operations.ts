/**
 * The Data API operations, by name (the `X-Amz-Target` suffix). Each takes the request's JSON
 * and answers the response's JSON; statements run in the background (`execute`), so
 * ExecuteStatement and BatchExecuteStatement answer with an Id at once and clients poll.
 */

import { describe, listStatements } from './describe.ts';
import { cancelRunning } from './executor.ts';
import { requiredString } from './input.ts';
import { constraintViolation, DATA_API_ERRORS, DataApiError, validation } from './protocol.ts';
import type { SimulatorState } from './state.ts';
import { isDone, STATUSES, setStatus } from './statements.ts';
import { batchExecuteStatement, executeStatement } from './submit.ts';

/** The pattern of statement Ids in the service model (a UUID, `:n` for a batch entry). */
const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;

type Operation = (input: Record<string, unknown>, state: SimulatorState) => unknown;

/** The statement (or batch entry) an Id names, or ResourceNotFoundException. */
function found(state: SimulatorState, input: Record<string, unknown>) {
  const id = requiredString(input, 'Id');
  if (!STATEMENT_ID.test(id))
    throw constraintViolation(
      'id',
      id,
      `satisfy regular expression pattern: ${STATEMENT_ID.source}`,
    );
  const match = state.store.find(id);
  if (!match) {
    throw new DataApiError(DATA_API_ERRORS.resourceNotFound, `Query ${id} does not exist.`, {
      ResourceId: id,
    });
  }
  return { id, ...match };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset?: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the ValidationException below.
  }
  throw validation('The NextToken is not valid: pass the NextToken of the previous answer.');
}

const getStatementResult: Operation = (input, state) => {
  const { id, record, execution } = found(state, input);
  if (record.isBatch && execution === record) {
    throw validation(
      `Statement ${id} is a batch: fetch the result of one of its statements by its Id (${id}:1, ${id}:2, …).`,
    );
  }
  if (execution.Status !== STATUSES.finished) {
    throw validation(
      `Query ${id} is ${execution.Status}: results are available once DescribeStatement reports FINISHED.`,
    );
  }
  const result = execution.result;
  if (!result) {
    throw validation(
      'Query does not have result. Please check query status with DescribeStatement.',
    );
  }
  const offset = decodeToken(typeof input.NextToken === 'string' ? input.NextToken : undefined);
  const end = offset + state.pageSize;
  return {
    Records: result.records.slice(offset, end),
    ColumnMetadata: result.columns,
    TotalNumRows: result.records.length,
    ...(end < result.records.length ? { NextToken: encodeToken(end) } : {}),
  };
};

const cancelStatement: Operation = (input, state) => {
  const { id, record } = found(state, input);
  if (isDone(record.Status)) {
    throw validation(`Could not cancel a query that is already in ${record.Status} state.`);
  }
  setStatus(record, STATUSES.aborted);
  for (const sub of record.SubStatements) if (!isDone(sub.Status)) setStatus(sub, STATUSES.aborted);
  void cancelRunning(state.deps, record.Id);
  state.log({ level: 'debug', message: `cancelled ${id}` });
  return { Status: true };
};

const unsupported =
  (name: string): Operation =>
  () => {
    throw validation(`${name} is not supported by the simulator.`);
  };

/** Every operation the simulator answers, by name. */
export const OPERATIONS: Record<string, Operation> = {
  ExecuteStatement: executeStatement,
  BatchExecuteStatement: batchExecuteStatement,
  DescribeStatement: (input, state) => describe(found(state, input)),
  GetStatementResult: getStatementResult,
  CancelStatement: cancelStatement,
  ListStatements: listStatements,
  ListDatabases: (_input, state) => ({ Databases: [state.endpoint.database] }),
  ListSchemas: unsupported('ListSchemas'),
  ListTables: unsupported('ListTables'),
  DescribeTable: unsupported('DescribeTable'),
  GetStatementResultV2: unsupported('GetStatementResultV2 (CSV results)'),
  ListSessions: unsupported('ListSessions'),
};
