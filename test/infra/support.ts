/**
 * Helpers for the CDK assertion tests: logical ids of constructs, IAM statements of a role, and
 * cdk-nag findings. cdk-nag v3 reports through CDK's policy validation (not annotations), so the
 * tests run the pack over the construct tree directly.
 */
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

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
