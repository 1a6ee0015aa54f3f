/**
 * Custom resource handler (CDK Provider framework) that runs the warehouse migrations during a
 * deploy. Each migration is applied with its bookkeeping row in one transaction, so a re-run
 * after a failed deploy applies what is missing and nothing twice; the grants are repeatable.
 * All logic lives in shared/connectors/warehouse/migrate-resource.ts.
 */
import type { CdkCustomResourceEvent, CdkCustomResourceResponse, Context } from 'aws-lambda';
import { processEnv } from '../../shared/config.ts';
import { handleMigrationsEvent } from '../../shared/connectors/warehouse/migrate-resource.ts';

export async function handler(
  event: CdkCustomResourceEvent,
  context: Context,
): Promise<CdkCustomResourceResponse> {
  return handleMigrationsEvent({
    event,
    env: processEnv(),
    remainingMs: context.getRemainingTimeInMillis(),
  });
}
