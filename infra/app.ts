/**
 * The CDK app: `cdk synth` / `cdk deploy` run this file (see cdk.json). It builds one HubStack
 * and registers cdk-nag's AwsSolutions rules as a validation plugin, so a non-compliant change
 * fails synthesis.
 *
 * Context: `-c livemode=true` for a live-mode deployment (default test mode),
 * `-c stackName=…` to deploy several hubs in one account, `-c alarmEmail=…` for alarm mail,
 * `-c routingTable='{"warehouse":["*"],…}'` (JSON) to replace the default routes: the ingress may
 * then send only to the queues of connectors that take at least one event type.
 *
 * Connectors (each checked at synthesis): `salesforceLoginUrl`, `salesforceApiVersion`,
 * `salesforceFieldMap` (JSON); `warehouseWorkgroup` (name or ARN) or `warehouseClusterId`,
 * `warehouseDatabase`, `warehouseSchema`, `warehouseDbUser`, `warehouseSecretArn`. Without a
 * workgroup or cluster no warehouse function is deployed (the synth warns).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SALESFORCE_CONTEXT } from './constructs/salesforce-connector.ts';
import { WAREHOUSE_CONTEXT } from './constructs/warehouse-settings.ts';
import { contextValues, livemodeFromContext, routingTableFromContext } from './context.ts';
import { HubStack } from './hub-stack.ts';

const app = new App();

const stackName = app.node.tryGetContext('stackName') ?? 'Switchyard';
const alarmEmail = app.node.tryGetContext('alarmEmail');
const routingTable = routingTableFromContext(app.node.tryGetContext('routingTable'));

new HubStack(app, String(stackName), {
  description: 'Switchyard: Stripe integration hub',
  livemode: livemodeFromContext(app.node.tryGetContext('livemode')),
  ...(typeof alarmEmail === 'string' && alarmEmail !== '' ? { alarmEmail } : {}),
  ...(routingTable === undefined ? {} : { routingTable }),
  salesforce: contextValues(app.node, SALESFORCE_CONTEXT),
  warehouse: contextValues(app.node, WAREHOUSE_CONTEXT),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
