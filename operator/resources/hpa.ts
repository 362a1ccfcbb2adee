import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { childName } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** The CPU-based HorizontalPodAutoscaler for spec.autoscaling, or undefined when not asked for. */
export function buildHorizontalPodAutoscaler(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
): V2HorizontalPodAutoscaler | undefined {
  const autoscaling = hs.spec.autoscaling;
  if (!autoscaling) return undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMeta(hs, settings),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: childName(hs.metadata.name) },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage },
          },
        },
      ],
      // Only when asked: absent, the HPA's own default behavior applies and stays unmanaged by us.
      ...(autoscaling.scaleDownStabilizationWindowSeconds === undefined
        ? {}
        : {
            behavior: {
              scaleDown: { stabilizationWindowSeconds: autoscaling.scaleDownStabilizationWindowSeconds },
            },
          }),
    },
  };
}
