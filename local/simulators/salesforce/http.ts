/**
 * The simulator's HTTP plumbing: bodies up to 10 MB (a 413 past that), the Bearer token of a
 * call, JSON bodies with Salesforce's JSON_PARSER_ERROR and UNSUPPORTED_MEDIA_TYPE answers, form
 * bodies for the token endpoint, and a Salesforce-shaped 400 for requests Node cannot parse.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { readBoundedBody } from '../serve.ts';
import { ERROR_CODES, jsonParserError, SalesforceApiError } from './errors.ts';

/** The largest body the simulator reads. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Thrown by {@link readBody} for a body past {@link MAX_BODY_BYTES}. */
function tooLarge(): SalesforceApiError {
  return new SalesforceApiError({
    status: 413,
    errorCode: ERROR_CODES.requestTooLarge,
    message: `The request body is larger than ${MAX_BODY_BYTES} bytes; send fewer records per call.`,
  });
}

/** The request body as text; past the limit a 413 (the rest is read and dropped). */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBoundedBody(req, { maxBytes: MAX_BODY_BYTES, tooLarge });
}

/** The token of `Authorization: Bearer …` (or OAuth …), if the call has one. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** A JSON request body; 415 for another content type, 400 JSON_PARSER_ERROR for bad JSON. */
export function jsonBody(raw: string, headers: IncomingHttpHeaders): unknown {
  const type = headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new SalesforceApiError({
      status: 415,
      errorCode: ERROR_CODES.unsupportedMediaType,
      message: `Content-Type header specified in HTTP request is not supported: ${type}`,
    });
  }
  if (raw.trim() === '') throw jsonParserError('The request body is empty: send a JSON object.');
  try {
    return JSON.parse(raw);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(detail)?.[1];
    const where = position === undefined ? '' : ` at [line:1, column:${Number(position) + 1}]`;
    throw jsonParserError(`Unexpected character in the JSON body (${detail})${where}`);
  }
}

/** A JSON body that must be an object (`{…}`), as every record body is. */
export function jsonObject(raw: string, headers: IncomingHttpHeaders): Record<string, unknown> {
  const value = jsonBody(raw, headers);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw jsonParserError(
      `Cannot deserialize instance of the request body from ${Array.isArray(value) ? 'START_ARRAY' : 'VALUE'}: send a JSON object.`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Answers a request Node's HTTP parser refused (a bad request line, an unknown method) with
 * Salesforce's JSON error array, then closes the connection (its framing can't be trusted).
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify([
    {
      message: `The request could not be parsed as HTTP (${error.code ?? 'invalid request'}).`,
      errorCode: 'BAD_REQUEST',
    },
  ]);
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json;charset=UTF-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
