/**
 * The laptop's API Gateway: turns HTTP requests into API Gateway HTTP API (payload v2.0) events
 * for the same handlers Lambda runs, and their results back into HTTP responses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  method: string;
  path: string;
  functionName: string;
  timeoutSeconds: number;
  handler: HttpHandler;
}

/** API Gateway's own payload limit; the handler applies its stricter one. */
const API_GATEWAY_MAX_BYTES = 10 * 1_048_576;

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json)/i;

function headersOf(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === undefined || name === 'cookie') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

/** What the host knows of an HTTP request. */
export interface HttpRequestParts {
  method: string;
  url: string;
  /** Header names and values, alternating, as received (`IncomingMessage.rawHeaders`). */
  rawHeaders: readonly string[];
  body: Buffer;
  routeKey: string;
  httpVersion?: string;
  sourceIp?: string;
}

/**
 * Builds the event API Gateway (HTTP API, payload v2.0) would send for this request: header
 * names lower-cased and repeats comma-joined, cookies apart, and a text body passed as is while
 * any other body is base64-encoded with `isBase64Encoded`.
 */
export function toApiGatewayEvent(request: HttpRequestParts): APIGatewayProxyEventV2 {
  const { body } = request;
  const url = new URL(request.url, 'http://localhost');
  const headers = headersOf(request.rawHeaders);
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    queryStringParameters[k] =
      queryStringParameters[k] === undefined ? v : `${queryStringParameters[k]},${v}`;
  }
  const cookieIndex = request.rawHeaders.findIndex(
    (h, i) => i % 2 === 0 && h.toLowerCase() === 'cookie',
  );
  const cookies = request.rawHeaders[cookieIndex + 1]?.split(';').map((c) => c.trim());
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion ?? '1.1'}`,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export interface HttpHost {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves the routes on 127.0.0.1:`port` (0 for any free port). */
export async function startHttpHost(options: {
  port: number;
  routes: Route[];
  onError?: (error: unknown) => void;
}): Promise<HttpHost> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = options.routes.find(
      (r) => r.path === url.pathname && r.method === request.method,
    );
    if (!route) {
      send(response, 404, { message: 'Not Found' });
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) {
        send(response, 413, { message: 'Request Entity Too Large' });
        return;
      }
      const event = toApiGatewayEvent({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks),
        routeKey: `${route.method} ${route.path}`,
        httpVersion: request.httpVersion,
        ...(request.socket.remoteAddress ? { sourceIp: request.socket.remoteAddress } : {}),
      });
      const context = lambdaContext({
        functionName: route.functionName,
        timeoutSeconds: route.timeoutSeconds,
      });
      route
        .handler(event, context)
        .then((result) => {
          const body = result.body ?? '';
          response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
          response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
        })
        .catch((error: unknown) => {
          options.onError?.(error);
          // What API Gateway answers when the integration fails.
          send(response, 500, { message: 'Internal Server Error' });
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    // In-flight requests get a few seconds to finish before their connections are cut.
    close: () =>
      new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
