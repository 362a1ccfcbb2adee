import { once } from 'node:events';
import { createServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../controller/metrics-tls.ts';
import { loopbackKubeConfig } from './loopback-testing.ts';
import { HttpMethod, KubeClient, MAX_CONNECTIONS, resourcePath } from './rest.ts';

describe('resourcePath', () => {
  it('core and named groups, namespaced or not, objects and subresources', () => {
    expect(resourcePath('v1', 'configmaps', 'ns', 'a')).toBe('/api/v1/namespaces/ns/configmaps/a');
    expect(resourcePath('apps/v1', 'deployments')).toBe('/apis/apps/v1/deployments');
    expect(resourcePath('networking.k8s.io/v1', 'ingressclasses', undefined, 'nginx')).toBe(
      '/apis/networking.k8s.io/v1/ingressclasses/nginx',
    );
    expect(resourcePath('hello.operators.dev/v1alpha1', 'helloservices', 'ns', 'x', 'status')).toBe(
      '/apis/hello.operators.dev/v1alpha1/namespaces/ns/helloservices/x/status',
    );
  });
});

describe('KubeClient', () => {
  it('keeps one connection pool: requests reuse keep-alive connections', async () => {
    let connections = 0;
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"kind":"ConfigMap"}');
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const kc = loopbackKubeConfig(port);
    const client = new KubeClient(kc);
    try {
      for (let i = 0; i < 20; i++) {
        expect(await client.get('/api/v1/namespaces/a/configmaps/b')).toEqual({ kind: 'ConfigMap' });
      }
      // One, or two when the first connection is not yet back in the pool as the second request goes.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('speaks HTTP/1.1 over TLS to a server that offers HTTP/2, over at most MAX_CONNECTIONS connections', async () => {
    const { cert, key } = await selfSignedCertificate(['127.0.0.1']);
    const versions = new Set<string>();
    let open = 0;
    let mostOpen = 0;
    const server = createSecureServer({ cert, key, allowHTTP1: true }, (req, res) => {
      versions.add(req.httpVersion);
      // Held a moment, so that the requests overlap and the pool has to open connections.
      setTimeout(() => res.end('{}'), 20);
    });
    server.on('secureConnection', (socket) => {
      mostOpen = Math.max(mostOpen, ++open);
      socket.once('close', () => open--);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: 'c', server: `https://127.0.0.1:${port}`, caData: Buffer.from(cert).toString('base64') },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const client = new KubeClient(kc);
    try {
      await Promise.all(
        Array.from({ length: 2 * MAX_CONNECTIONS }, () => client.get('/api/v1/namespaces/a/configmaps/b')),
      );
      expect([...versions]).toEqual(['1.1']);
      expect(mostOpen).toBeGreaterThan(1);
      expect(mostOpen).toBeLessThanOrEqual(MAX_CONNECTIONS);
    } finally {
      server.close();
    }
  });

  it('tells its observer of every request: method, status ("<error>" without one), seconds', async () => {
    const server = createServer((req, res) => {
      res.statusCode = req.url?.endsWith('/missing') ? 404 : 200;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const seen: [string, string, number][] = [];
    const client = new KubeClient(loopbackKubeConfig(port), (m, c, s) => seen.push([m, c, s]));
    try {
      await client.get('/api/v1/namespaces/a/configmaps/b');
      expect(await client.getOptional('/api/v1/namespaces/a/configmaps/missing')).toBeUndefined();
      server.closeAllConnections();
      server.close();
      await expect(client.get('/api/v1/namespaces/a/configmaps/b')).rejects.toThrow();
      expect(seen.map(([m, c]) => [m, c])).toEqual([
        ['GET', '200'],
        ['GET', '404'],
        ['GET', '<error>'],
      ]);
      for (const [, , seconds] of seen) expect(seconds).toBeGreaterThanOrEqual(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('gives up on a server that never answers, with a network error code (ETIMEDOUT)', async () => {
    const server = createServer(() => {
      // Never answers: a stalled connection.
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const client = new KubeClient(loopbackKubeConfig(port));
    try {
      await expect(
        client.request(HttpMethod.GET, '/api/v1/namespaces/a/configmaps/b', { timeoutMs: 200 }),
      ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      // The caller's own abort stays an abort, not a timeout.
      const caller = new AbortController();
      const pending = client.request(HttpMethod.GET, '/api/v1/namespaces/a/configmaps/c', {
        signal: caller.signal,
      });
      caller.abort();
      await expect(pending).rejects.not.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reuses its authentication headers for a while, then reads the kubeconfig again (a rotated token)', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const rotate = (kc: KubeConfig, token: string) => {
      const user = kc.getCurrentUser();
      if (user) (user as { token?: string }).token = token;
    };
    const cached = loopbackKubeConfig(port);
    const fresh = loopbackKubeConfig(port);
    const path = '/api/v1/namespaces/a/configmaps/b';
    try {
      const slow = new KubeClient(cached, undefined, 3_600_000);
      await slow.get(path);
      rotate(cached, 'rotated');
      await slow.get(path);
      const quick = new KubeClient(fresh, undefined, 0);
      await quick.get(path);
      rotate(fresh, 'rotated');
      await quick.get(path);
      expect(seen).toEqual(['Bearer t', 'Bearer t', 'Bearer t', 'Bearer rotated']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
