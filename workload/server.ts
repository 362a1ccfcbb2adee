// The HTTP server: routing, the handlers, and one place that ends every response so that
// metrics, debug logs and shutdown behaviour are applied the same way to all of them.
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Logger } from 'pino';
import { prefersJson } from './accept.ts';
import { Budget } from './budget.ts';
import { burnCpu, parseWorkMs } from './cpu-work.ts';
import type { Lifecycle } from './lifecycle.ts';
import { type Metrics, type Route, UNMATCHED_ROUTE } from './metrics.ts';
import { type MessageResponses, NOSNIFF } from './responses.ts';
import { ItemTooLarge, type ScratchStore } from './scratch-store.ts';

export interface ServerDeps {
  responses: MessageResponses;
  lifecycle: Lifecycle;
  metrics: Metrics;
  logger: Logger;
  /** Undefined until start-up has proved TMPDIR writable. */
  scratch: () => ScratchStore | undefined;
  workMaxMs: number;
  /** /work burns running at once; 0 turns /work off. */
  workMaxConcurrent: number;
  /** Bytes of POST /scratch bodies being received at once; more uploads are refused (429). */
  scratchMaxBytesInFlight: number;
  /** From a request's first byte to its last header, and to the last byte of its body. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** How often Node looks for requests past their headers or request timeout (its default is 30 s,
 *  which would let a stalled request live that much longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

const TEXT = 'text/plain; charset=utf-8';
const PROBE_HEADERS = { 'content-type': TEXT, 'cache-control': 'no-store', ...NOSNIFF } as const;
const SCRATCH_ITEM = /^\/scratch\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const GET_HEAD = 'GET, HEAD';
const NO_ITEM = 'no such scratch item (never stored, or evicted)\n';

export function createWorkloadServer(deps: ServerDeps): Server {
  const { responses, lifecycle, metrics, logger } = deps;
  const debug = logger.isLevelEnabled('debug');
  const workSlots = new Budget(deps.workMaxConcurrent);
  const uploadBytes = new Budget(deps.scratchMaxBytesInFlight);

  /** Every response ends here. */
  function done(req: IncomingMessage, route: Route, status: number, start: number): void {
    const seconds = (performance.now() - start) / 1000;
    metrics.observeRequest(req.method ?? 'OTHER', route, status, seconds);
    if (debug)
      logger.debug({ method: req.method, url: req.url, route, status, ms: seconds * 1000 }, 'request');
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    start: number,
    status: number,
    headers: OutgoingHttpHeaders,
    body: string | Buffer,
  ): void {
    if (lifecycle.shuttingDown) res.setHeader('connection', 'close');
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...headers, 'content-length': String(buf.byteLength) });
    res.end(buf);
    done(req, route, status, start);
  }

  function sendText(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    start: number,
    status: number,
    text: string,
  ) {
    send(req, res, route, start, status, { 'content-type': TEXT, ...NOSNIFF }, text);
  }

  /** 429 with Retry-After: a bound is reached, and a moment later there is room again. A 4xx, not a
   *  5xx: nothing failed, and the error-ratio alert counts 5xx as failures inside the workload. */
  function busy(req: IncomingMessage, res: ServerResponse, route: Route, start: number, what: string): void {
    const headers = { 'content-type': TEXT, 'retry-after': '1', ...NOSNIFF };
    send(req, res, route, start, 429, headers, `busy: ${what}; retry later\n`);
  }

  function notAllowed(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    start: number,
    allow: string,
  ): void {
    send(
      req,
      res,
      route,
      start,
      405,
      { 'content-type': TEXT, allow, ...NOSNIFF },
      `method ${req.method} not allowed; use ${allow}\n`,
    );
  }

  function fail(req: IncomingMessage, res: ServerResponse, route: Route, start: number, err: unknown): void {
    if (req.socket.destroyed) {
      // The client went away (e.g. aborted an upload): nothing to answer, and not our error.
      if (debug) logger.debug({ err, method: req.method, url: req.url, route }, 'client went away');
      return;
    }
    logger.error({ err, method: req.method, url: req.url, route }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      done(req, route, 500, start);
    } else {
      sendText(req, res, route, start, 500, 'internal error\n');
    }
  }

  function root(req: IncomingMessage, res: ServerResponse, start: number): void {
    const r = prefersJson(req.headers.accept) ? responses.json : responses.text;
    if (lifecycle.shuttingDown) res.setHeader('connection', 'close');
    res.writeHead(200, r.headers);
    res.end(r.body);
    done(req, '/', 200, start);
  }

  async function metricsRoute(req: IncomingMessage, res: ServerResponse, start: number): Promise<void> {
    const text = await metrics.render();
    send(
      req,
      res,
      '/metrics',
      start,
      200,
      { 'content-type': metrics.contentType, 'cache-control': 'no-store', ...NOSNIFF },
      text,
    );
  }

  async function putScratch(req: IncomingMessage, res: ServerResponse, start: number): Promise<void> {
    const route = '/scratch';
    const store = deps.scratch();
    if (store === undefined) return sendText(req, res, route, start, 503, 'scratch store not ready\n');
    const limit = store.limits.maxItemBytes;
    const tooLarge = (closeConnection: boolean) => {
      if (closeConnection) res.setHeader('connection', 'close');
      sendText(req, res, route, start, 413, `scratch items are limited to ${limit} bytes\n`);
    };
    // A body somewhat over the limit is read and dropped, so that the client, still sending,
    // gets to read the 413 instead of a reset; a far larger one is cut off.
    const discardLimit = Math.max(limit * 4, 1024 * 1024);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > discardLimit) return tooLarge(true);
    // What the body may hold in memory until it is written: its declared length, or a whole item
    // when it comes in chunks. Reserved before reading, so that uploads that stall cannot add up.
    const reserved = Number.isNaN(declared) ? limit : Math.min(declared, limit);
    if (!uploadBytes.tryTake(reserved)) {
      res.setHeader('connection', 'close');
      return busy(
        req,
        res,
        route,
        start,
        `${uploadBytes.capacity} bytes of uploads are being received (SCRATCH_MAX_BYTES_IN_FLIGHT)`,
      );
    }
    try {
      const body = await readBody(req, limit, discardLimit);
      if (body === 'over-limit') return tooLarge(false);
      if (body === 'cut-off') return tooLarge(true);
      const id = await store.put(body);
      send(
        req,
        res,
        route,
        start,
        201,
        { 'content-type': 'application/json', location: `/scratch/${id}`, ...NOSNIFF },
        JSON.stringify({ id, bytes: body.byteLength }),
      );
    } catch (err) {
      if (err instanceof ItemTooLarge) return tooLarge(false);
      throw err;
    } finally {
      uploadBytes.giveBack(reserved);
    }
  }

  async function getScratch(
    req: IncomingMessage,
    res: ServerResponse,
    start: number,
    id: string,
  ): Promise<void> {
    const route = '/scratch/{id}';
    const data = await deps.scratch()?.get(id);
    if (data === undefined) return sendText(req, res, route, start, 404, NO_ITEM);
    // Served as opaque bytes whatever was posted, so stored content is never interpreted.
    send(req, res, route, start, 200, { 'content-type': 'application/octet-stream', ...NOSNIFF }, data);
  }

  async function work(
    req: IncomingMessage,
    res: ServerResponse,
    start: number,
    query: string,
  ): Promise<void> {
    if (workSlots.capacity === 0) {
      return sendText(req, res, '/work', start, 404, '/work is off (WORK_MAX_CONCURRENT=0)\n');
    }
    const ms = parseWorkMs(query, deps.workMaxMs);
    if (typeof ms === 'string') return sendText(req, res, '/work', start, 400, `${ms}\n`);
    if (!workSlots.tryTake(1)) {
      return busy(
        req,
        res,
        '/work',
        start,
        `${workSlots.capacity} /work requests run already (WORK_MAX_CONCURRENT)`,
      );
    }
    try {
      await burnCpu(ms);
    } finally {
      workSlots.giveBack(1);
    }
    sendText(req, res, '/work', start, 200, `burned ${ms} ms of CPU\n`);
  }

  function guard(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    start: number,
    p: Promise<void>,
  ): void {
    p.catch((err: unknown) => fail(req, res, route, start, err));
  }

  // Each branch returns its handler's (void) result only to end the branch in one line.
  function route(req: IncomingMessage, res: ServerResponse, start: number) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method;
    const readOnly = method === 'GET' || method === 'HEAD';
    switch (path) {
      case '/':
        return readOnly ? root(req, res, start) : notAllowed(req, res, '/', start, GET_HEAD);
      case '/healthz':
        // Answering at all proves the process and its event loop are alive.
        if (!readOnly) return notAllowed(req, res, path, start, GET_HEAD);
        return send(req, res, path, start, 200, PROBE_HEADERS, 'ok\n');
      case '/readyz': {
        if (!readOnly) return notAllowed(req, res, path, start, GET_HEAD);
        const phase = lifecycle.phase;
        return send(req, res, path, start, phase === 'ready' ? 200 : 503, PROBE_HEADERS, `${phase}\n`);
      }
      case '/metrics':
        if (!readOnly) return notAllowed(req, res, path, start, GET_HEAD);
        return guard(req, res, path, start, metricsRoute(req, res, start));
      case '/scratch':
        if (method !== 'POST') return notAllowed(req, res, path, start, 'POST');
        return guard(req, res, path, start, putScratch(req, res, start));
      case '/work':
        if (!readOnly) return notAllowed(req, res, path, start, GET_HEAD);
        return guard(req, res, path, start, work(req, res, start, q === -1 ? '' : url.slice(q + 1)));
    }
    if (path.startsWith('/scratch/')) {
      const itemRoute = '/scratch/{id}';
      if (!readOnly) return notAllowed(req, res, itemRoute, start, GET_HEAD);
      const id = SCRATCH_ITEM.exec(path)?.[1];
      if (id === undefined) return sendText(req, res, itemRoute, start, 404, NO_ITEM);
      return guard(req, res, itemRoute, start, getScratch(req, res, start, id));
    }
    return sendText(req, res, UNMATCHED_ROUTE, start, 404, 'not found\n');
  }

  const server = createServer(
    {
      headersTimeout: deps.headersTimeoutMs,
      requestTimeout: deps.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    (req, res) => {
      const start = performance.now();
      try {
        route(req, res, start);
      } catch (err) {
        fail(req, res, UNMATCHED_ROUTE, start, err);
      }
    },
  );
  // Longer than the idle timeout of common proxies in front of us (ingress-nginx keeps upstream
  // connections 60 s): otherwise a proxy may reuse a connection we just closed and answer 502.
  // (Node's headers timeout starts with a request's first byte, so it does not cut idle ones.)
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * The whole body when it fits in limit bytes. Otherwise it keeps reading (and dropping) up to
 * discardLimit bytes to answer 'over-limit' once the client has sent everything, or answers
 * 'cut-off' right away past that.
 */
function readBody(
  req: IncomingMessage,
  limit: number,
  discardLimit: number,
): Promise<Buffer | 'over-limit' | 'cut-off'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > discardLimit) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve('cut-off');
      } else if (size <= limit) {
        chunks.push(chunk);
      }
    };
    const onEnd = () => resolve(size > limit ? 'over-limit' : Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
    // A body cut short (the client went away, or Node's request timeout closed it) may end
    // without an error: settle anyway, so that its reserved bytes are given back.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request closed before its body was complete'));
    });
  });
}
