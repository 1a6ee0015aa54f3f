/**
 * `npm start` prints one readable line per log entry instead of Lambda's JSON: time, level,
 * function, message, then the attributes as key=value. The entries are the same Powertools
 * entries the functions write in AWS; only the printing differs.
 */

import type { LogItem } from '@aws-lambda-powertools/logger';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

const HIDDEN = new Set([
  'timestamp',
  'level',
  'service',
  'message',
  'sampling_rate',
  'xray_trace_id',
]);

const COLOURS: Record<string, string> = {
  WARN: '\u001b[33m',
  ERROR: '\u001b[31m',
  CRITICAL: '\u001b[31m',
};

function render(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class ReadableLogger extends Logger {
  readonly #colour: boolean;

  constructor(options: { serviceName: string; logLevel?: LogLevel; colour?: boolean }) {
    super({
      serviceName: options.serviceName,
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    });
    this.#colour = options.colour ?? process.stdout.isTTY === true;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    const a = log.getAttributes();
    const time = typeof a.timestamp === 'string' ? a.timestamp.slice(11, 23) : '';
    const level = String(a.level ?? '');
    const extras = Object.entries(a)
      .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(' ');
    const colour = this.#colour ? (COLOURS[level] ?? '') : '';
    const reset = colour ? '\u001b[0m' : '';
    process.stdout.write(
      `${time} ${colour}${level.padEnd(5)}${reset} ${a.service}: ${a.message}${extras ? `  ${extras}` : ''}\n`,
    );
  }
}
