import { describe, expect, it } from 'vitest';
import {
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

  it("keeps Redshift's message for any other failure", () => {
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
