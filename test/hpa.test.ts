// An HPA scales the workload up from real CPU usage (metrics-server) under a bounded load sent from
// the host to the Service's ClusterIP (routed to the node's bridge): at most LOAD_MAX_REQUESTS
// requests in at most LOAD_MAX_MS, stopped as soon as the HPA has scaled up.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createNamespace,
  deleteNamespace,
  eventually,
  httpGet,
  kubeConfig,
  workloadDeployment,
} from './cluster/kube.ts';

const LOAD_MAX_MS = 240_000;
const LOAD_MAX_REQUESTS = 20_000;
const LOAD_CONCURRENCY = 3;

describe('HorizontalPodAutoscaler on real CPU', () => {
  const kc = kubeConfig(inject('kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  let ns = '';
  let clusterIP = '';

  beforeAll(async () => {
    ns = await createNamespace(core, 'hpa', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const labels = { app: 'busy' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: workloadDeployment('busy', 1, {
        // /work is off unless WORK_MAX_CONCURRENT turns it on; the load sends LOAD_CONCURRENCY at once.
        env: [
          { name: 'MESSAGES', value: 'busy' },
          { name: 'WORK_MAX_CONCURRENT', value: String(LOAD_CONCURRENCY) },
        ],
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '300m', memory: '128Mi' } },
      }),
    });
    const svc = await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'busy' },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] },
      },
    });
    clusterIP = svc.spec?.clusterIP ?? '';
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: {
        metadata: { name: 'busy' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' },
          minReplicas: 1,
          maxReplicas: 4,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      },
    });
    await eventually('deployment busy ready', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'busy', namespace: ns });
      return d.status?.readyReplicas === 1 ? true : undefined;
    });
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('scales up from CPU usage under load through the Service', async () => {
    expect(clusterIP).toMatch(/^10\.96\./); // a Service address, routed to the local bridge
    const t0 = Date.now();
    let sent = 0;
    let failed = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && sent < LOAD_MAX_REQUESTS && Date.now() - t0 < LOAD_MAX_MS) {
        sent++;
        await httpGet(`${clusterIP}:80`, '/work?ms=100', undefined, 10_000).catch(() => {
          failed++;
        });
      }
    };
    const load = Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
    try {
      const hpa = await eventually(
        'HPA to scale above 1 replica',
        async () => {
          const h = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'busy', namespace: ns });
          return (h.status?.desiredReplicas ?? 0) > 1 ? h : undefined;
        },
        LOAD_MAX_MS,
        2000,
      );
      const cpu = hpa.status?.currentMetrics?.[0]?.resource?.current.averageUtilization;
      console.error(
        `[hpa] desired ${hpa.status?.desiredReplicas} replicas at ${cpu}% CPU after ${Date.now() - t0} ms, ${sent} requests (${failed} failed)`,
      );
      expect(hpa.status?.desiredReplicas).toBeGreaterThan(1);
      expect(cpu).toBeGreaterThan(50);
    } finally {
      stop = true;
      await load;
    }
    const d = await eventually('the Deployment to follow the HPA', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'busy', namespace: ns });
      return (d.spec?.replicas ?? 0) > 1 ? d : undefined;
    });
    expect(d.spec?.replicas).toBeGreaterThan(1);
  });
});
