/**
 * DescribeStatement and ListStatements: a statement's status, error, timings, counts and, for a
 * batch, its SubStatements (`<Id>:1`, `<Id>:2`, …) with their own status and error.
 */
import { validation } from './protocol.ts';
import type { SimulatorState } from './state.ts';
import { type Execution, STATUSES, type StatementRecord } from './statements.ts';

const seconds = (date: Date) => date.getTime() / 1000;

function executionFields(execution: Execution) {
  return {
    Id: execution.Id,
    Status: execution.Status,
    ...(execution.Error === undefined ? {} : { Error: execution.Error }),
    CreatedAt: seconds(execution.CreatedAt),
    UpdatedAt: seconds(execution.UpdatedAt),
    Duration: execution.Duration,
    HasResultSet: execution.HasResultSet,
    ResultRows: execution.ResultRows,
    ResultSize: execution.ResultSize,
    RedshiftQueryId: execution.RedshiftQueryId,
  };
}

function connectionFields(record: StatementRecord) {
  const c = record.connection;
  return {
    Database: c.Database,
    ...(c.DbUser === undefined ? {} : { DbUser: c.DbUser }),
    ...(c.ClusterIdentifier === undefined ? {} : { ClusterIdentifier: c.ClusterIdentifier }),
    ...(c.WorkgroupName === undefined ? {} : { WorkgroupName: c.WorkgroupName }),
    ...(c.SecretArn === undefined ? {} : { SecretArn: c.SecretArn }),
  };
}

/** DescribeStatement's answer for a statement, or for one entry of a batch. */
export function describe(match: { record: StatementRecord; execution: Execution }) {
  const { record, execution } = match;
  const isSub = execution !== record;
  return {
    ...connectionFields(record),
    ...executionFields(execution),
    ...(record.isBatch && !isSub ? {} : { QueryString: execution.QueryString }),
    RedshiftPid: record.RedshiftPid,
    ResultFormat: 'JSON',
    ...(record.Parameters ? { QueryParameters: record.Parameters } : {}),
    ...(record.isBatch && !isSub
      ? {
          SubStatements: record.SubStatements.map((sub) => ({
            ...executionFields(sub),
            QueryString: sub.QueryString,
          })),
        }
      : {}),
  };
}

const LIST_STATUSES = new Set<string>([...Object.values(STATUSES), 'ALL']);

/** ListStatements: newest first, filtered by Status and StatementName (a prefix), paged. */
export function listStatements(input: Record<string, unknown>, state: SimulatorState) {
  const status = typeof input.Status === 'string' ? input.Status : 'ALL';
  if (!LIST_STATUSES.has(status)) throw validation(`Status ${status} is not a statement status.`);
  const max = typeof input.MaxResults === 'number' ? input.MaxResults : 100;
  if (!Number.isInteger(max) || max < 0 || max > 100) {
    throw validation('MaxResults must be an integer from 0 to 100.');
  }
  const name = typeof input.StatementName === 'string' ? input.StatementName : undefined;
  const offset = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw validation('The NextToken is not valid.');
  const matching = state.store
    .all()
    .filter((r) => status === 'ALL' || r.Status === status)
    .filter((r) => name === undefined || (r.StatementName ?? '').startsWith(name))
    .reverse();
  const size = max === 0 ? 100 : max;
  const page = matching.slice(offset, offset + size);
  return {
    Statements: page.map((r) => ({
      Id: r.Id,
      Status: r.Status,
      IsBatchStatement: r.isBatch,
      CreatedAt: seconds(r.CreatedAt),
      UpdatedAt: seconds(r.UpdatedAt),
      ResultFormat: 'JSON',
      ...(r.isBatch
        ? { QueryStrings: r.SubStatements.map((s) => s.QueryString) }
        : { QueryString: r.QueryString }),
      ...(r.StatementName === undefined ? {} : { StatementName: r.StatementName }),
      ...(r.Parameters ? { QueryParameters: r.Parameters } : {}),
      ...(r.connection.SecretArn === undefined ? {} : { SecretArn: r.connection.SecretArn }),
    })),
    ...(offset + size < matching.length ? { NextToken: String(offset + size) } : {}),
  };
}
