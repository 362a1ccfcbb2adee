import type { V1Ingress } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { childName, PORT_NAME } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** The Ingress for spec.ingress, or undefined when the HelloService asks for none. */
export function buildIngress(hs: DefaultedHelloService, settings: OperatorSettings): V1Ingress | undefined {
  const ingress = hs.spec.ingress;
  if (!ingress) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: childMeta(hs, settings, ingress.annotations),
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tls ? { tls: [{ hosts: [ingress.host], secretName: ingress.tls.secretName }] } : {}),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: ingress.path,
                pathType: 'Prefix',
                backend: { service: { name: childName(hs.metadata.name), port: { name: PORT_NAME } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** Where the Ingress makes the service reachable, or undefined without an Ingress. A wildcard host
 * has no single URL, so it is shown as written. */
export function ingressURL(hs: DefaultedHelloService): string | undefined {
  const ingress = hs.spec.ingress;
  if (!ingress) return undefined;
  return `${ingress.tls ? 'https' : 'http'}://${ingress.host}${ingress.path}`;
}
