// The answers to GET / are fixed for the life of the process, so their bodies and headers are
// built once at start: the hot path then only picks one and writes it.
import type { OutgoingHttpHeaders } from 'node:http';

export interface PreparedResponse {
  readonly body: Buffer;
  readonly headers: OutgoingHttpHeaders;
}

export interface MessageResponses {
  readonly text: PreparedResponse;
  readonly json: PreparedResponse;
}

export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

export function prepareMessageResponses(
  message: string,
  hostname: string,
  version: string,
): MessageResponses {
  return {
    text: prepare('text/plain; charset=utf-8', Buffer.from(message, 'utf8')),
    json: prepare('application/json', Buffer.from(JSON.stringify({ message, hostname, version }), 'utf8')),
  };
}

function prepare(contentType: string, body: Buffer): PreparedResponse {
  return {
    body,
    headers: {
      'content-type': contentType,
      'content-length': String(body.byteLength),
      // The body depends on Accept, so caches must keep the two apart.
      vary: 'Accept',
      ...NOSNIFF,
    },
  };
}
