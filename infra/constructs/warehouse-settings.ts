/**
 * The warehouse connector's context values (`-c warehouseWorkgroup=…`), checked at synthesis:
 * which Redshift the Data API runs on, how it authenticates, and which database and schema hold
 * the tables. A mistake fails `cdk synth` with the context key to fix, not the first load.
 */
import { parseIdentifier, WAREHOUSE_DEFAULTS } from '../../shared/connectors/warehouse/config.ts';

/** The context values as given (strings from `-c`, or values from cdk.json). */
export interface WarehouseProps {
  /** `warehouseWorkgroup`: a Redshift Serverless workgroup's name, or its ARN. */
  readonly workgroup?: unknown;
  /** `warehouseClusterId`: a provisioned cluster's identifier. */
  readonly clusterId?: unknown;
  /** `warehouseDatabase`. @default dev */
  readonly database?: unknown;
  /** `warehouseSchema`. @default stripe */
  readonly schema?: unknown;
  /** `warehouseDbUser`: a cluster's database user, signed in with temporary credentials. */
  readonly dbUser?: unknown;
  /** `warehouseSecretArn`: a Secrets Manager secret with the database credentials. */
  readonly secretArn?: unknown;
}

/**
 * Where the SQL runs. A workgroup given by name has an ARN that ends in its id, which CDK cannot
 * know offline, so `workgroupArn` is set only when the context gives the ARN.
 */
export type WarehouseTarget =
  | { readonly kind: 'serverless'; readonly workgroup: string; readonly workgroupArn?: string }
  | { readonly kind: 'provisioned'; readonly clusterId: string; readonly dbUser?: string };

export interface WarehouseSettings {
  readonly target: WarehouseTarget;
  readonly database: string;
  readonly schema: string;
  /** A complete secret ARN; with it the Data API signs in with the secret's credentials. */
  readonly secretArn?: string;
}

/** The context keys, named in every error. */
export const WAREHOUSE_CONTEXT = {
  workgroup: 'warehouseWorkgroup',
  clusterId: 'warehouseClusterId',
  database: 'warehouseDatabase',
  schema: 'warehouseSchema',
  dbUser: 'warehouseDbUser',
  secretArn: 'warehouseSecretArn',
} as const;

// Redshift Serverless workgroup names (CloudFormation's pattern) and ARNs, which end in the id.
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;
const WORKGROUP_ARN =
  /^arn:aws[a-z-]*:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;
// A letter first, then lower-case letters, digits and single hyphens, at most 63, no final hyphen.
const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}$/;
// Redshift user names: letters, digits, _ + . @ -, at most 128.
const DB_USER = /^[A-Za-z0-9_+.@-]{1,128}$/;
// A complete secret ARN ends in the 6 characters Secrets Manager appends to the name.
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

type Key = keyof typeof WAREHOUSE_CONTEXT;

function text(props: WarehouseProps, key: Key): string | undefined {
  const value = props[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new Error(`Context "${WAREHOUSE_CONTEXT[key]}" must be a string; it is ${typeof value}.`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function matching(props: WarehouseProps, key: Key, pattern: RegExp, expected: string) {
  const value = text(props, key);
  if (value !== undefined && !pattern.test(value)) {
    throw new Error(`Context "${WAREHOUSE_CONTEXT[key]}" is "${value}": set it to ${expected}.`);
  }
  return value;
}

function identifier(props: WarehouseProps, key: 'database' | 'schema', fallback: string): string {
  return parseIdentifier(text(props, key) ?? fallback, `Context "${WAREHOUSE_CONTEXT[key]}"`);
}

function target(props: WarehouseProps, secretArn: string | undefined): WarehouseTarget | undefined {
  const { workgroup: wg, clusterId: cl, dbUser: du, secretArn: sa } = WAREHOUSE_CONTEXT;
  const workgroup = text(props, 'workgroup');
  const clusterId = matching(
    props,
    'clusterId',
    CLUSTER_ID,
    "a cluster identifier (lower-case letters, digits and hyphens, starting with a letter, as in the Redshift console's cluster list)",
  );
  const dbUser = matching(props, 'dbUser', DB_USER, 'an existing database user name');
  if (workgroup !== undefined && clusterId !== undefined) {
    throw new Error(
      `Both "${wg}" and "${cl}" are set: set one, "${wg}" for Redshift Serverless or "${cl}" for a provisioned cluster.`,
    );
  }
  if (dbUser !== undefined && secretArn !== undefined) {
    throw new Error(
      `Both "${du}" and "${sa}" are set: set one, "${du}" for temporary credentials of a database user or "${sa}" for credentials kept in Secrets Manager.`,
    );
  }
  if (workgroup !== undefined) {
    if (dbUser !== undefined) {
      throw new Error(
        `"${du}" is set with "${wg}": a serverless workgroup maps the function's IAM role to its database user; unset "${du}", or use "${sa}".`,
      );
    }
    if (WORKGROUP_ARN.test(workgroup)) {
      return { kind: 'serverless', workgroup, workgroupArn: workgroup };
    }
    if (!WORKGROUP_NAME.test(workgroup)) {
      throw new Error(
        `Context "${wg}" is "${workgroup}": set it to a workgroup name (3 to 64 lower-case letters, digits or hyphens) or the workgroup's ARN (arn:aws:redshift-serverless:<region>:<account>:workgroup/<id>).`,
      );
    }
    return { kind: 'serverless', workgroup };
  }
  if (clusterId !== undefined) {
    return { kind: 'provisioned', clusterId, ...(dbUser === undefined ? {} : { dbUser }) };
  }
  if (dbUser !== undefined || secretArn !== undefined) {
    throw new Error(
      `"${dbUser === undefined ? sa : du}" is set without a target: set "${wg}" or "${cl}" as well.`,
    );
  }
  return undefined;
}

/**
 * Checks the warehouse context. Returns undefined when neither a workgroup nor a cluster is
 * given (the stack then deploys no warehouse function); throws naming the key to fix otherwise.
 */
export function warehouseSettings(props: WarehouseProps = {}): WarehouseSettings | undefined {
  const secretArn = matching(
    props,
    'secretArn',
    SECRET_ARN,
    'the complete ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf, as the console shows it)',
  );
  const database = identifier(props, 'database', WAREHOUSE_DEFAULTS.database);
  const schema = identifier(props, 'schema', WAREHOUSE_DEFAULTS.schema);
  const resolved = target(props, secretArn);
  if (resolved === undefined) return undefined;
  return {
    target: resolved,
    database,
    schema,
    ...(secretArn === undefined ? {} : { secretArn }),
  };
}
