/**
 * `npm run bench:salesforce`: what the Salesforce connector costs the org's daily API quota.
 * Prints a table and writes bench/results/salesforce.json. One run on one machine: compare
 * ratios, not absolutes.
 *
 * 1. Events: every Stripe scenario, played round after round against the Stripe simulator,
 *    until a few thousand events Salesforce takes (customers, subscriptions, invoices, payments,
 *    refunds, credit notes — a real mix, not copies of one).
 * 2. Batched, the production path: the events are posted signed to the local hub (ingress →
 *    ledger → SQS), then the Salesforce consumer drains the backlog with its production batch
 *    size (`CONNECTOR_INTAKE.salesforce`) into the Salesforce simulator through jsforce. API calls
 *    are counted by the simulator (sign-ins apart, as Salesforce does not count them).
 * 3. Naive, for comparison: the same events, one single-record upsert per record an event
 *    touches, into a fresh org.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import Stripe from 'stripe';
import { pollUntil } from '../local/cli/scenario.ts';
import { buildConnectorLogic } from '../local/connector-logic.ts';
import { startConsumers } from '../local/consumers.ts';
import { startHub } from '../local/hub.ts';
import {
  DEFAULT_SALESFORCE_CLIENT_ID,
  DEFAULT_SALESFORCE_CLIENT_SECRET,
  startSalesforceSimulator,
} from '../local/simulators/salesforce/server.ts';
import { SCENARIOS } from '../local/simulators/stripe/scenarios/index.ts';
import { SIMULATOR_API_KEY, startStripeSimulator } from '../local/simulators/stripe/server.ts';
import { createDocumentClient } from '../shared/aws.ts';
import {
  DEFAULT_FIELD_MAP,
  toSalesforceRecord,
} from '../shared/connectors/salesforce/field-map.ts';
import { type MappableObject, writesFor } from '../shared/connectors/salesforce/mapping.ts';
import { Router } from '../shared/events/routing.ts';
import { Ledger } from '../shared/ledger/ledger.ts';
import { createLogger } from '../shared/logger.ts';
import { CONNECTOR_INTAKE } from '../shared/resources.ts';

const ROOT = join(import.meta.dirname, '..');
const TARGET_EVENTS = Number(process.argv[2] ?? 3_000);
const SECRET = 'whsec_benchmark_secret_0123456789';
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

type StripeEventJson = {
  id: string;
  type: string;
  created: number;
  data: { object: MappableObject };
};

/** Plays every scenario, round after round, until enough events for Salesforce were emitted. */
async function generateEvents(stripeSim: Awaited<ReturnType<typeof startStripeSimulator>>) {
  const stripe = new Stripe(SIMULATOR_API_KEY, {
    host: '127.0.0.1',
    port: stripeSim.port,
    protocol: 'http',
  });
  const router = new Router();
  const forSalesforce = () =>
    stripeSim.world
      .allEvents()
      .filter((e) => router.route(e.type as string).includes('salesforce'));
  let rounds = 0;
  while (forSalesforce().length < TARGET_EVENTS) {
    for (const scenario of SCENARIOS) {
      await scenario.run({ stripe, simulated: true, log: () => undefined, until: pollUntil(20) });
    }
    rounds += 1;
  }
  await stripeSim.webhooks.idle();
  return { events: forSalesforce() as unknown as StripeEventJson[], rounds };
}

async function batched(events: readonly StripeEventJson[], stripeUrl: string) {
  const org = await startSalesforceSimulator({ port: 0 });
  const hub = await startHub({
    port: 0,
    webhookSecrets: [SECRET],
    logLevel: 'ERROR',
    stripe: { api: { apiKey: SIMULATOR_API_KEY, baseUrl: stripeUrl } },
    salesforce: {
      env: {
        SALESFORCE_LOGIN_URL: org.url,
        SALESFORCE_CLIENT_ID: DEFAULT_SALESFORCE_CLIENT_ID,
        SALESFORCE_CLIENT_SECRET: DEFAULT_SALESFORCE_CLIENT_SECRET,
      },
    },
    routingTable: JSON.stringify({
      salesforce: (await import('../shared/events/routing.ts')).DEFAULT_ROUTES.salesforce,
    }),
  });
  try {
    // The backlog first, as after a busy minute: posted signed, eight at a time.
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < events.length) {
          const body = JSON.stringify(events[next++]);
          const signature = Stripe.webhooks.generateTestHeaderString({
            payload: body,
            secret: SECRET,
          });
          const answer = await fetch(hub.webhookUrl, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          });
          if (answer.status !== 200)
            throw new Error(`ingress answered ${answer.status}: ${await answer.text()}`);
        }
      }),
    );
    const ledger = new Ledger({
      client: createDocumentClient({ region: 'us-east-1', endpoints: hub.endpoints }),
      tableName: hub.names.ledgerTable,
      ttlDays: 90,
    });
    const logger = createLogger('bench', { logLevel: 'ERROR' });
    const callsBefore = org.org.calls.total - org.org.calls.byKind.token;
    const start = performance.now();
    const pollers = await startConsumers({
      sqs: (await import('../shared/aws.ts')).createSqsClient({
        region: 'us-east-1',
        endpoints: hub.endpoints,
      }),
      queues: hub.queues,
      env: hub.env,
      logic: { salesforce: buildConnectorLogic({ connector: 'salesforce', env: hub.env, logger }) },
      logger: () => logger,
      batchWindowMs: 2_000,
    });
    const settled = async () => {
      let open = 0;
      for (const status of ['PENDING'] as const) open += await ledger.countByStatus({ status });
      return open === 0;
    };
    while (!(await settled())) await new Promise((r) => setTimeout(r, 200));
    const seconds = (performance.now() - start) / 1000;
    await Promise.all(pollers.map((p) => p.stop()));
    const failed = await ledger.countByStatus({ status: 'FAILED' });
    const dead = await ledger.countByStatus({ status: 'DEAD' });
    const apiCalls = org.org.calls.total - org.org.calls.byKind.token - callsBefore;
    return {
      apiCalls,
      signIns: org.org.calls.byKind.token,
      byKind: Object.fromEntries(
        Object.entries(org.org.calls.byKind).filter(([kind, n]) => kind !== 'token' && n > 0),
      ),
      apiCallsPer1000Events: round((apiCalls / events.length) * 1000, 2),
      seconds: round(seconds, 2),
      eventsPerSecond: round(events.length / seconds, 1),
      failed: failed + dead,
      records: Object.fromEntries(
        ['Account', 'Stripe_Subscription__c', 'Stripe_Invoice__c', 'Stripe_Payment__c'].map((t) => [
          t,
          org.org.records(t).length,
        ]),
      ),
    };
  } finally {
    await hub.stop();
    await org.stop();
  }
}

/** One single-record upsert per record each event touches, as a connector without batching would. */
async function naive(events: readonly StripeEventJson[]) {
  const org = await startSalesforceSimulator({ port: 0 });
  try {
    const conn = new Connection({
      loginUrl: org.url,
      version: '62.0',
      oauth2: {
        loginUrl: org.url,
        clientId: DEFAULT_SALESFORCE_CLIENT_ID,
        clientSecret: DEFAULT_SALESFORCE_CLIENT_SECRET,
      },
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    const start = performance.now();
    let failures = 0;
    for (const event of events) {
      for (const write of writesFor({
        eventType: event.type,
        object: event.data.object,
        options: { livemode: false },
        eventCreated: event.created,
      })) {
        const { object, externalIdField, record } = toSalesforceRecord(write, DEFAULT_FIELD_MAP);
        const { attributes: _attributes, ...fields } = record;
        const result = await conn
          .sobject(object)
          .upsert(fields, externalIdField)
          .catch(() => ({ success: false }));
        if (!result.success) failures += 1;
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const apiCalls = org.org.calls.total - org.org.calls.byKind.token;
    return {
      apiCalls,
      apiCallsPer1000Events: round((apiCalls / events.length) * 1000, 1),
      seconds: round(seconds, 2),
      eventsPerSecond: round(events.length / seconds, 1),
      recordFailures: failures,
    };
  } finally {
    await org.stop();
  }
}

const stripeSim = await startStripeSimulator({ port: 0, achSettlementMs: 50 });
try {
  const { events, rounds } = await generateEvents(stripeSim);
  const types = new Map<string, number>();
  for (const e of events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  console.log(
    `${events.length} Salesforce events from ${rounds} rounds of ${SCENARIOS.length} scenarios (${types.size} event types)`,
  );
  const batchedResult = await batched(events, stripeSim.url);
  const naiveResult = await naive(events);
  const result = {
    benchmark: 'salesforce',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    events: events.length,
    eventTypes: Object.fromEntries([...types].sort((a, b) => b[1] - a[1])),
    batchSize: CONNECTOR_INTAKE.salesforce.batchSize,
    apiCallsPer1000Events: batchedResult.apiCallsPer1000Events,
    batched: batchedResult,
    naive: naiveResult,
    callsSaved: round(naiveResult.apiCalls / Math.max(1, batchedResult.apiCalls), 1),
    notes:
      'batched: the production path (signed webhooks → ingress → ledger → SQS → batch consumer, batch size from CONNECTOR_INTAKE) draining a backlog into the Salesforce simulator through jsforce; its events/s include DynamoDB Local ledger writes. naive: one single-record upsert per record an event touches. API calls exclude sign-ins.',
  };
  console.table({
    batched: {
      apiCalls: batchedResult.apiCalls,
      per1000: batchedResult.apiCallsPer1000Events,
      eventsPerSecond: batchedResult.eventsPerSecond,
      failed: batchedResult.failed,
    },
    naive: {
      apiCalls: naiveResult.apiCalls,
      per1000: naiveResult.apiCallsPer1000Events,
      eventsPerSecond: naiveResult.eventsPerSecond,
      failed: naiveResult.recordFailures,
    },
  });
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'results', 'salesforce.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log('Wrote bench/results/salesforce.json');
} finally {
  await stripeSim.stop();
}
