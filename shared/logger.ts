/**
 * Loggers for every function: Powertools' structured JSON, one line per entry, with the time,
 * level, service and message first so the same output reads well in CloudWatch and a terminal.
 * Customer data stays out of logs: attributes carry ids, never names, emails or addresses.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/** A Powertools logger for one function (`serviceName` is the function's short name). */
export function createLogger(serviceName: string, options: { logLevel?: LogLevel } = {}): Logger {
  return new Logger({
    serviceName,
    logRecordOrder: ['timestamp', 'level', 'service', 'message'],
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
}
