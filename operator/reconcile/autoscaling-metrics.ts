// The AutoscalingMetrics condition: whether the cluster serves the custom metric that request-rate
// autoscaling reads. Only with spec.autoscaling.targetRequestsPerSecond; never part of Ready (the
// HPA still scales on CPU, and the pods serve). Installing prometheus-adapter enqueues nothing, so
// a missing metric is looked for again every CUSTOM_METRICS_RECHECK_MS.
import type { DefaultedHelloService } from '../api/types.ts';
import type { KindInfo } from '../kube/rest.ts';
import { childName, RPS_METRIC } from '../resources/names.ts';
import type { ReconcilerDeps } from './deps.ts';
import { type StatusDraft, setInformational } from './status.ts';

export const CUSTOM_METRICS_RECHECK_MS = 30_000;

/** The per-pod metric in discovery of the custom metrics API, as prometheus-adapter lists it. The
 * APIService users register is v1beta1.custom.metrics.k8s.io (the HPA takes whichever is served). */
export const RPS_METRIC_RESOURCE: KindInfo = {
  apiVersion: 'custom.metrics.k8s.io/v1beta1',
  kind: 'MetricValueList',
  plural: `pods/${RPS_METRIC}`,
};

/** Sets the condition; returns how soon to look again when the metric is not served. */
export async function observeAutoscalingMetrics(
  deps: Pick<ReconcilerDeps, 'served'>,
  draft: StatusDraft,
  hs: DefaultedHelloService,
  signal: AbortSignal,
): Promise<number | undefined> {
  const target = hs.spec.autoscaling?.targetRequestsPerSecond;
  if (target === undefined) return undefined;
  let served: boolean;
  try {
    served = await deps.served(RPS_METRIC_RESOURCE, signal);
  } catch (err) {
    // A registered APIService whose server does not answer: discovery fails with 503.
    setInformational(
      draft,
      'AutoscalingMetrics',
      false,
      'CustomMetricsAPIUnavailable',
      `The custom metrics API (${RPS_METRIC_RESOURCE.apiVersion}) does not answer: ${err instanceof Error ? err.message : String(err)}. ` +
        `The autoscaler scales on the other targets only; the operator looks again every ${CUSTOM_METRICS_RECHECK_MS / 1000} s.`,
    );
    return CUSTOM_METRICS_RECHECK_MS;
  }
  if (!served) {
    setInformational(
      draft,
      'AutoscalingMetrics',
      false,
      'CustomMetricNotServed',
      `spec.autoscaling.targetRequestsPerSecond is set, but the cluster does not serve the custom metric ` +
        `${RPS_METRIC} (${RPS_METRIC_RESOURCE.apiVersion}): install prometheus-adapter with the rule in ` +
        'deploy/monitoring/prometheus-adapter/. The autoscaler scales on the other targets only; the ' +
        `operator looks again every ${CUSTOM_METRICS_RECHECK_MS / 1000} s.`,
    );
    return CUSTOM_METRICS_RECHECK_MS;
  }
  setInformational(
    draft,
    'AutoscalingMetrics',
    true,
    'CustomMetricServed',
    `HorizontalPodAutoscaler ${JSON.stringify(childName(hs.metadata.name))} reads ${RPS_METRIC} ` +
      `(${RPS_METRIC_RESOURCE.apiVersion}) and aims for ${target} requests per second per pod.`,
  );
  return undefined;
}
