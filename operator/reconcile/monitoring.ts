// The ServiceMonitor of a HelloService (spec.monitoring). Its CRD comes with prometheus-operator and
// may be absent, so it is not one of CHILD_KINDS (those are watched from the start): the step asks
// discovery whether the cluster serves it, and without it only says so in the Monitoring condition.
// Nothing else depends on it: Ready and the other children are the same with or without Prometheus.
import type { DefaultedHelloService } from '../api/types.ts';
import { ReconcileError } from '../controller/index.ts';
import type { KubeClient, KubeObject } from '../kube/rest.ts';
import { childName } from '../resources/names.ts';
import { buildServiceMonitor, SERVICE_MONITOR } from '../resources/service-monitor.ts';
import type { OperatorSettings } from '../resources/settings.ts';
import { type Applier, FIELD_MANAGER, type KindInfo } from './apply.ts';
import { ownership } from './ownership.ts';
import { type StatusDraft, setMonitoring } from './status.ts';
import { upToDate, withAppliedHash } from './up-to-date.ts';

/** How soon to look again for the CRD: installing prometheus-operator does not enqueue anything. */
export const MONITORING_RECHECK_MS = 60_000;
/** How long an answer from discovery is reused: one request per interval, not one per reconcile. */
const DISCOVERY_TTL_MS = 30_000;

export type MonitoringDeps = {
  /** Whether the API server serves monitoring.coreos.com/v1 servicemonitors. */
  serviceMonitorsServed: (signal: AbortSignal) => Promise<boolean>;
};

export type MonitoringContext = {
  hs: DefaultedHelloService;
  settings: OperatorSettings;
  deps: MonitoringDeps;
  applier: Applier;
  read: (
    info: KindInfo,
    name: string,
    ns: string | undefined,
    signal: AbortSignal,
  ) => Promise<KubeObject | undefined>;
  draft: StatusDraft;
  /** Apply even when the live object already matches (a new reconcile-at annotation). */
  forced: boolean;
  signal: AbortSignal;
  /** Records what changed (an Event and a log line, worded like the other children's). */
  changed: (change: 'Created' | 'Updated' | 'Deleted') => void;
};

/** Applies or deletes the ServiceMonitor; returns how soon to look again (undefined: no need). */
export async function reconcileServiceMonitor(c: MonitoringContext): Promise<number | undefined> {
  const desired = buildServiceMonitor(c.hs, c.settings);
  const served = await c.deps.serviceMonitorsServed(c.signal);
  if (!served) {
    if (!desired) return undefined;
    setMonitoring(
      c.draft,
      false,
      'ServiceMonitorCRDNotFound',
      'spec.monitoring.enabled is true, but the cluster does not serve monitoring.coreos.com/v1 ' +
        'ServiceMonitors: install prometheus-operator (or its CRDs). Nothing else is affected; the ' +
        `operator looks again every ${MONITORING_RECHECK_MS / 1000} s.`,
    );
    return MONITORING_RECHECK_MS;
  }
  const { namespace, uid = '' } = c.hs.metadata;
  const name = childName(c.hs.metadata.name);
  const existing = await c.read(SERVICE_MONITOR, name, namespace, c.signal);
  const verdict = ownership(existing, { uid, instance: name });
  const quoted = JSON.stringify(name);
  if (!desired) {
    if (verdict.verdict !== 'owned') return undefined;
    await c.applier.delete(
      SERVICE_MONITOR,
      { name, namespace, uid: existing?.metadata?.uid ?? '' },
      c.signal,
    );
    c.changed('Deleted');
    return undefined;
  }
  if (verdict.verdict === 'foreign') {
    throw new ReconcileError(
      'ChildConflict',
      `A ServiceMonitor named ${quoted} already exists and ${verdict.why}; the operator does not take ` +
        'it over. Delete or rename it, or rename the HelloService.',
      { retryAfterMs: 60_000 },
    );
  }
  // Like the other children: no write when the live object already holds what we would apply.
  const body = withAppliedHash(desired as unknown as KubeObject);
  if (c.forced || !upToDate(body, existing, FIELD_MANAGER)) {
    const result = await c.applier.apply(SERVICE_MONITOR, body, c.signal);
    if (!existing) c.changed('Created');
    else if (result.metadata?.resourceVersion !== existing.metadata?.resourceVersion) c.changed('Updated');
  }
  setMonitoring(
    c.draft,
    true,
    'ServiceMonitorApplied',
    `ServiceMonitor ${quoted} asks Prometheus to scrape /metrics of every pod every ${desired.spec.endpoints[0]?.interval}.`,
  );
  return undefined;
}

/** Discovery of the ServiceMonitor resource, each answer kept for DISCOVERY_TTL_MS. */
export function serviceMonitorDiscovery(client: KubeClient, now: () => number = Date.now): MonitoringDeps {
  let cached: { served: boolean; at: number } | undefined;
  return {
    serviceMonitorsServed: async (signal) => {
      if (cached && now() - cached.at < DISCOVERY_TTL_MS) return cached.served;
      const list = await client.getOptional<{ resources?: { name?: string }[] }>(
        `/apis/${SERVICE_MONITOR.apiVersion}`,
        signal,
      );
      const served = list?.resources?.some((r) => r.name === SERVICE_MONITOR.plural) ?? false;
      cached = { served, at: now() };
      return served;
    },
  };
}
