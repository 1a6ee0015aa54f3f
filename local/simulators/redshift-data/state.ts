/** Everything the operations of one running simulator share. */
import type { ExecutorDeps } from './executor.ts';
import type { Endpoint } from './input.ts';
import type { StatementStore } from './statements.ts';

/** A log entry: a one-line summary (never SQL parameters or credentials). */
export type SimulatorLogEntry = { level: 'debug' | 'error'; message: string };

/** The state of one running simulator. */
export interface SimulatorState {
  store: StatementStore;
  deps: ExecutorDeps;
  endpoint: Endpoint;
  /** Records per GetStatementResult page. */
  pageSize: number;
  /** Statements still running (stop() waits for them). */
  pending: Set<Promise<void>>;
  log: (entry: SimulatorLogEntry) => void;
}
