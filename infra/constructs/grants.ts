/**
 * The actions each kind of function holds on the hub's tables and buckets, as exact lists, and
 * the cdk-nag acknowledgement of a wildcard that only names objects under a known prefix.
 * `HubFunction`'s helpers grant from these lists; the infra tests compare against them.
 */
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The DynamoDB actions of each kind of ledger user, item-level only (no Scan, no stream or table
 * action). A `TransactWriteItems` call is authorised per contained action, so it needs no action
 * of its own. The ledger is an audit record: nobody deletes its items or writes them in batches.
 */
export const LEDGER_ACTIONS = {
  /** The ingress records an event and its deliveries, conditionally, once per event. */
  ingress: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:Query',
    'dynamodb:GetItem',
    'dynamodb:ConditionCheckItem',
  ],
  /** A connector consumer reads an event's record and updates (or adds) its delivery status. */
  consumer: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
} as const;

/** Who uses the ledger, which decides the actions granted; see {@link LEDGER_ACTIONS}. */
export type LedgerAccess = keyof typeof LEDGER_ACTIONS;

/** What Powertools idempotency does to its records: get, put, update, and delete on failure. */
export const IDEMPOTENCY_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

/** What each kind of function does with event payloads in S3. */
export const PAYLOAD_ACTIONS = {
  /** The ingress stores payloads too large for a message and reads them back. */
  ingress: ['s3:PutObject', 's3:GetObject'],
  /** A connector consumer only reads the payload a message points to. */
  consumer: ['s3:GetObject'],
} as const;

/** Who uses the payload bucket; see {@link PAYLOAD_ACTIONS}. */
export type PayloadAccess = keyof typeof PAYLOAD_ACTIONS;

/**
 * Acknowledges cdk-nag's IAM5 finding for `<resource ARN><suffix>` on `scope` (a role, or the
 * construct that owns one). cdk-nag v3 matches
 * exact finding ids, which name the resource's logical id; a resource from another stack or an
 * import has none here, so its finding stays visible.
 */
export function acknowledgeWildcard(
  scope: IConstruct,
  resource: IConstruct,
  suffix: string,
  reason: string,
): void {
  const cfn = resource.node.defaultChild;
  if (!(cfn instanceof CfnElement) || Stack.of(cfn) !== Stack.of(scope)) return;
  const logicalId = Stack.of(cfn).getLogicalId(cfn);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`,
    reason,
  });
}
