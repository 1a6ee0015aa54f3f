/**
 * What the simulators' HTTP sides share: a request body read up to a limit, and a node:http
 * server listening on a port (0 picks a free one) with the failure handling they all want.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The request body as text. Past `maxBytes` the rest is read and dropped, so the client still
 * gets its answer, and the promise rejects with `tooLarge()`.
 */
export function readBoundedBody(
  req: IncomingMessage,
  options: { maxBytes: number; tooLarge: () => Error },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= options.maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= options.maxBytes) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(options.tooLarge());
    });
    req.on('error', reject);
  });
}

/** A listening simulator server and the URL clients reach it at. */
export interface Listening {
  server: Server;
  url: string;
  port: number;
}

/**
 * Listens with `handle`; a request whose handling throws gets a bare 500 and `onFailure` hears
 * of it. Rejects when the port cannot be had (EADDRINUSE), so the caller can say which setting
 * to change.
 */
export async function listen(options: {
  port: number;
  host?: string | undefined;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  onClientError: (error: Error, socket: Duplex) => void;
  onFailure?: (req: IncomingMessage, error: unknown) => void;
}): Promise<Listening> {
  const server = createServer((req, res) => {
    options.handle(req, res).catch((error: unknown) => {
      options.onFailure?.(req, error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', options.onClientError);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  return { server, url, port };
}

/**
 * A control route's body: a JSON object, or `{}` for an empty body. Anything else throws
 * `refuse(message)`, the simulator's own error for a bad request.
 */
export function jsonObjectBody(
  raw: string,
  refuse: (message: string) => Error,
): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Answered below.
  }
  throw refuse('The control API takes a JSON object.');
}
