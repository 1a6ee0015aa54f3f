/**
 * The warehouse connector's settings: where the Redshift Data API runs its SQL (a serverless
 * workgroup or a provisioned cluster), which database and schema hold the tables, and where the
 * loader stages a batch in S3 for COPY. Parsed once at cold start from an {@link Env}.
 */
import { ConfigError, DEFAULT_REGION, ENV, type Env, settings } from '../../config.ts';
import { STAGING_BUCKET } from '../../resources.ts';

/** Environment variable names, shared with `infra/` (which sets them) and `local/`. */
export const WAREHOUSE_ENV = {
  workgroup: 'WAREHOUSE_WORKGROUP',
  clusterId: 'WAREHOUSE_CLUSTER_ID',
  dbUser: 'WAREHOUSE_DB_USER',
  secretArn: 'WAREHOUSE_SECRET_ARN',
  database: 'WAREHOUSE_DATABASE',
  schema: 'WAREHOUSE_SCHEMA',
  stagingBucket: 'WAREHOUSE_STAGING_BUCKET',
  stagingPrefix: 'WAREHOUSE_STAGING_PREFIX',
  copyRole: 'WAREHOUSE_COPY_ROLE',
  endpoint: 'AWS_ENDPOINT_URL_REDSHIFT_DATA',
} as const;

/** The defaults of the settings that have one. */
export const WAREHOUSE_DEFAULTS = {
  database: 'dev',
  schema: 'stripe',
  stagingPrefix: STAGING_BUCKET.prefix,
  copyRole: 'default',
} as const;

/**
 * Where the Data API runs the SQL. A workgroup authenticates with the caller's IAM identity or a
 * secret; a cluster with a database user (temporary credentials), a secret, or the IAM identity.
 */
export type WarehouseTarget =
  | { kind: 'serverless'; workgroupName: string; secretArn?: string }
  | { kind: 'provisioned'; clusterIdentifier: string; dbUser?: string; secretArn?: string };

/** Everything the warehouse connector needs to know about its Redshift and its staging area. */
export interface WarehouseConfig {
  target: WarehouseTarget;
  database: string;
  /** The schema that holds the tables (lower case, a plain identifier). */
  schema: string;
  stagingBucket: string;
  /** Key prefix of the staged batches: empty, or ending with `/`. */
  stagingPrefix: string;
  /** What COPY's IAM_ROLE says: `default` (the cluster's default role) or a role ARN. */
  copyRole: string;
  region: string;
  /** A local Data API (the simulator); undefined means the real AWS endpoint. */
  endpoint?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,126}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** A plain Redshift identifier, folded to lower case as Redshift does; throws naming `name`. */
export function parseIdentifier(raw: string, name: string): string {
  const folded = raw.toLowerCase();
  if (!IDENTIFIER.test(folded)) {
    throw new ConfigError(
      `${name} is "${raw}": set it to a plain identifier (a letter or _, then letters, digits or _, at most 127 characters).`,
    );
  }
  return folded;
}

function target(env: Env): WarehouseTarget {
  const { workgroup, clusterId, dbUser, secretArn } = WAREHOUSE_ENV;
  const workgroupName = settings.present(env, workgroup);
  const clusterIdentifier = settings.present(env, clusterId);
  const user = settings.present(env, dbUser);
  const secret = settings.present(env, secretArn);
  if ((workgroupName === undefined) === (clusterIdentifier === undefined)) {
    const state =
      workgroupName === undefined
        ? `Neither ${workgroup} nor ${clusterId} is set`
        : `Both ${workgroup} and ${clusterId} are set`;
    throw new ConfigError(
      `${state}: set exactly one, ${workgroup} to the name of a Redshift Serverless workgroup or ${clusterId} to the identifier of a provisioned cluster.`,
    );
  }
  if (user !== undefined && secret !== undefined) {
    throw new ConfigError(
      `Both ${dbUser} and ${secretArn} are set: set one, ${dbUser} for temporary credentials of a database user or ${secretArn} for credentials kept in Secrets Manager.`,
    );
  }
  if (workgroupName !== undefined) {
    if (user !== undefined) {
      throw new ConfigError(
        `${dbUser} is set with ${workgroup}: a serverless workgroup derives the user from the IAM identity; unset ${dbUser}, or use ${secretArn}.`,
      );
    }
    return { kind: 'serverless', workgroupName, ...(secret ? { secretArn: secret } : {}) };
  }
  return {
    kind: 'provisioned',
    clusterIdentifier: clusterIdentifier ?? '',
    ...(user ? { dbUser: user } : {}),
    ...(secret ? { secretArn: secret } : {}),
  };
}

function stagingPrefix(env: Env): string {
  const raw =
    settings.present(env, WAREHOUSE_ENV.stagingPrefix) ?? WAREHOUSE_DEFAULTS.stagingPrefix;
  if (raw.startsWith('/') || raw.includes('//')) {
    throw new ConfigError(
      `${WAREHOUSE_ENV.stagingPrefix} is "${raw}": set it to an S3 key prefix without a leading / or empty segments, such as ${WAREHOUSE_DEFAULTS.stagingPrefix}.`,
    );
  }
  return raw.endsWith('/') ? raw : `${raw}/`;
}

function copyRole(env: Env): string {
  const raw = settings.present(env, WAREHOUSE_ENV.copyRole) ?? WAREHOUSE_DEFAULTS.copyRole;
  if (raw === 'default' || ROLE_ARN.test(raw)) return raw;
  throw new ConfigError(
    `${WAREHOUSE_ENV.copyRole} is "${raw}": set it to the ARN of an IAM role Redshift may assume to read the staging bucket (arn:aws:iam::123456789012:role/…), or to default for the cluster's default role.`,
  );
}

/**
 * Parses the warehouse connector's settings at cold start; throws {@link ConfigError} naming the
 * variable that is missing or wrong.
 */
export function parseWarehouseConfig(env: Env): WarehouseConfig {
  const endpoint = settings.present(env, WAREHOUSE_ENV.endpoint);
  return {
    target: target(env),
    database: settings.present(env, WAREHOUSE_ENV.database) ?? WAREHOUSE_DEFAULTS.database,
    schema: parseIdentifier(
      settings.present(env, WAREHOUSE_ENV.schema) ?? WAREHOUSE_DEFAULTS.schema,
      WAREHOUSE_ENV.schema,
    ),
    stagingBucket: settings.required(
      env,
      WAREHOUSE_ENV.stagingBucket,
      'the S3 bucket where the loader stages each batch for COPY (Redshift must be able to read it)',
    ),
    stagingPrefix: stagingPrefix(env),
    copyRole: copyRole(env),
    region: settings.present(env, ENV.region) ?? DEFAULT_REGION,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}
