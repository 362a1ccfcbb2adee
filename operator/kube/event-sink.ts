// The EventRecorder's writes on the raw JSON client, so that Events share its connection pool.
// client-node's typed EventsV1Api opens a new connection (a new undici Agent, see rest.ts) for every
// call: at a thousand HelloServices that is thousands of TLS handshakes and idle sockets.
// V1MicroTime serializes itself with microseconds (toISOString), as the API wants.
import { PatchStrategy, V1MicroTime } from '@kubernetes/client-node';
import type { EventSink } from '../controller/events.ts';
import { HttpMethod, type KubeClient, resourcePath } from './rest.ts';

const path = (namespace: string, name?: string) =>
  resourcePath('events.k8s.io/v1', 'events', namespace, name);

export function restEventSink(client: KubeClient): EventSink {
  return {
    async create(namespace, event) {
      await client.request(HttpMethod.POST, path(namespace), { body: event });
    },
    async updateSeries(namespace, name, series) {
      await client.request(HttpMethod.PATCH, path(namespace, name), {
        body: {
          series: {
            count: series.count,
            lastObservedTime: new V1MicroTime(series.lastObservedTime.getTime()),
          },
        },
        contentType: PatchStrategy.MergePatch,
      });
    },
  };
}
