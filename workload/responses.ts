// The answers to GET / are fixed for the life of the process, so their bodies and headers are
// built once at start: the hot path then only picks one and writes it.
import type { OutgoingHttpHeaders } from 'node:http';

export interface PreparedResponse {
  /** A string when small: node:http then sends headers and body in one write() instead of a
   *  writev() of two buffers, measurably cheaper per request; a Buffer when large, where
   *  re-encoding the text on every request would cost more than it saves. */
  readonly body: Buffer | string;
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

const SMALL_BODY_BYTES = 4096;

function prepare(contentType: string, bytes: Buffer): PreparedResponse {
  return {
    body: bytes.byteLength <= SMALL_BODY_BYTES ? bytes.toString('utf8') : bytes,
    headers: {
      'content-type': contentType,
      'content-length': String(bytes.byteLength),
      // The body depends on Accept, so caches must keep the two apart.
      vary: 'Accept',
      ...NOSNIFF,
    },
  };
}
