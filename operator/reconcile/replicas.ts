// Handing a Deployment's replicas to the HorizontalPodAutoscaler without a dip. With autoscaling
// the builder leaves `spec.replicas` out, so the autoscaler owns it. But a field that only our
// field manager owns and that we stop sending is removed by server-side apply, and the Deployment
// defaults it to 1: switching autoscaling on would first scale down to one pod. So, while our
// manager still owns the field, we keep sending the live value (never a value of our own: that
// would fight the autoscaler); as soon as the autoscaler changes it, it owns the field and we stop.
// A Deployment created with autoscaling starts at minReplicas instead of 1. Pure.
import type { DefaultedHelloService } from '../api/types.ts';
import { applyEntry, type FieldPath, ownsField } from '../kube/managed-fields.ts';
import type { KubeObject } from '../kube/rest.ts';
import type { Child } from '../resources/children.ts';

/** The one field of our managedFields entry the reconcile reads (the caches keep only it). */
export const REPLICAS_FIELD: FieldPath = ['f:spec', 'f:replicas'];

export function ownsReplicas(live: KubeObject | undefined, manager: string): boolean {
  return ownsField(applyEntry(live, manager), REPLICAS_FIELD);
}

export function handOffReplicas(
  deployment: Child,
  hs: DefaultedHelloService,
  live: KubeObject | undefined,
  manager: string,
): Child {
  const autoscaling = hs.spec.autoscaling;
  const spec = (deployment as { spec?: Record<string, unknown> }).spec;
  if (!autoscaling || !spec || spec.replicas !== undefined) return deployment;
  let replicas: unknown;
  if (!live) replicas = autoscaling.minReplicas;
  else if (ownsReplicas(live, manager)) replicas = (live.spec as { replicas?: number } | undefined)?.replicas;
  if (typeof replicas !== 'number') return deployment;
  return { ...deployment, spec: { ...spec, replicas } } as Child;
}
