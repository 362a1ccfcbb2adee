// Monitoring for real, on the real node: prometheus-operator and Prometheus (test/cluster/monitoring.sh,
// built from Go modules) scrape the operator, installed in-cluster from the kustomize base with
// deploy/monitoring's ServiceMonitor (HTTPS with Prometheus's own token: refused with 403 until that
// ServiceAccount is bound to the shipped metrics-reader ClusterRole, then up), and every pod of a
// HelloService with spec.monitoring.enabled through the ServiceMonitor the operator creates. The
// alerts are loaded from deploy/monitoring (HelloServiceNotReady with `for` shortened) and one fires
// for a HelloService whose image does not exist; every dashboard query parses in Prometheus and
// names only metrics it has.
//
// The operator is confined: its own namespace and name prefix, watching only this test's namespace.
// Prometheus reads ServiceMonitors and rules only from namespaces labelled for this run. Without the
// monitoring.coreos.com CRDs at the start (a fresh cluster), the test first proves that a HelloService
// asking for monitoring says so in a condition and is Ready anyway, and removes the CRDs at the end.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runScript } from './cluster/run-script.ts';
import { type InClusterOperator, installInCluster } from './e2e/in-cluster-operator.ts';
import {
  dashboardQueries,
  monitoringDir,
  type ruleGroups,
  SELECTOR_LABEL,
  SERVICE_MONITOR_CRD,
} from './monitoring/files.ts';
import {
  applyHelloService,
  eventually,
  getObject,
  type Kubectl,
  kubectlFor,
  must,
  type Obj,
} from './operator/operator-process.ts';

const suffix = randomBytes(3).toString('hex');
const opNs = `obs-op-${suffix}`;
const ns = `obs-hs-${suffix}`;
const monNs = `obs-mon-${suffix}`;

type PromResult = { metric: Record<string, string>; value: [number, string] };
type PromAlert = { labels: Record<string, string>; state: string };
type PromTarget = { labels: Record<string, string>; health: string; lastError: string };

describe('monitoring on a real cluster', () => {
  const adminPath = inject('kubeconfig');
  const kubectl: Kubectl = kubectlFor(adminPath);
  // Whether the cluster had the CRDs before this test (then they are not ours to remove). Asked while
  // the tests are collected, since it decides which of them run.
  const crdsBefore = kubectl(['get', 'crd', SERVICE_MONITOR_CRD]).status === 0;
  let prometheus = '';

  const get = (kind: string, name: string, namespace = ns): Obj | undefined =>
    getObject(kubectl, kind, name, namespace);
  const cond = (hs: Obj | undefined, type: string) =>
    (hs?.status?.conditions as { type: string; status: string; reason: string }[] | undefined)?.find(
      (c) => c.type === type,
    );
  const applyHs = (name: string, spec: Record<string, unknown>) =>
    applyHelloService(kubectl, ns, name, { message: `hello from ${name}`, ...spec });
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${prometheus}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const query = (q: string) =>
    api<{ result: PromResult[] }>(`/api/v1/query?query=${encodeURIComponent(q)}`).then((d) => d.result);

  let operator: InClusterOperator | undefined;
  beforeAll(async () => {
    // The kustomize base, confined to this test (obs-op-<suffix>, watching obs-hs-<suffix>); one
    // replica is enough here (two only double the CPU on this 2-core node).
    operator = installInCluster(kubectl, 'obs', suffix, {
      replicas: 1,
      namespaceLabels: [`${SELECTOR_LABEL}=${suffix}`],
    });
  }, 300_000);

  afterAll(async () => {
    kubectl(['delete', 'clusterrolebinding', `obs-prometheus-metrics-${suffix}`, '--ignore-not-found']);
    operator?.uninstall();
    await runScript('monitoring.sh', ['down', monNs, ...(crdsBefore ? [] : ['--crds'])], {
      KUBECONFIG: adminPath,
    }).catch((err) => process.stderr.write(`monitoring.sh down: ${String(err)}\n`));
  }, 180_000);

  it.skipIf(crdsBefore)(
    'without the CRDs: the Monitoring condition says so, and the HelloService is Ready anyway',
    async () => {
      applyHs('web', { replicas: 2, monitoring: { enabled: true } });
      const hs = await eventually('web Ready with Monitoring=False', () => {
        const h = get('hs', 'web');
        return cond(h, 'Ready')?.status === 'True' && cond(h, 'Monitoring') ? h : undefined;
      });
      expect(cond(hs, 'Monitoring')).toMatchObject({ status: 'False', reason: 'ServiceMonitorCRDNotFound' });
      expect(cond(hs, 'Degraded')?.status).toBe('False');
    },
  );

  it('installs prometheus-operator and Prometheus; the operator creates the ServiceMonitor once the CRD is there', async () => {
    await runScript('monitoring.sh', ['up', monNs, `${SELECTOR_LABEL}=${suffix}`], { KUBECONFIG: adminPath });
    const ip = must(kubectl, [
      '-n',
      monNs,
      'get',
      'pod',
      '-l',
      'app.kubernetes.io/name=prometheus',
      '-o',
      'jsonpath={.items[0].status.podIP}',
    ]).trim();
    prometheus = `http://${ip}:9090`;
    // The operator's ServiceMonitor, and the alerts with HelloServiceNotReady's `for` shortened.
    must(kubectl, ['apply', '-n', opNs, '-f', join(monitoringDir, 'service_monitor.yaml')]);
    const rule = parse(readFileSync(join(monitoringDir, 'prometheus_rule.yaml'), 'utf8')) as {
      spec: ReturnType<typeof ruleGroups>;
    };
    for (const r of rule.spec.groups.flatMap((g) => g.rules)) {
      if (r.alert === 'HelloServiceNotReady') r.for = '20s';
    }
    must(kubectl, ['apply', '-n', opNs, '-f', '-'], stringify(rule));

    applyHs('web', { replicas: 2, monitoring: { enabled: true } });
    applyHs('scaled', { autoscaling: { minReplicas: 1, maxReplicas: 2 }, monitoring: { enabled: true } });
    // Within the operator's recheck of the CRD (60 s, plus 30 s of cached discovery) at the latest.
    for (const name of ['web', 'scaled']) {
      const hs = await eventually(
        `${name}: Ready, Monitoring=True`,
        () => {
          const h = get('hs', name);
          if (cond(h, 'Ready')?.status === 'True' && cond(h, 'Monitoring')?.status === 'True') return h;
          // The last state goes into the timeout's message.
          throw new Error(JSON.stringify(h?.status?.conditions));
        },
        150_000,
      );
      expect(cond(hs, 'Monitoring')?.reason).toBe('ServiceMonitorApplied');
      const sm = get('servicemonitor', name);
      expect(sm?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'HelloService', name });
    }
  });

  it('Prometheus scrapes the operator and every pod of a monitored HelloService: up == 1', async () => {
    expect(prometheus).not.toBe('');
    if (!operator) throw new Error('the operator was not installed');
    // /metrics is HTTPS and answers only tokens allowed to get it: the ServiceMonitor sends
    // Prometheus's own ServiceAccount token, refused until that account is bound to metrics-reader.
    const operatorTarget = async () => {
      const { activeTargets } = await api<{ activeTargets: PromTarget[] }>('/api/v1/targets?state=active');
      return activeTargets.find((t) => t.labels.job === 'hello-operator' && t.labels.namespace === opNs);
    };
    const refused = await eventually(
      'the operator target refused with 403',
      async () => {
        const t = await operatorTarget();
        if (t?.health === 'down' && /403/.test(t.lastError)) return t;
        throw new Error(JSON.stringify(t));
      },
      300_000,
      3000,
    );
    expect(refused.lastError).toMatch(/403/);
    must(kubectl, [
      'create',
      'clusterrolebinding',
      `obs-prometheus-metrics-${suffix}`,
      `--clusterrole=${operator.metricsReaderRole}`,
      `--serviceaccount=${monNs}:prometheus`,
    ]);
    const pods = (name: string) =>
      (
        JSON.parse(
          must(kubectl, ['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/instance=${name}`, '-o', 'json']),
        ) as { items: Obj[] }
      ).items.map((p) => p.metadata.name);
    const operatorUp = await eventually(
      'the operator up in Prometheus',
      async () => {
        const r = await query(`up{job="hello-operator", namespace="${opNs}"}`);
        return r.length > 0 && r.every((s) => s.value[1] === '1') ? r : undefined;
      },
      150_000,
      3000,
    );
    expect(operatorUp).toHaveLength(1);
    for (const name of ['web', 'scaled']) {
      // Read each time: the autoscaler may change the pods meanwhile. A new ServiceMonitor reaches
      // Prometheus through prometheus-operator's config Secret, the kubelet's sync of the Secret
      // volume (up to about a minute) and the config-reloader, which here sometimes misses the
      // file's change and then finds it only at its 3-minute poll: hence up to 5 minutes.
      let expected: string[] = [];
      const up = await eventually(
        `every pod of ${name} up in Prometheus`,
        async () => {
          expected = pods(name).sort();
          const r = await query(`up{namespace="${ns}", helloservice="${name}"}`);
          const got = r.map((s) => `${s.metric.pod}=${s.value[1]}`).sort();
          if (expected.length > 0 && JSON.stringify(got) === JSON.stringify(expected.map((p) => `${p}=1`)))
            return r;
          throw new Error(`pods ${expected.join(',')}; Prometheus: ${got.join(',')}`);
        },
        300_000,
        3000,
      );
      expect(up.map((s) => s.metric.pod).sort()).toEqual(expected);
    }
    // What the alerts and dashboards select on, as the rules expect it.
    const ready = await query(`hello_operator_helloservice_ready{job="hello-operator", namespace="${ns}"}`);
    expect(ready.map((s) => s.metric.name).sort()).toEqual(['scaled', 'web']);
  }, 900_000);

  it('fires HelloServiceNotReady for a HelloService whose image does not exist', async () => {
    applyHs('broken', { replicas: 1, image: 'localhost/hello-does-not-exist:0.0.0' });
    const firing = await eventually(
      'HelloServiceNotReady firing for broken',
      async () => {
        const { alerts } = await api<{ alerts: PromAlert[] }>('/api/v1/alerts');
        const mine = alerts.filter(
          (a) => a.labels.alertname === 'HelloServiceNotReady' && a.labels.namespace === ns,
        );
        return mine.some((a) => a.state === 'firing') ? mine : undefined;
      },
      240_000,
      5000,
    );
    // Only the HelloService that is not Ready.
    expect(firing.map((a) => a.labels.name)).toEqual(['broken']);
    expect(cond(get('hs', 'broken'), 'Ready')?.status).toBe('False');
  });

  it('parses every dashboard query in Prometheus, and each names only metrics Prometheus has', async () => {
    expect(prometheus).not.toBe('');
    const known = new Set(await api<string[]>('/api/v1/label/__name__/values'));
    const missing: string[] = [];
    for (const q of dashboardQueries()) {
      const ast = await api<unknown>(`/api/v1/parse_query?query=${encodeURIComponent(q.expr)}`);
      const names = selectorNames(ast);
      expect(names.length, `${q.dashboard} / ${q.panel}`).toBeGreaterThan(0);
      for (const n of names) if (!known.has(n)) missing.push(`${q.dashboard} / ${q.panel}: ${n}`);
    }
    expect(missing).toEqual([]);
  });

  it('deletes the ServiceMonitor and drops the Monitoring condition when monitoring is switched off', async () => {
    expect(get('servicemonitor', 'scaled')).toBeDefined();
    must(kubectl, [
      'patch',
      'hs',
      'scaled',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"spec":{"monitoring":{"enabled":false}}}',
    ]);
    await eventually(
      'the ServiceMonitor of scaled deleted',
      () => get('servicemonitor', 'scaled') === undefined,
    );
    const hs = await eventually('scaled without a Monitoring condition', () => {
      const h = get('hs', 'scaled');
      return h?.status?.observedGeneration === h?.metadata.generation && !cond(h, 'Monitoring')
        ? h
        : undefined;
    });
    expect(cond(hs, 'Ready')?.status).toBe('True');
    expect(get('servicemonitor', 'web')).toBeDefined();
  });
});

/** The metric names of every vector and range selector in a parse_query AST. */
function selectorNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(selectorNames);
  if (!node || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const own =
    (n.type === 'vectorSelector' || n.type === 'matrixSelector') && typeof n.name === 'string'
      ? [n.name]
      : [];
  return [...own, ...Object.values(n).flatMap(selectorNames)];
}
