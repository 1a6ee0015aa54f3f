/** The `switchyard` command line: start, trace, status, scenario. */
import { ConfigError, type Env, processEnv } from '../../shared/config.ts';
import { connect, type Inspection, NotConnectedError } from './connect.ts';
import { formatStatus, status } from './status.ts';
import { formatTrace, trace } from './trace.ts';

const USAGE = `Usage:
  switchyard start [--fresh]                          run the hub on this machine (npm start)
  switchyard trace <evt_…|cus_…|sub_…|in_…> [--json] [--limit=N]
                                                      what happened to an event or object
  switchyard status [--json]                          queue depths and deliveries by status
  switchyard scenario <name> [--chaos=reorder,duplicate,delay] | --list
                                                      play a billing story through the Stripe API
                                                      (npm run scenario -- …)`;

interface Invocation {
  args: string[];
  env: Env;
  json: boolean;
  positional: string[];
}

async function inspect(env: Env, run: (inspection: Inspection) => Promise<number>) {
  const inspection = connect(env);
  try {
    return await run(inspection);
  } finally {
    inspection.close();
  }
}

const COMMANDS: Record<string, (call: Invocation) => Promise<number>> = {
  // Loaded on use: `trace` and `status` need neither the local servers nor the simulator.
  start: async ({ args, env }) => (await import('./start.ts')).start(args, env),
  trace: async ({ args, env, json, positional }) => {
    const target = positional[0];
    const limitArg = args.find((a) => a.startsWith('--limit='));
    const limit = limitArg === undefined ? undefined : Number(limitArg.slice('--limit='.length));
    if (target === undefined || (limit !== undefined && (!Number.isInteger(limit) || limit < 1))) {
      console.error(USAGE);
      return 2;
    }
    return inspect(env, async (inspection) => {
      const result = await trace(inspection, { target, ...(limit ? { limit } : {}) });
      console.log(json ? JSON.stringify(result, null, 2) : formatTrace(result));
      return result.events.length === 0 ? 1 : 0;
    });
  },
  status: async ({ env, json }) =>
    inspect(env, async (inspection) => {
      const report = await status(inspection);
      console.log(json ? JSON.stringify(report, null, 2) : formatStatus(report));
      return 0;
    }),
  scenario: async ({ args, env }) => (await import('./scenario.ts')).scenario(args, env),
};

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    console.error(USAGE);
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await command({
      args,
      env: processEnv(),
      json: args.includes('--json'),
      positional: args.filter((a) => !a.startsWith('--')),
    });
  } catch (error) {
    if (error instanceof NotConnectedError || error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}
