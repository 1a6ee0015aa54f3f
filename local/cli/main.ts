/** The `switchyard` command line: start, trace, status. */
import { processEnv } from '../../shared/config.ts';
import { connect, NotConnectedError } from './connect.ts';
import { start } from './start.ts';
import { formatStatus, status } from './status.ts';
import { formatTrace, trace } from './trace.ts';

const USAGE = `Usage:
  switchyard start [--fresh]                       run the hub on this machine (npm start)
  switchyard trace <evt_…|cus_…|sub_…|in_…> [--json]  what happened to an event or object
  switchyard status [--json]                       queue depths and deliveries by status`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = processEnv();
  const asJson = rest.includes('--json');
  const positional = rest.filter((a) => !a.startsWith('--'));
  try {
    switch (command) {
      case 'start':
        return await start(rest, env);
      case 'trace': {
        const target = positional[0];
        if (!target) {
          console.error(USAGE);
          return 2;
        }
        const inspection = connect(env);
        try {
          const result = await trace(inspection, target);
          console.log(asJson ? JSON.stringify(result, null, 2) : formatTrace(result));
          return result.events.length === 0 ? 1 : 0;
        } finally {
          inspection.close();
        }
      }
      case 'status': {
        const inspection = connect(env);
        try {
          const report = await status(inspection);
          console.log(asJson ? JSON.stringify(report, null, 2) : formatStatus(report));
          return 0;
        } finally {
          inspection.close();
        }
      }
      default:
        console.error(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof NotConnectedError || (error instanceof Error && error.name === 'ConfigError')) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}
