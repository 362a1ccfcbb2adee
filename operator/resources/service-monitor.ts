import type { DefaultedHelloService } from '../api/types.ts';
import { childLabels, selectorLabels } from './labels.ts';
import { childMeta } from './meta.ts';
import { PORT_NAME } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** The label every series scraped from a HelloService's pods carries: its name. Alerts and dashboards
 * select workload series by it (deploy/monitoring/). */
export const HELLO_SERVICE_LABEL = 'helloservice';

/** The ServiceMonitor fields the operator sets (prometheus-operator has no TypeScript types here). */
export type ServiceMonitor = {
  apiVersion: string;
  kind: string;
  metadata: ReturnType<typeof childMeta> & { name: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: {
      port: string;
      path: string;
      scheme: string;
      interval: string;
      relabelings: { targetLabel: string; replacement: string; action: string }[];
    }[];
  };
};

/** The ServiceMonitor for the workload's Service, or undefined when spec.monitoring.enabled is false. */
export function buildServiceMonitor(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
): ServiceMonitor | undefined {
  const monitoring = hs.spec.monitoring;
  if (!monitoring?.enabled) return undefined;
  const meta = childMeta(hs, settings);
  // The operator's own labels win over the user's, as for every child.
  meta.labels = { ...monitoring.labels, ...childLabels(hs, settings) };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: meta as ServiceMonitor['metadata'],
    spec: {
      // The Service carries the same labels as the pods; prometheus-operator scrapes every pod behind
      // it on the Service's named port, in the ServiceMonitor's own namespace.
      selector: { matchLabels: selectorLabels(hs) },
      endpoints: [
        {
          port: PORT_NAME,
          path: '/metrics',
          scheme: 'http',
          interval: monitoring.interval,
          // The Service name is a child name (maybe hashed); the HelloService's own name is what people
          // look for.
          relabelings: [
            { action: 'replace', targetLabel: HELLO_SERVICE_LABEL, replacement: hs.metadata.name },
          ],
        },
      ],
    },
  };
}
