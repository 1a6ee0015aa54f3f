/**
 * Connector context as the CDK app reads it: `-c key=value` or cdk.json values become the props
 * the stack checks, and the defaults cdk.json documents are the ones the code applies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/hub-function.ts';
import {
  SALESFORCE_CONTEXT,
  salesforceSettings,
} from '../../infra/constructs/salesforce-connector.ts';
import { WAREHOUSE_CONTEXT, warehouseSettings } from '../../infra/constructs/warehouse-settings.ts';
import { contextValues } from '../../infra/context.ts';

describe('contextValues', () => {
  it('maps context keys to props and leaves unset keys out', () => {
    // Prepare
    const app = new App({
      context: { warehouseWorkgroup: 'analytics', warehouseSchema: 'billing', other: 'x' },
    });

    // Act
    const props = contextValues(app.node, WAREHOUSE_CONTEXT);

    // Assess
    expect(props).toEqual({ workgroup: 'analytics', schema: 'billing' });
    expect(warehouseSettings(props)?.schema).toBe('billing');
  });
});

describe('cdk.json', () => {
  const { context } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  const app = new App({ context });

  it('documents the defaults the code applies, and they pass the checks', () => {
    expect(salesforceSettings(contextValues(app.node, SALESFORCE_CONTEXT))).toEqual(
      salesforceSettings(),
    );
    const withTarget = { ...contextValues(app.node, WAREHOUSE_CONTEXT), workgroup: 'analytics' };
    expect(warehouseSettings(withTarget)).toEqual(warehouseSettings({ workgroup: 'analytics' }));
  });

  it('names no warehouse target, so CI synthesizes without one', () => {
    expect(warehouseSettings(contextValues(app.node, WAREHOUSE_CONTEXT))).toBeUndefined();
  });
});
