/**
 * A TCP proxy in front of a real local server that can be switched off and on, to take
 * DynamoDB or SQS "down" the way a network failure does (connections reset) without losing
 * the server's data.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface ToggleProxy {
  endpoint: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startToggleProxy(target: string): Promise<ToggleProxy> {
  const { hostname, port } = new URL(target);
  let isUp = true;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', cleanup).on('close', cleanup);
    upstream.on('error', cleanup).on('close', cleanup);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxyPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    down() {
      isUp = false;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    up() {
      isUp = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
