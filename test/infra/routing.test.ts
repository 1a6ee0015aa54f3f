/**
 * The routing table on AWS: `-c routingTable='…'` reaches the ingress as ROUTING_TABLE, and the
 * ingress may send only to the queues of connectors that take at least one event type.
 */
import { describe, expect, it } from 'vitest';
import { routingTableFromContext } from '../../infra/context.ts';
import { ENV, parseIngressConfig, queueUrlEnv } from '../../shared/config.ts';
import { CONNECTORS } from '../../shared/connectors.ts';
import { DEFAULT_ROUTES } from '../../shared/events/routing.ts';
import { actionsOn, asArray, getAtt, nagFindings, synthHub } from './support.ts';

const warehouseOnly = synthHub({ routingTable: routingTableFromContext('{"warehouse":["*"]}') });
const byDefault = synthHub();

/** The synthesized environment with every CloudFormation reference replaced by a placeholder. */
function resolvedEnv(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]),
  );
}

describe('a routing table that routes only to the warehouse', () => {
  const { stack, ingressEnv, ingressStatements, queueOf } = warehouseOnly;

  it('lets the ingress send to the warehouse queue only', () => {
    const sends = ingressStatements.filter((s) => asArray(s.Action).includes('sqs:SendMessage'));
    expect(sends.flatMap((s) => asArray(s.Resource))).toEqual([
      getAtt(queueOf('warehouse').queue, 'Arn'),
    ]);
    for (const connector of CONNECTORS.filter((c) => c !== 'warehouse')) {
      expect(actionsOn(ingressStatements, getAtt(queueOf(connector).queue, 'Arn'))).toEqual([]);
    }
  });

  it('gives the ingress the table as ROUTING_TABLE and only the warehouse queue URL', () => {
    expect(JSON.parse(String(ingressEnv[ENV.routingTable]))).toEqual({
      salesforce: [],
      netsuite: [],
      avalara: [],
      warehouse: ['*'],
    });
    expect(CONNECTORS.filter((c) => queueUrlEnv(c) in ingressEnv)).toEqual(['warehouse']);
  });

  it('is a configuration the ingress accepts at cold start', () => {
    const config = parseIngressConfig(resolvedEnv(ingressEnv));
    expect(config.routes.warehouse).toEqual(['*']);
    expect(Object.keys(config.queueUrls)).toEqual(['warehouse']);
  });

  it('still deploys every connector queue, ready for its consumer', () => {
    expect([...stack.connectorQueues.keys()].sort()).toEqual([...CONNECTORS].sort());
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(warehouseOnly.app)).toEqual([]);
  });
});

describe('without a routing table', () => {
  const { ingressEnv, ingressStatements, queueOf } = byDefault;

  it('applies DEFAULT_ROUTES: no ROUTING_TABLE, and the ingress sends to all four queues', () => {
    expect(ingressEnv).not.toHaveProperty(ENV.routingTable);
    expect(byDefault.stack.routes).toBe(DEFAULT_ROUTES);
    for (const connector of CONNECTORS) {
      expect(actionsOn(ingressStatements, getAtt(queueOf(connector).queue, 'Arn'))).toEqual([
        'sqs:SendMessage',
      ]);
      expect(ingressEnv).toHaveProperty(queueUrlEnv(connector));
    }
    expect(parseIngressConfig(resolvedEnv(ingressEnv)).routes).toEqual(DEFAULT_ROUTES);
  });
});

describe('routingTableFromContext', () => {
  it('is undefined when unset, and takes a JSON string or an object (cdk.json)', () => {
    expect(routingTableFromContext(undefined)).toBeUndefined();
    expect(routingTableFromContext('{"netsuite":["invoice.*"]}')?.netsuite).toEqual(['invoice.*']);
    expect(routingTableFromContext({ avalara: ['invoice.paid'] })?.avalara).toEqual([
      'invoice.paid',
    ]);
  });

  it('fails synthesis on bad JSON, naming the context key', () => {
    expect(() => routingTableFromContext('{warehouse:["*"]}')).toThrow(
      /^Context "routingTable" is not valid JSON/,
    );
  });

  it('fails synthesis on an unknown connector or a malformed pattern', () => {
    expect(() => routingTableFromContext('{"crm":["*"]}')).toThrow(
      /^Context "routingTable" is not a routing table: unknown connector "crm"/,
    );
    expect(() => routingTableFromContext('{"warehouse":["invoice paid"]}')).toThrow(
      /Context "routingTable" is not a routing table: "invoice paid"/,
    );
    expect(() => routingTableFromContext('["warehouse"]')).toThrow(/Context "routingTable"/);
  });

  it('also checks a table given to the stack in code', () => {
    expect(() => synthHub({ routingTable: { warehouse: ['*.'] } as never })).toThrow(
      /routingTable prop is not a routing table/,
    );
  });
});
