/** What `npm start` prints once the hub runs: where to send events, and what to try first. */
import { ENV } from '../../shared/config.ts';
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

function connectorLines(hub: Hub): string {
  const { salesforce, redshift, postgresUrl } = hub.vendors;
  const sf = salesforce
    ? `simulator at ${salesforce.url}; see its records at ${salesforce.url}/_simulator/records/Account`
    : `the org in ${'SALESFORCE_LOGIN_URL'}`;
  const wh = redshift
    ? `Redshift Data API simulator at ${redshift.url} on PostgreSQL
                     ${postgresUrl ?? ''}  (psql it; tables in schema "stripe")`
    : 'the Redshift named by WAREHOUSE_WORKGROUP or WAREHOUSE_CLUSTER_ID';
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
${connectorLines(hub)}

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
