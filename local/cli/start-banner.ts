/** What `npm start` prints once the hub runs: where to send events, and what to try first. */
import { ENV } from '../../shared/config.ts';
import { SALESFORCE_ENV } from '../../shared/connectors/salesforce/config.ts';
import type { LocalConfig } from '../config.ts';
import type { Hub } from '../hub.ts';

export interface BannerInput {
  hub: Hub;
  config: LocalConfig;
  dataDir: string;
  /** The signing secret printed when it was generated; undefined when it came from the env. */
  generatedSecret: { secret: string; file: string } | undefined;
  secretCount: number;
}

function stripeLine(hub: Hub): string {
  const stripe = hub.stripe;
  if (stripe?.kind === 'simulator') {
    return `simulator at ${stripe.url}, sending its events to the webhook endpoint
                     (set ${ENV.stripeApiKey} to call real Stripe instead)`;
  }
  const where = stripe?.baseUrl ?? 'real Stripe (api.stripe.com)';
  return `${where}, with the key in ${ENV.stripeApiKey}; events come through your
                     account's webhook endpoints or \`stripe listen\``;
}

/** A database URL fit to print: a password the user set stays off the screen. */
function printable(url: string | undefined, embedded: boolean): string {
  if (url === undefined) return '';
  if (embedded) return url;
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '…';
  return parsed.toString();
}

function connectorLines(hub: Hub, config: LocalConfig): string {
  const { salesforce, redshift, postgresUrl } = hub.vendors;
  const sf = salesforce
    ? `simulator at ${salesforce.url}; see its records at ${salesforce.url}/_simulator/records/Account`
    : `the org at ${hub.env[SALESFORCE_ENV.loginUrl] ?? 'login.salesforce.com'}`;
  const database = printable(postgresUrl, config.warehouse.postgresUrl === undefined);
  const wh = `Redshift Data API simulator at ${redshift?.url ?? '(not started)'} on PostgreSQL
                     ${database}  (psql it; tables in schema "stripe")`;
  return `  Salesforce         ${sf}
  Warehouse          ${wh}
  Connectors         salesforce and warehouse apply events; netsuite and avalara are not
                     built yet, so their deliveries wait on their queues as PENDING`;
}

/** The banner, with the actual ports (PORT=0 and STRIPE_SIMULATOR_PORT=0 pick free ones). */
export function startBanner(input: BannerInput): string {
  const { hub, config, dataDir, generatedSecret } = input;
  const port = new URL(hub.url).port;
  const secret = generatedSecret
    ? `${generatedSecret.secret}  (generated, kept in ${generatedSecret.file})`
    : `from ${ENV.webhookSecret} (${input.secretCount} secret(s))`;
  const scenarioKey = hub.stripe?.kind === 'simulator' ? '' : `${ENV.stripeApiKey}=… `;
  return `
Switchyard is running (${config.livemode ? 'live' : 'test'} mode).

  Webhook endpoint   ${hub.webhookUrl}
  Signing secret     ${secret}
  Stripe API         ${stripeLine(hub)}
  Data folder        ${dataDir}   (npm start -- --fresh starts empty)
${connectorLines(hub, config)}

  Play a billing story through the Stripe API, in another terminal:
    ${scenarioKey}npm run scenario -- --list
    ${scenarioKey}npm run scenario -- <name>
  Forward real test events with the Stripe CLI:
    ${ENV.webhookSecret}=$(stripe listen --print-secret) npm start
    stripe listen --forward-to localhost:${port}/webhooks/stripe
  Inspect:  npx switchyard trace <evt_…|cus_…|sub_…|in_…>    npx switchyard status

Press Ctrl-C to stop.
`;
}
