/**
 * The `Error` text DescribeStatement reports, in Redshift's words: `ERROR: relation "s.t" does
 * not exist`, `ERROR: syntax error at or near "FROM"` with the position in the SQL the client
 * sent, Redshift's serialization-conflict and NULL-into-NOT-NULL wordings, and the simulator's
 * own refusals.
 */
import { DatabaseError } from 'pg';
import { RedshiftSqlError } from './sql/errors.ts';
import { type Piece, sourcePosition } from './sql/output.ts';

/** The error Redshift reports on a serialization conflict (the default injected fault). */
export const SERIALIZABLE_ISOLATION_VIOLATION =
  'ERROR: 1023 DETAIL: Serializable isolation violation on table - 100372, transactions forming the cycle are: 7210, 7211 (pid:1073807432)';

/** The wording of a COPY that could not load, as Redshift reports it. */
export const loadFailed = (table: string): string =>
  `ERROR: Load into table '${table}' failed. Check 'sys_load_error_detail' system table for details.`;

/** A failure the simulator reports with exactly this text (COPY failures, injected faults). */
export class StatementFailure extends Error {
  override name = 'StatementFailure';
}

/** PostgreSQL error codes whose text Redshift words differently. */
const REWORDED: Record<string, (error: DatabaseError) => string> = {
  '40001': () => SERIALIZABLE_ISOLATION_VIOLATION,
  '40P01': () => SERIALIZABLE_ISOLATION_VIOLATION,
  '23502': (error) => `ERROR: Cannot insert a NULL value into column ${error.column ?? ''}`.trim(),
  '21000': (error) =>
    /MERGE|UPDATE/i.test(error.message)
      ? 'ERROR: Found multiple matches to update the same tuple.'
      : `ERROR: ${error.message}`,
  '57014': () => "ERROR: Query cancelled on user's request",
  // Redshift has users where PostgreSQL has roles.
  '42704': (error) =>
    `ERROR: ${error.message.replace(/^role (".*") does not exist$/, 'user $1 does not exist')}`,
  '42710': (error) =>
    `ERROR: ${error.message.replace(/^role (".*") already exists$/, 'user $1 already exists')}`,
  '25P02': () =>
    'ERROR: current transaction is aborted, commands ignored until end of transaction block',
};

/** The DescribeStatement Error for whatever a statement threw. */
export function redshiftErrorText(error: unknown, pieces?: readonly Piece[]): string {
  if (error instanceof StatementFailure) return error.message;
  if (error instanceof RedshiftSqlError) {
    return error.syntax && error.position !== undefined
      ? `ERROR: ${error.message}\n  Position: ${error.position}`
      : `ERROR: ${error.message}`;
  }
  if (error instanceof DatabaseError) {
    const reworded = error.code ? REWORDED[error.code] : undefined;
    if (reworded) return reworded(error);
    const severity = error.severity === 'FATAL' ? 'FATAL' : 'ERROR';
    const position = Number(error.position);
    if (error.code === '42601' && Number.isFinite(position) && position > 0) {
      const at = pieces ? sourcePosition(pieces, position) : position;
      return `${severity}: ${error.message}\n  Position: ${at}`;
    }
    return `${severity}: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `ERROR: ${message}`;
}
