import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { selectorLabels } from './labels.ts';
import { childMeta } from './meta.ts';
import type { OperatorSettings } from './settings.ts';

/** The PodDisruptionBudget, or undefined when spec.podDisruptionBudget.enabled is false. */
export function buildPodDisruptionBudget(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
): V1PodDisruptionBudget | undefined {
  const pdb = hs.spec.podDisruptionBudget;
  if (!pdb.enabled) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMeta(hs, settings),
    spec: {
      // maxUnavailable rather than minAvailable: it stays right while the autoscaler changes the count,
      // and with a single replica it still lets a node drain.
      maxUnavailable: pdb.maxUnavailable,
      selector: { matchLabels: selectorLabels(hs) },
      // A pod that is not ready serves nothing, so evicting it must never block a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
