/**
 * The simulator's memory of statements, on its own clock: like the Data API it forgets a
 * statement and its result after 24 hours and a ClientToken after 8, and it keeps a bounded
 * number of ended statements, so a long-running `npm start` does not grow without end.
 */
import { describe, expect, it } from 'vitest';
import {
  STATUSES,
  type StatementRecord,
  StatementStore,
  setStatus,
} from '../../../../local/simulators/redshift-data/statements.ts';

const HOUR = 60 * 60 * 1000;
const connection = {
  Database: 'dev',
  WorkgroupName: 'switchyard',
  ClusterIdentifier: undefined,
  DbUser: undefined,
  SecretArn: undefined,
};

/** A store on a clock the test moves, and a way to send it a statement that has ended. */
function storeAt(start: number, maxStatements?: number) {
  let now = start;
  const store = new StatementStore({
    now: () => now,
    ...(maxStatements === undefined ? {} : { maxStatements }),
  });
  const send = (token?: string, ended = true): StatementRecord => {
    const record = store.create({
      sqls: ['SELECT 1'],
      isBatch: false,
      connection,
      statementName: undefined,
      parameters: undefined,
    });
    store.remember(token, record);
    if (ended) setStatus(record, STATUSES.finished);
    return record;
  };
  return { store, send, advance: (ms: number) => (now += ms) };
}

describe('StatementStore', () => {
  it('forgets a statement and its result after 24 hours, and a token after 8', () => {
    // Prepare
    const { store, send, advance } = storeAt(Date.UTC(2026, 0, 1));
    const old = send('token-old');

    // Act
    advance(9 * HOUR);
    const afterNine = { replay: store.replay('token-old'), found: store.get(old.Id) };
    advance(16 * HOUR);
    send();

    // Assess
    expect(afterNine.replay).toBeUndefined();
    expect(afterNine.found?.Id).toBe(old.Id);
    expect(store.get(old.Id)).toBeUndefined();
    expect(store.find(`${old.Id}:1`)).toBeUndefined();
  });

  it('keeps at most its cap of ended statements, dropping the oldest, never a running one', () => {
    // Prepare
    const { store, send } = storeAt(Date.UTC(2026, 0, 1), 3);
    const running = send(undefined, false);

    // Act
    const sent = Array.from({ length: 5 }, () => send());

    // Assess
    expect(store.all().map((r) => r.Id)).toEqual([running.Id, ...sent.slice(-2).map((r) => r.Id)]);
  });
});
