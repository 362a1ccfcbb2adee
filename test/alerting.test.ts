// Alerts delivered, on the real node: Prometheus and Alertmanager run by prometheus-operator
// (test/cluster/monitoring.sh, alertmanager.sh; built from Go modules) with the shipped alerts
// (deploy/monitoring/prometheus_rule.yaml, HelloServiceNotReady's `for` shortened) and the shipped
// routing (deploy/monitoring/alertmanager.yaml, group_interval shortened, the receivers pointing at a
// webhook receiver in the cluster). Two HelloServices broken together in one namespace reach the
// receiver as one notification naming both, with the summary and runbook URL; fixed, as one resolved
// notification.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Notification, RECEIVER_NAME, receiverManifests } from './alerting/webhook-receiver.ts';
import { runScript } from './cluster/run-script.ts';
import { type InClusterOperator, installInCluster, WORKLOAD_IMAGE } from './e2e/in-cluster-operator.ts';
import { monitoringDir, type ruleGroups, SELECTOR_LABEL, SERVICE_MONITOR_CRD } from './monitoring/files.ts';
import {
  applyHelloService,
  eventually,
  type Kubectl,
  kubectlFor,
  must,
} from './operator/operator-process.ts';

const suffix = randomBytes(3).toString('hex');
const monNs = `alrt-mon-${suffix}`;
const BROKEN = ['first', 'second'];

type AlertmanagerConfig = {
  route: { group_interval: string; routes: { receiver: string }[] };
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
};

describe('alerts delivered on a real cluster', () => {
  const adminPath = inject('kubeconfig');
  const kubectl: Kubectl = kubectlFor(adminPath);
  const crdsBefore = kubectl(['get', 'crd', SERVICE_MONITOR_CRD]).status === 0;
  let operator: InClusterOperator | undefined;
  let receiver = '';
  const ns = () => {
    if (!operator) throw new Error('the operator was not installed');
    return operator.ns;
  };
  const notifications = async (): Promise<Notification[]> => {
    const res = await fetch(`${receiver}/`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as Notification[];
  };
  /** The notifications of HelloServiceNotReady for this test's namespace. */
  const notReady = async () =>
    (await notifications()).filter(
      (n) => n.body.groupLabels.alertname === 'HelloServiceNotReady' && n.body.groupLabels.namespace === ns(),
    );

  beforeAll(async () => {
    operator = installInCluster(kubectl, 'alrt', suffix, {
      replicas: 1,
      namespaceLabels: [`${SELECTOR_LABEL}=${suffix}`],
    });
    await runScript('monitoring.sh', ['up', monNs, `${SELECTOR_LABEL}=${suffix}`], { KUBECONFIG: adminPath });
    must(kubectl, ['apply', '-n', monNs, '-f', '-'], JSON.stringify(receiverManifests(WORKLOAD_IMAGE)));
    must(kubectl, ['-n', monNs, 'wait', '--for=condition=Ready', `pod/${RECEIVER_NAME}`, '--timeout=120s']);
    const ip = must(kubectl, [
      '-n',
      monNs,
      'get',
      'pod',
      RECEIVER_NAME,
      '-o',
      'jsonpath={.status.podIP}',
    ]).trim();
    receiver = `http://${ip}:8080`;

    // The shipped routing, its receivers pointed at ours (by the route they serve) and its
    // group_interval shortened so that the resolved notification comes within the test.
    const config = parse(
      readFileSync(join(monitoringDir, 'alertmanager.yaml'), 'utf8'),
    ) as AlertmanagerConfig;
    config.route.group_interval = '30s';
    for (const r of config.receivers) {
      for (const w of r.webhook_configs ?? []) w.url = `http://${RECEIVER_NAME}.${monNs}.svc/${r.name}`;
    }
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    try {
      writeFileSync(join(dir, 'alertmanager.yaml'), stringify(config));
      await runScript('alertmanager.sh', ['up', monNs, join(dir, 'alertmanager.yaml')], {
        KUBECONFIG: adminPath,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The operator scraped (its metrics need a token allowed to read them) and its alerts loaded.
    must(kubectl, [
      'create',
      'clusterrolebinding',
      `alrt-prometheus-metrics-${suffix}`,
      `--clusterrole=${operator.metricsReaderRole}`,
      `--serviceaccount=${monNs}:prometheus`,
    ]);
    must(kubectl, ['apply', '-n', operator.opNs, '-f', join(monitoringDir, 'service_monitor.yaml')]);
    const rule = parse(readFileSync(join(monitoringDir, 'prometheus_rule.yaml'), 'utf8')) as {
      spec: ReturnType<typeof ruleGroups>;
    };
    for (const r of rule.spec.groups.flatMap((g) => g.rules)) {
      if (r.alert === 'HelloServiceNotReady') r.for = '20s';
    }
    must(kubectl, ['apply', '-n', operator.opNs, '-f', '-'], stringify(rule));
  }, 600_000);

  afterAll(async () => {
    kubectl(['delete', 'clusterrolebinding', `alrt-prometheus-metrics-${suffix}`, '--ignore-not-found']);
    operator?.uninstall();
    await runScript('monitoring.sh', ['down', monNs, ...(crdsBefore ? [] : ['--crds'])], {
      KUBECONFIG: adminPath,
    }).catch((err) => process.stderr.write(`monitoring.sh down: ${String(err)}\n`));
  }, 180_000);

  it('two HelloServices broken in one namespace: one notification names both, with summary and runbook', async () => {
    for (const name of BROKEN) {
      applyHelloService(kubectl, ns(), name, {
        message: `hello from ${name}`,
        replicas: 1,
        image: 'localhost/hello-does-not-exist:0.0.0',
      });
    }
    // Scrape, `for`, group_wait, the config reaching Prometheus through a Secret volume: minutes.
    const [first] = await eventually(
      'a HelloServiceNotReady notification',
      async () => {
        const got = await notReady();
        return got.length ? got : undefined;
      },
      480_000,
      5000,
    );
    if (!first) throw new Error('no notification');
    expect(first.path).toBe('/team'); // severity warning → the team's receiver
    expect(first.body.status).toBe('firing');
    expect(first.body.alerts.map((a) => a.labels.name).sort()).toEqual(BROKEN);
    for (const alert of first.body.alerts) {
      expect(alert.labels).toMatchObject({
        alertname: 'HelloServiceNotReady',
        namespace: ns(),
        severity: 'warning',
      });
      expect(alert.annotations.summary).toBe(
        `HelloService ${ns()}/${alert.labels.name} has not been Ready for 10 minutes.`,
      );
      expect(alert.annotations.runbook_url).toMatch(/\/docs\/runbooks\/HelloServiceNotReady\.md$/);
    }
  });

  it('after the fix, the receiver gets the resolved notification', async () => {
    for (const name of BROKEN) {
      must(kubectl, [
        '-n',
        ns(),
        'patch',
        'hs',
        name,
        '--type',
        'merge',
        '-p',
        JSON.stringify({ spec: { image: WORKLOAD_IMAGE } }),
      ]);
    }
    const resolved = await eventually(
      'the resolved notification',
      async () => (await notReady()).find((n) => n.body.status === 'resolved'),
      300_000,
      5000,
    );
    expect(resolved.path).toBe('/team');
    expect(resolved.body.alerts.map((a) => [a.labels.name, a.status]).sort()).toEqual(
      BROKEN.map((name) => [name, 'resolved']),
    );
    // Every notification of the group went to the route its severity picks.
    expect(new Set((await notReady()).map((n) => n.path))).toEqual(new Set(['/team']));
  });
});
