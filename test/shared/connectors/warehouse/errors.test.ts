import { describe, expect, it } from 'vitest';
import {
  isRecurringStatementFailure,
  isTransientStatementFailure,
  statementFailure,
  WarehouseStatementError,
} from '../../../../shared/connectors/warehouse/errors.ts';
import { RetryableError } from '../../../../shared/errors.ts';

describe('statement failures', () => {
  it.each([
    [
      'ERROR: 1023 DETAIL: Serializable isolation violation on table - 100, transactions forming the cycle are: 1, 2',
    ],
    ['ERROR: could not serialize access due to concurrent update'],
    ['ERROR: deadlock detected'],
    ['ERROR: canceling statement due to lock timeout'],
  ])('retries a conflict or a lock wait: %s', (message) => {
    // Act
    const error = statementFailure({ statementId: 's:3', status: 'FAILED', message });

    // Assess
    expect(isTransientStatementFailure(message)).toBe(true);
    expect(error).toBeInstanceOf(RetryableError);
  });

  it.each([
    ['ERROR: S3ServiceException:Please reduce your request rate.,Status 503,Error SlowDown'],
    ['ERROR: Disk Full'],
    ['ERROR: Query (12345) cancelled by WLM abort action of Query Monitoring Rule "long"'],
    ['ERROR: out of memory'],
    ['ERROR: could not complete because of conflict with concurrent transaction'],
    ['ERROR: something the loader has never seen'],
  ])('sends an unknown or passing failure back to the queue: %s', (message) => {
    // Act
    const error = statementFailure({ statementId: 's:2', status: 'FAILED', message });

    // Assess
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain(message);
  });

  it.each([
    ['ERROR: column "amount" is of type bigint but expression is of type character varying'],
    ['ERROR: invalid input syntax for type integer: "one"'],
    ['ERROR: relation "stripe.invoices" does not exist'],
    ['ERROR: column "nope" does not exist'],
    ['ERROR: syntax error at or near "FORM"\n  Position: 10'],
    ['ERROR: Cannot insert a NULL value into column id'],
    ['ERROR: value too long for type character varying(3)'],
    [
      "ERROR: Load into table 'stage_events' failed. Check 'sys_load_error_detail' system table for details.",
    ],
  ])('fails for good what recurs on every try: %s', (message) => {
    // Act
    const error = statementFailure({ statementId: 's:5', status: 'FAILED', message });

    // Assess
    expect(isRecurringStatementFailure(message)).toBe(true);
    expect(error).toBeInstanceOf(WarehouseStatementError);
  });

  it("keeps Redshift's message for a failure that recurs", () => {
    // Act
    const error = statementFailure({
      statementId: 'abc:4',
      status: 'FAILED',
      message:
        'ERROR: column "amount" is of type bigint but expression is of type character varying',
    });

    // Assess
    expect(error).toBeInstanceOf(WarehouseStatementError);
    expect(error.message).toBe(
      'Redshift failed statement abc:4: ERROR: column "amount" is of type bigint but expression is of type character varying',
    );
  });

  it('retries an aborted statement', () => {
    // Act
    const error = statementFailure({ statementId: 'abc', status: 'ABORTED', message: undefined });

    // Assess
    expect(error).toBeInstanceOf(RetryableError);
  });
});
