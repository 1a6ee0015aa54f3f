/**
 * The error of SQL the simulator will not run: outside the Redshift subset it translates, or
 * PostgreSQL syntax that Redshift does not accept. The message names the construct and what to
 * write in Redshift instead.
 */

/** SQL the simulator refuses; `message` says what to use instead. */
export class RedshiftSqlError extends Error {
  override name = 'RedshiftSqlError';
  /** 1-based character position in the statement, when one construct is at fault. */
  readonly position: number | undefined;
  /** True when the SQL cannot be read at all (Redshift would answer a syntax error). */
  readonly syntax: boolean;

  constructor(message: string, options: { position?: number; syntax?: boolean } = {}) {
    super(message);
    this.position = options.position;
    this.syntax = options.syntax ?? false;
  }
}
