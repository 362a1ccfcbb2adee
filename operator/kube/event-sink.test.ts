import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { V1MicroTime } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { restEventSink } from './event-sink.ts';
import { loopbackKubeConfig } from './loopback-testing.ts';
import { KubeClient } from './rest.ts';

describe('restEventSink', () => {
  it('creates Events and patches their series as the API spells them', async () => {
    const seen: { method?: string; url?: string; type?: string; body: unknown }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          body: JSON.parse(body),
        });
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const kc = loopbackKubeConfig(port);
    const sink = restEventSink(new KubeClient(kc));
    try {
      const t = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
      await sink.create('ns', {
        metadata: { name: 'e1', namespace: 'ns' },
        eventTime: new V1MicroTime(t),
        reason: 'Created',
      });
      await sink.updateSeries('ns', 'e1', { count: 3, lastObservedTime: new Date(t) });
      expect(seen).toEqual([
        {
          method: 'POST',
          url: '/apis/events.k8s.io/v1/namespaces/ns/events',
          type: 'application/json',
          body: {
            metadata: { name: 'e1', namespace: 'ns' },
            eventTime: '2026-01-02T03:04:05.678000Z',
            reason: 'Created',
          },
        },
        {
          method: 'PATCH',
          url: '/apis/events.k8s.io/v1/namespaces/ns/events/e1',
          type: 'application/merge-patch+json',
          body: { series: { count: 3, lastObservedTime: '2026-01-02T03:04:05.678000Z' } },
        },
      ]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
