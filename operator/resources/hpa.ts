import type {
  V2HorizontalPodAutoscaler,
  V2HorizontalPodAutoscalerBehavior,
  V2HPAScalingRules,
  V2MetricSpec,
} from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { childName, RPS_METRIC } from './names.ts';
import type { OperatorSettings } from './settings.ts';

type Autoscaling = NonNullable<DefaultedHelloService['spec']['autoscaling']>;

/** The HorizontalPodAutoscaler for spec.autoscaling, or undefined when not asked for. */
export function buildHorizontalPodAutoscaler(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
): V2HorizontalPodAutoscaler | undefined {
  const autoscaling = hs.spec.autoscaling;
  if (!autoscaling) return undefined;
  const behavior = scalingBehavior(autoscaling);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMeta(hs, settings),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: childName(hs.metadata.name) },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: metrics(autoscaling),
      // Only when asked: absent, the HPA's own default behavior applies and stays unmanaged by us.
      ...(behavior ? { behavior } : {}),
    },
  };
}

/** CPU always (as before memory and requests existed), then each optional target that is set. */
function metrics(autoscaling: Autoscaling): V2MetricSpec[] {
  const utilization = (name: 'cpu' | 'memory', percent: number): V2MetricSpec => ({
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
  });
  const list = [utilization('cpu', autoscaling.targetCPUUtilizationPercentage)];
  if (autoscaling.targetMemoryUtilizationPercentage !== undefined)
    list.push(utilization('memory', autoscaling.targetMemoryUtilizationPercentage));
  if (autoscaling.targetRequestsPerSecond !== undefined)
    list.push({
      type: 'Pods',
      pods: {
        metric: { name: RPS_METRIC },
        // A quantity: the API server stores it as a string.
        target: { type: 'AverageValue', averageValue: String(autoscaling.targetRequestsPerSecond) },
      },
    });
  return list;
}

/** spec.behavior as given, with the older scaleDownStabilizationWindowSeconds folded into scaleDown
 * (the schema refuses both at once); undefined when neither is set. */
function scalingBehavior(autoscaling: Autoscaling): V2HorizontalPodAutoscalerBehavior | undefined {
  const window = autoscaling.scaleDownStabilizationWindowSeconds;
  const scaleUp = rules(autoscaling.behavior?.scaleUp);
  const scaleDown = rules(
    window === undefined
      ? autoscaling.behavior?.scaleDown
      : { ...autoscaling.behavior?.scaleDown, stabilizationWindowSeconds: window },
  );
  if (!scaleUp && !scaleDown) return undefined;
  return { ...(scaleUp ? { scaleUp } : {}), ...(scaleDown ? { scaleDown } : {}) };
}

/** One direction's rules with only the fields given (an empty object is no rules at all). */
function rules(given: NonNullable<Autoscaling['behavior']>['scaleUp']): V2HPAScalingRules | undefined {
  if (!given) return undefined;
  const out: V2HPAScalingRules = {};
  if (given.stabilizationWindowSeconds !== undefined)
    out.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  if (given.selectPolicy !== undefined) out.selectPolicy = given.selectPolicy;
  if (given.policies !== undefined)
    out.policies = given.policies.map((p) => ({
      type: p.type,
      value: p.value,
      periodSeconds: p.periodSeconds,
    }));
  return Object.keys(out).length > 0 ? out : undefined;
}
