/**
 * The hub's S3 buckets: private (no public access, bucket-owner objects), encrypted, SSL only,
 * kept when the stack is deleted, with the objects under one prefix expiring after some days.
 * The payload bucket and the warehouse's staging bucket are both one.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export function privateBucket(
  scope: Construct,
  id: string,
  options: {
    /** What the lifecycle rule expires: the objects under `prefix`, after `expirationDays`. */
    expire: { ruleId: string; prefix: string; expirationDays: number };
    /** Why this bucket keeps no access logs (cdk-nag AwsSolutions-S1). */
    noAccessLogsBecause: string;
  },
): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Its objects expire: deleting the stack leaves a bucket that empties itself, not a failure.
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: options.expire.ruleId,
        prefix: options.expire.prefix,
        expiration: Duration.days(options.expire.expirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: options.noAccessLogsBecause,
  });
  return bucket;
}
