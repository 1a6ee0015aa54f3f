/**
 * Helpers for the CDK assertion tests: logical ids of constructs, IAM statements of a role, and
 * cdk-nag findings. cdk-nag v3 reports through CDK's policy validation (not annotations), so the
 * tests run the pack over the construct tree directly.
 */
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { Connectors } from '../../infra/connectors.ts';
import type { ConnectorQueue } from '../../infra/constructs/connector-queue.ts';
import type { HubFunction } from '../../infra/constructs/hub-function.ts';
import { HubStack, type HubStackProps } from '../../infra/hub-stack.ts';
import type { ConnectorName } from '../../shared/connectors.ts';

/** The CloudFormation logical id of a construct's main resource. */
export function logicalId(construct: IConstruct): string {
  const cfn = construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return Stack.of(cfn).getLogicalId(cfn);
}

/** `{ Ref: <logical id> }`, as the template refers to the construct. */
export function ref(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

/** `{ 'Fn::GetAtt': [<logical id>, attribute] }`. */
export function getAtt(construct: IConstruct, attribute: string): { 'Fn::GetAtt': string[] } {
  return { 'Fn::GetAtt': [logicalId(construct), attribute] };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Whether two template fragments are equal (intrinsics such as `{ Ref }` compared by value). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every statement of every IAM policy attached to `role` (a construct in the template's stack). */
export function statementsOf(template: Template, role: IConstruct): Statement[] {
  const roleId = logicalId(role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const attached = policies.filter((p) =>
    asArray(p.Properties.Roles).some((r: unknown) => sameJson(r, { Ref: roleId })),
  );
  const inline = template.findResources('AWS::IAM::Role')[roleId]?.Properties?.Policies ?? [];
  return [...attached, ...inline.map((p: unknown) => ({ Properties: p }))].flatMap(
    (p) => p.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** The actions of the statements whose Resource equals `resource` (compared as JSON). */
export function actionsOn(statements: Statement[], resource: unknown): string[] {
  return statements
    .filter((s) => asArray(s.Resource).some((r) => sameJson(r, resource)))
    .flatMap((s) => asArray(s.Action));
}

/** cdk-nag AwsSolutions findings over `scope`, as `rule @ construct path` strings. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`),
  );
}

/** Every acknowledged (suppressed) rule in the tree under `scope`, with its reason. */
export function acknowledgements(scope: IConstruct): { id: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** A synthesized HubStack and the parts of its template most tests look at. */
export interface SynthesizedHub {
  app: App;
  stack: HubStack;
  template: Template;
  /** The ingress function's environment variables. */
  ingressEnv: Record<string, unknown>;
  /** Every IAM statement of the ingress's execution role. */
  ingressStatements: Statement[];
  queueOf(connector: ConnectorName): ConnectorQueue;
}

/**
 * Synthesizes a HubStack (call it once per test file). With `full`, synthesis is what `cdk synth`
 * does: the ingress is bundled with esbuild and CDK's built-in CloudFormation validation runs
 * (hub-stack.test.ts does that once); without it, both are skipped (about two seconds a file) for
 * tests that only read the template.
 */
export function synthHub(
  props: Partial<HubStackProps> = {},
  options: { full?: boolean } = {},
): SynthesizedHub {
  const app = new App(
    options.full
      ? {}
      : { builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } },
  );
  const stack = new HubStack(app, 'Hub', { livemode: true, ...props });
  const template = Template.fromStack(stack);
  const ingress =
    template.findResources('AWS::Lambda::Function')[logicalId(stack.ingress.function)];
  return {
    app,
    stack,
    template,
    ingressEnv: ingress?.Properties?.Environment?.Variables ?? {},
    ingressStatements: statementsOf(template, stack.ingress.role),
    queueOf(connector) {
      const queue = stack.connectorQueues.get(connector);
      if (!queue) throw new Error(`the stack has no queue for ${connector}`);
      return queue;
    },
  };
}

/** A connector function the hub deploys, and what its tests read of it. */
export interface DeployedConnector<N extends keyof Connectors> {
  hub: SynthesizedHub;
  connector: NonNullable<Connectors[N]>;
  /** Every IAM statement of the connector's queue consumer's role. */
  statements: Statement[];
  /** The queue consumer's environment variables. */
  env: Record<string, unknown>;
  queue: ConnectorQueue;
}

/**
 * Synthesizes a HubStack with `props` (as `synthHub` does) for a test of connector `name`;
 * throws when the stack does not deploy it.
 */
export function synthConnector<N extends keyof Connectors>(
  name: N,
  props: Partial<HubStackProps>,
): DeployedConnector<N> {
  const hub = synthHub(props);
  const connector = hub.stack.connectors[name];
  if (connector === undefined) throw new Error(`the stack does not deploy the ${name} connector`);
  return {
    hub,
    connector,
    statements: statementsOf(hub.template, connector.consumer.role),
    env: environmentOf(hub.template, connector.consumer),
    queue: hub.queueOf(name),
  };
}

/** The environment variables of a function the template holds. */
export function environmentOf(template: Template, fn: HubFunction): Record<string, unknown> {
  const resource = template.findResources('AWS::Lambda::Function')[logicalId(fn.function)];
  return resource?.Properties?.Environment?.Variables ?? {};
}

/**
 * The environment as the function would read it: each CloudFormation reference replaced by
 * `placeholders[name]`, or by a made-up value where the variable's shape does not matter.
 */
export function resolvedEnv(
  env: Record<string, unknown>,
  placeholders: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : (placeholders[k] ?? `resolved-${k}`),
    ]),
  );
}
