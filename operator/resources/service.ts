import type { V1Service } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { selectorLabels } from './labels.ts';
import { childMeta } from './meta.ts';
import { childName, PORT_NAME } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** The Service in front of the pods: spec.service.port → the pods' named port. */
export function buildService(hs: DefaultedHelloService, settings: OperatorSettings): V1Service {
  const { labels, annotations } = hs.spec.service;
  const metadata = childMeta(hs, settings, annotations);
  // The operator's labels win (the schema keeps service.labels from setting them anyway).
  if (labels) metadata.labels = { ...labels, ...metadata.labels };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type: hs.spec.service.type,
      selector: selectorLabels(hs),
      ports: [
        {
          name: PORT_NAME,
          protocol: 'TCP',
          appProtocol: 'http',
          port: hs.spec.service.port,
          targetPort: PORT_NAME,
        },
      ],
    },
  };
}

/** The in-cluster URL of the Service, like http://hello.default.svc:80/ (no namespace when unknown). */
export function serviceURL(hs: DefaultedHelloService): string {
  const host = [childName(hs.metadata.name), hs.metadata.namespace, 'svc'].filter(Boolean).join('.');
  return `http://${host}:${hs.spec.service.port}/`;
}
