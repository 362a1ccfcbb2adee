// The operator's two HTTP servers, each on its own address as kubebuilder sets them up:
// Prometheus metrics (HTTPS with authenticated scrapes unless --metrics-secure=false), and the
// kubelet's liveness/readiness probes (plain HTTP, as the kubelet probes them).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type BindAddress, formatBindAddress } from '../config.ts';
import type { HealthChecks } from './health.ts';
import type { ScrapeAuthorizer } from './metrics-auth.ts';
import type { TlsPair } from './metrics-tls.ts';

export type Listening = {
  /** The address actually bound, with the port the OS chose for port 0, e.g. `127.0.0.1:41234`. */
  address: string;
  port: number;
  close(): Promise<void>;
};

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function serve(
  name: string,
  addr: BindAddress,
  handler: Handler,
  log?: Logger,
  tls?: TlsPair,
): Promise<Listening> {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'method not allowed\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    handler(req, res, url).catch((err: unknown) => {
      log?.error({ err, path: url.pathname }, `${name} request failed`);
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  server.listen({ host: addr.host, port: addr.port });
  await once(server, 'listening');
  const info = server.address() as AddressInfo;
  const address = formatBindAddress({ host: info.address, port: info.port });
  log?.info({ server: name, address, requested: formatBindAddress(addr) }, `${name} server listening`);
  return {
    address,
    port: info.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Scrapers and probes keep connections alive; they must not hold shutdown up.
        server.closeAllConnections();
      }),
  };
}

/** What --metrics-secure adds: HTTPS, and a verdict on each request's bearer token. */
export type MetricsSecurity = { tls: TlsPair; authorizer: ScrapeAuthorizer };

/**
 * `/metrics` in the Prometheus text format; with `security`, over HTTPS and only to bearer tokens
 * allowed to get `/metrics` (401 without a known token, 403 without the right).
 */
export function startMetricsServer(
  addr: BindAddress,
  registry: Registry,
  log?: Logger,
  security?: MetricsSecurity,
): Promise<Listening> {
  return serve(
    'metrics',
    addr,
    async (req, res, url) => {
      if (url.pathname !== '/metrics') return send(res, 404, 'not found\n');
      if (security) {
        // A review that failed (API server unreachable) throws: 500, logged by serve.
        const verdict = await security.authorizer.check(req.headers.authorization, url.pathname);
        if (verdict.status !== 200) {
          log?.debug({ status: verdict.status, reason: verdict.reason }, 'metrics scrape refused');
          if (verdict.status === 401) res.setHeader('www-authenticate', 'Bearer');
          return send(res, verdict.status, `${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\n`);
        }
      }
      send(res, 200, await registry.metrics(), registry.contentType);
    },
    log,
    security?.tls,
  );
}

export type Probes = { healthz: HealthChecks; readyz: HealthChecks };

/**
 * `/healthz` and `/readyz` (and `/healthz/<check>`, `/readyz/<check>`): 200 `ok` when every check
 * passes, else 500 listing each check as `[+]name ok` / `[-]name failed: why`; `?verbose` lists
 * them on success too.
 */
export function startHealthServer(addr: BindAddress, probes: Probes, log?: Logger): Promise<Listening> {
  return serve(
    'health',
    addr,
    async (_req, res, url) => {
      const [, endpoint, only, extra] = url.pathname.split('/');
      if ((endpoint !== 'healthz' && endpoint !== 'readyz') || extra !== undefined) {
        return send(res, 404, 'not found\n');
      }
      const checks = probes[endpoint];
      if (only !== undefined && !checks.has(only))
        return send(res, 404, `no ${endpoint} check named ${only}\n`);
      const results = await checks.run(only);
      const ok = results.every((r) => r.ok);
      if (ok && !url.searchParams.has('verbose')) return send(res, 200, 'ok');
      const lines = results.map((r) =>
        r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed${r.message ? `: ${r.message}` : ''}`,
      );
      lines.push(`${endpoint} check ${ok ? 'passed' : 'failed'}`);
      if (!ok) log?.info({ endpoint, failed: results.filter((r) => !r.ok) }, `${endpoint} check failed`);
      send(res, ok ? 200 : 500, `${lines.join('\n')}\n`);
    },
    log,
  );
}
