import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import type { OperatorSettings } from './settings.ts';

/** The pods' own ServiceAccount: no API token is mounted, as the workload never calls the API. */
export function buildServiceAccount(hs: DefaultedHelloService, settings: OperatorSettings): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMeta(hs, settings),
    automountServiceAccountToken: false,
  };
}
