// Autoscaling on requests per second, for real (issue 20): Prometheus (monitoring.sh) scrapes the
// workload's own http_requests_total through the HelloService's ServiceMonitor; prometheus-adapter
// (prometheus-adapter.sh, built from its Go module) serves it as the custom metric
// http_requests_per_second with exactly the rule shipped in deploy/monitoring/prometheus-adapter/;
// the operator's HPA reads it. A steady load of LOAD_RPS requests per second through the Service
// scales the HelloService up by its rps target, and it comes back down when the load stops (a short
// scale-down set through spec.autoscaling.behavior). Before the adapter is installed, the
// HelloService says in AutoscalingMetrics that the metric is not served, and is Ready anyway. A
// memory target reaches a real HPA that the API server accepts and the HPA controller measures.
//
// The operator runs as a host process (ha-fixture). Prometheus reads ServiceMonitors only from the
// namespace labelled for this run. Everything installed is removed at the end: the adapter with its
// APIServices, Prometheus (and the monitoring CRDs when this test installed them), the namespaces.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUP, PLURAL, VERSION } from '../../operator/api/schema.ts';
import { RPS_METRIC } from '../../operator/resources/names.ts';
import { kubeConfig } from '../cluster/kube.ts';
import { runScript } from '../cluster/run-script.ts';
import { failures, runLoad, type Sample } from '../e2e/load.ts';
import { SELECTOR_LABEL, SERVICE_MONITOR_CRD } from '../monitoring/files.ts';
import { type Fixture, setUp } from './ha-fixture.ts';
import { eventually, helloService, must, NS_PREFIX, type Obj } from './operator-process.ts';

const suffix = randomBytes(3).toString('hex');
const monNs = `${NS_PREFIX}rps-mon-${suffix}`;
const adapterNs = `${NS_PREFIX}rps-adapter-${suffix}`;
const CUSTOM_METRICS_API = 'v1beta1.custom.metrics.k8s.io';

/** The load, its per-pod target and the bound: 20/s over a target of 4/s asks for 5 pods, capped at 3. */
const LOAD_RPS = 20;
const TARGET_RPS = 4;
const MAX_REPLICAS = 3;
const LOAD_MAX_MS = 150_000;

/** A quantity as the HPA reports a rate: "6" or "6533m". */
const perSecond = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));

type Condition = { type: string; status: string; reason: string; message: string };
type Hpa = k8s.V2HorizontalPodAutoscaler;

/** What an HPA last read: requests per second per pod, and CPU utilization (percent). */
function readings(h: Hpa): { rps: number | undefined; cpu: number | undefined } {
  const current = h.status?.currentMetrics ?? [];
  const rps = current.find((m) => m.type === 'Pods')?.pods?.current.averageValue;
  return {
    rps: rps === undefined ? undefined : perSecond(rps),
    cpu: current.find((m) => m.resource?.name === 'cpu')?.resource?.current.averageUtilization,
  };
}

describe('autoscaling on requests per second through prometheus-adapter', () => {
  const adminPath = inject('kubeconfig');
  let f: Fixture;
  const kc = kubeConfig(adminPath);
  // Polled while the load runs: asynchronous, so the load's schedule is not held up (kubectl is sync).
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  // Whether the cluster had these before the test (then they are not ours to remove, and the
  // "absent" case cannot be shown).
  let crdsBefore = false;
  let adapterBefore = false;

  const hsStatus = async (name: string) =>
    (
      (await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: f.ns,
        plural: PLURAL,
        name,
      })) as Obj
    ).status ?? {};
  const cond = (status: Record<string, unknown>, type: string) =>
    (status.conditions as Condition[] | undefined)?.find((c) => c.type === type);
  const hpa = (name: string): Promise<Hpa> =>
    autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: f.ns });

  beforeAll(async () => {
    f = await setUp(adminPath, 'rps');
    crdsBefore = f.kubectl(['get', 'crd', SERVICE_MONITOR_CRD]).status === 0;
    adapterBefore = f.kubectl(['get', 'apiservice', CUSTOM_METRICS_API]).status === 0;
    must(f.kubectl, ['label', 'namespace', f.ns, `${SELECTOR_LABEL}=${suffix}`]);
    // Prometheus first: the HelloService's ServiceMonitor is then applied at once, not at the
    // operator's next look for the CRD.
    await Promise.all([
      runScript('monitoring.sh', ['up', monNs, `${SELECTOR_LABEL}=${suffix}`], { KUBECONFIG: adminPath }),
      f.start(),
    ]);
  }, 300_000);

  afterAll(async () => {
    await f?.teardown();
    const env = { KUBECONFIG: adminPath };
    await runScript('prometheus-adapter.sh', ['down', adapterNs], env).catch((err) =>
      process.stderr.write(`prometheus-adapter.sh down: ${String(err)}\n`),
    );
    await runScript('monitoring.sh', ['down', monNs, ...(crdsBefore ? [] : ['--crds'])], env).catch((err) =>
      process.stderr.write(`monitoring.sh down: ${String(err)}\n`),
    );
  }, 180_000);

  it('without the custom metrics API: AutoscalingMetrics says so, Ready anyway; a memory target reaches a real HPA', async () => {
    if (adapterBefore) {
      // Someone else's adapter serves the API: the absent case cannot be shown on this cluster.
      process.stderr.write(`[rps] ${CUSTOM_METRICS_API} was already registered: skipping the absent case\n`);
    }
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(
        helloService('load', {
          autoscaling: {
            minReplicas: 1,
            maxReplicas: MAX_REPLICAS,
            targetRequestsPerSecond: TARGET_RPS,
            behavior: {
              // Up at once by up to 2 pods per 5 s; down as soon as the rate allows, all at once.
              scaleUp: {
                stabilizationWindowSeconds: 0,
                policies: [{ type: 'Pods', value: 2, periodSeconds: 5 }],
              },
              scaleDown: {
                stabilizationWindowSeconds: 5,
                policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }],
              },
            },
          },
          // 5 s scrapes: the adapter rule's 1m rate then follows the load closely.
          monitoring: { enabled: true, interval: '5s' },
        }),
      ),
    );
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(
        helloService('mem', {
          autoscaling: { minReplicas: 1, maxReplicas: 2, targetMemoryUtilizationPercentage: 90 },
          resources: { requests: { cpu: '5m', memory: '64Mi' } },
        }),
      ),
    );
    if (!adapterBefore) {
      const status = await eventually('load: AutoscalingMetrics=False', async () => {
        const s = await hsStatus('load');
        return cond(s, 'AutoscalingMetrics') ? s : undefined;
      });
      expect(cond(status, 'AutoscalingMetrics')).toMatchObject({
        status: 'False',
        reason: 'CustomMetricNotServed',
      });
      expect(cond(status, 'AutoscalingMetrics')?.message).toContain(RPS_METRIC);
    }
    // Ready does not wait for the metric: the pods serve, and the HPA scales on CPU meanwhile.
    const ready = await eventually('load: Ready with 1 replica', async () => {
      const s = await hsStatus('load');
      return cond(s, 'Ready')?.status === 'True' && s.readyReplicas === 1 ? s : undefined;
    });
    if (!adapterBefore) expect(cond(ready, 'AutoscalingMetrics')?.status).toBe('False');

    // The API server took the memory metric as rendered.
    const memHpa = await eventually('mem: its HPA', () => hpa('mem').catch(() => undefined));
    expect(memHpa.spec?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu', 'memory']);
    expect(memHpa.spec?.metrics?.[1]?.resource?.target).toMatchObject({
      type: 'Utilization',
      averageUtilization: 90,
    });
  });

  it('installs prometheus-adapter with the shipped rule; the HelloService pods get the metric', async () => {
    await runScript('prometheus-adapter.sh', ['up', adapterNs, monNs], { KUBECONFIG: adminPath });
    // The rule as shipped, through the aggregated API: a value for the one pod of `load`.
    const path = `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${f.ns}/pods/*/${RPS_METRIC}`;
    const list = await eventually(
      `${RPS_METRIC} of load's pod`,
      () => {
        const r = f.kubectl(['get', '--raw', path]);
        if (r.status !== 0) throw new Error(r.stderr);
        const items = (JSON.parse(r.stdout) as { items: { describedObject: { name: string } }[] }).items;
        return items.some((i) => i.describedObject.name.startsWith('load-')) ? items : undefined;
      },
      120_000,
      2000,
    );
    expect(list.length).toBeGreaterThan(0);
  });

  it(`a load of ${LOAD_RPS} requests/s through the Service scales up by the rps target, and back down when it stops`, async () => {
    const svc = JSON.parse(must(f.kubectl, ['-n', f.ns, 'get', 'service', 'load', '-o', 'json'])) as {
      spec: { clusterIP: string; ports: { port: number }[] };
    };
    const address = `${svc.spec.clusterIP}:${svc.spec.ports[0]?.port}`;
    // The HPA reads the metric before the load: its rate is near zero at one replica.
    await eventually(
      'the HPA to read the rps metric',
      async () => {
        const h = await hpa('load');
        return h.status?.currentMetrics?.some((m) => m.type === 'Pods' && m.pods?.metric.name === RPS_METRIC)
          ? h
          : undefined;
      },
      60_000,
      2000,
    );

    const controller = new AbortController();
    const start = performance.now();
    const load = runLoad(
      { address, path: '/' },
      { rate: LOAD_RPS, concurrency: 4, maxMs: LOAD_MAX_MS, signal: controller.signal },
    );
    let samples: Sample[] = [];
    let atScale: Hpa | undefined;
    // The HPA's highest rps reading while it scaled, and its CPU reading then: at 3 replicas the
    // average dips (a new pod's rate starts from 0 over the rule's window), so the last reading
    // alone says little about why it scaled.
    let peak: { rps: number; cpu: number | undefined } | undefined;
    let upSeconds = 0;
    try {
      await eventually(
        `load: ${MAX_REPLICAS} replicas Ready`,
        async () => {
          const h = await hpa('load');
          const reading = readings(h);
          if (reading.rps !== undefined && reading.rps > (peak?.rps ?? -1))
            peak = { rps: reading.rps, cpu: reading.cpu };
          const s = await hsStatus('load');
          if (s.readyReplicas !== MAX_REPLICAS) return undefined;
          atScale = h;
          return true;
        },
        LOAD_MAX_MS,
        1000,
      );
      upSeconds = (performance.now() - start) / 1000;
    } finally {
      controller.abort();
      samples = await load;
    }
    const stop = performance.now();
    // Scaled by requests, not CPU: the rps metric above its target, CPU below its own.
    console.error(
      `[rps] load start → ${MAX_REPLICAS} replicas Ready: ${upSeconds.toFixed(1)} s (HPA's peak: ${peak?.rps.toFixed(1)} req/s per pod, CPU then ${peak?.cpu}%; ${samples.length} requests, ${failures(samples).length} failed)`,
    );
    expect(atScale?.status?.desiredReplicas).toBe(MAX_REPLICAS);
    expect(peak?.rps).toBeGreaterThan(TARGET_RPS);
    expect(peak?.cpu).toBeDefined();
    expect(peak?.cpu).toBeLessThan(80);
    expect(failures(samples)).toEqual([]);

    await eventually(
      'load: back to 1 replica',
      async () => {
        const s = await hsStatus('load');
        return s.replicas === 1 && s.readyReplicas === 1 ? s : undefined;
      },
      180_000,
      1000,
    );
    console.error(`[rps] load stop → back to 1 replica: ${((performance.now() - stop) / 1000).toFixed(1)} s`);
  });

  it('once the metric is served: AutoscalingMetrics=True; the memory HPA measures memory', async () => {
    // Within the operator's recheck (30 s) plus its cached discovery (30 s) of the adapter's install.
    const status = await eventually(
      'load: AutoscalingMetrics=True',
      async () => {
        const s = await hsStatus('load');
        return cond(s, 'AutoscalingMetrics')?.status === 'True' ? s : undefined;
      },
      90_000,
      2000,
    );
    expect(cond(status, 'AutoscalingMetrics')?.reason).toBe('CustomMetricServed');
    expect(cond(status, 'Ready')?.status).toBe('True');
    const memHpa = await eventually(
      'mem: the HPA to measure memory',
      async () => {
        const h = await hpa('mem');
        return h.status?.currentMetrics?.find((m) => m.resource?.name === 'memory');
      },
      60_000,
      2000,
    );
    expect(memHpa.resource?.current.averageUtilization).toBeGreaterThan(0);
  });
});
