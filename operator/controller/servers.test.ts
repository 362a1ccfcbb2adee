import { request } from 'node:https';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecks, ping } from './health.ts';
import { memoryLogger } from './log-testing.ts';
import { ScrapeAuthorizer } from './metrics-auth.ts';
import { selfSignedCertificate } from './metrics-tls.ts';
import { type Listening, startHealthServer, startMetricsServer } from './servers.ts';

const loopback = { host: '127.0.0.1', port: 0 };
const open: Listening[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function get(server: Listening, path: string, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe('metrics server', () => {
  it('serves the registry in the Prometheus text format on a port the OS picked, and logs it', async () => {
    const registry = new Registry();
    new Counter({ name: 'hello_test_total', help: 'test', registers: [registry] }).inc(3);
    const { log, lines } = memoryLogger();
    const server = await startMetricsServer(loopback, registry, log);
    open.push(server);

    expect(server.port).toBeGreaterThan(0);
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    expect(lines.find((l) => l.msg === 'metrics server listening')).toMatchObject({
      address: server.address,
    });

    const res = await get(server, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toContain('hello_test_total 3');
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/metrics', 'POST')).status).toBe(405);
  });

  it('stops answering once closed', async () => {
    const server = await startMetricsServer(loopback, new Registry());
    await get(server, '/metrics');
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.port}/metrics`)).rejects.toThrow();
  });
});

describe('secure metrics server', () => {
  /** GET over HTTPS, trusting only `ca` (so the served certificate is the one given). */
  function httpsGet(port: number, ca: string, token?: string) {
    return new Promise<{ status: number; body: string; challenge: string | undefined }>((resolve, reject) => {
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      request({ host: '127.0.0.1', port, path: '/metrics', ca, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            challenge: res.headers['www-authenticate'] as string | undefined,
          }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  it('serves over HTTPS with its certificate, only to tokens allowed to get /metrics', async () => {
    const registry = new Registry();
    new Counter({ name: 'hello_test_total', help: 'test', registers: [registry] }).inc();
    const tls = await selfSignedCertificate(['127.0.0.1']);
    const authorizer = new ScrapeAuthorizer({
      authenticate: async (token) => (token === 'nobody' ? undefined : { username: token }),
      authorize: async (user) => user.username === 'reader',
    });
    const server = await startMetricsServer(loopback, registry, undefined, { tls, authorizer });
    open.push(server);

    expect(await httpsGet(server.port, tls.cert)).toMatchObject({ status: 401, challenge: 'Bearer' });
    expect((await httpsGet(server.port, tls.cert, 'nobody')).status).toBe(401);
    expect((await httpsGet(server.port, tls.cert, 'someone')).status).toBe(403);
    const ok = await httpsGet(server.port, tls.cert, 'reader');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('hello_test_total 1');
    // Plain HTTP is not answered on the HTTPS port.
    await expect(fetch(`http://127.0.0.1:${server.port}/metrics`)).rejects.toThrow();
  });

  it('answers 500 when the API server cannot review the token', async () => {
    const tls = await selfSignedCertificate(['127.0.0.1']);
    const authorizer = new ScrapeAuthorizer({
      authenticate: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      authorize: async () => true,
    });
    const { log } = memoryLogger();
    const server = await startMetricsServer(loopback, new Registry(), log, { tls, authorizer });
    open.push(server);
    expect((await httpsGet(server.port, tls.cert, 'reader')).status).toBe(500);
  });
});

describe('health server', () => {
  async function start() {
    let synced = false;
    const healthz = new HealthChecks().add('ping', ping);
    const readyz = new HealthChecks().add('ping', ping).add('informers-synced', () => {
      if (!synced) throw new Error('helloservices not synced');
    });
    const server = await startHealthServer(loopback, { healthz, readyz });
    open.push(server);
    return { server, sync: () => (synced = true) };
  }

  it('is live at once, and ready only when every readiness check passes', async () => {
    const { server, sync } = await start();
    expect(await get(server, '/healthz')).toMatchObject({ status: 200, body: 'ok' });

    const notReady = await get(server, '/readyz');
    expect(notReady.status).toBe(500);
    expect(notReady.body).toBe(
      '[+]ping ok\n[-]informers-synced failed: helloservices not synced\nreadyz check failed\n',
    );

    sync();
    expect(await get(server, '/readyz')).toMatchObject({ status: 200, body: 'ok' });
    expect((await get(server, '/readyz?verbose')).body).toBe(
      '[+]ping ok\n[+]informers-synced ok\nreadyz check passed\n',
    );
  });

  it('runs one check by its path, and answers 404 for unknown checks and paths', async () => {
    const { server } = await start();
    expect(await get(server, '/readyz/ping')).toMatchObject({ status: 200, body: 'ok' });
    expect((await get(server, '/readyz/informers-synced')).status).toBe(500);
    expect((await get(server, '/readyz/nope')).status).toBe(404);
    expect((await get(server, '/metrics')).status).toBe(404);
    expect(await get(server, '/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('listens on its own address beside the metrics server', async () => {
    const { server: health } = await start();
    const metrics = await startMetricsServer(loopback, new Registry());
    open.push(metrics);
    expect(health.port).not.toBe(metrics.port);
    expect((await get(metrics, '/healthz')).status).toBe(404);
    expect((await get(health, '/healthz')).status).toBe(200);
  });
});
