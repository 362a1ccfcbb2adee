// The whole product on the real node (issue 9): the operator installed in-cluster from the kustomize
// base (two replicas, leader election; test/e2e/in-cluster-operator.ts confines it to this file's
// namespace), HelloServices reached through the Traefik Ingress, a message change under load, the
// autoscaler, the read-only root, a leader failover, metrics scraped from inside, and deletion.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject } from '../../operator/kube/rest.ts';
import { referencedConfigMaps } from '../../operator/reconcile/revisions.ts';
import { httpGet } from '../cluster/kube.ts';
import {
  eventually,
  type Kubectl,
  kubectlFor,
  messageConfigMap,
  must,
  type Obj,
  sleep,
} from '../operator/operator-process.ts';
import { type InClusterOperator, installInCluster, WORKLOAD_IMAGE } from './in-cluster-operator.ts';
import { failures, runLoad } from './load.ts';
import { changeMessageUnderLoad, everyPodServes } from './message-rollout.ts';

const suffix = randomBytes(3).toString('hex');
const host = `hello-${suffix}.e2e.test`;
const FIRST_MESSAGE = 'Hello from the real node ✓\nGrüße, 你好, こんにちは 👋\n\ttabs, "quotes" & <angles>\n';
const SECOND_MESSAGE = 'Second message: ½ ∑ 🚀\nline two\n';
const THIRD_MESSAGE = 'Third message, applied by the new leader\n';
const CHILD_KINDS = [
  'deployments',
  'replicasets',
  'pods',
  'services',
  'configmaps',
  'serviceaccounts',
  'ingresses',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'networkpolicies',
];

describe('the whole product on a real node', () => {
  const kubectl: Kubectl = kubectlFor(inject('kubeconfig'));
  const ingress = inject('ingressAddress');
  let op: InClusterOperator;
  let ns = '';

  const get = (kind: string, name: string, namespace = ns): Obj =>
    JSON.parse(must(kubectl, ['-n', namespace, 'get', kind, name, '-o', 'json'])) as Obj;
  const list = (kind: string, selector: string): Obj[] =>
    (JSON.parse(must(kubectl, ['-n', ns, 'get', kind, '-l', selector, '-o', 'json'])) as { items: Obj[] })
      .items;
  const readyAtGeneration = (name: string) =>
    eventually(`HelloService ${name} Ready at its generation`, () => {
      const hs = get('hs', name);
      const ready = (hs.status?.conditions as { type: string; status: string }[] | undefined)?.find(
        (c) => c.type === 'Ready',
      );
      return ready?.status === 'True' && hs.status?.observedGeneration === hs.metadata.generation;
    });
  const apply = (obj: object) => must(kubectl, ['-n', ns, 'apply', '-f', '-'], JSON.stringify(obj));

  beforeAll(() => {
    op = installInCluster(kubectl, 'e2e', suffix);
    ns = op.ns;
  });

  afterAll(() => {
    kubectl(['delete', 'clusterrolebinding', `scrape-${suffix}`, '--ignore-not-found']);
    op?.uninstall();
  });

  it('1. a HelloService becomes Ready and serves its message byte for byte through the Ingress', async () => {
    apply({
      apiVersion: 'hello.operators.dev/v1alpha1',
      kind: 'HelloService',
      metadata: { name: 'hello' },
      spec: { message: FIRST_MESSAGE, ingress: { host, className: 'traefik' } },
    });
    must(kubectl, ['-n', ns, 'wait', '--for=condition=Ready', 'hs/hello', '--timeout=180s']);

    // Traefik picks the new route up from its watch within moments; until then it answers 404.
    const res = await eventually('the Ingress routes to the pods', async () => {
      const r = await httpGet(ingress, '/', host);
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.equals(Buffer.from(FIRST_MESSAGE, 'utf8'))).toBe(true);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');

    const hs = get('hs', 'hello');
    expect(hs.status?.url).toContain(host);
    const [header, row] = must(kubectl, ['-n', ns, 'get', 'hs', 'hello']).trimEnd().split('\n');
    const columns = (header ?? '').split(/\s{2,}/);
    const cells = (row ?? '').split(/\s{2,}/);
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect(cell('READY')).toBe('True');
    expect(cell('REPLICAS')).toBe('2/2');
    expect(cell('URL')).toBe(hs.status?.url);
  });

  it('2. a message change under steady load: no failed request, every pod serves it within seconds', async () => {
    const result = await changeMessageUnderLoad({
      kubectl,
      ns,
      name: 'hello',
      oldMessage: FIRST_MESSAGE,
      newMessage: SECOND_MESSAGE,
      target: { address: ingress, host, path: '/' },
      rate: 40,
      concurrency: 4,
      maxMs: 150_000,
    });
    console.error(
      `[e2e] message change under ${result.samples.length} requests at 40/s through the Ingress: ` +
        `first pod serving it after ${result.firstPodS.toFixed(2)} s, all ${result.podsServing} after ` +
        `${result.lastPodS.toFixed(2)} s, ${result.failed.length} failed`,
    );
    expect(result.failed).toEqual([]);
    expect(result.podsServing).toBe(2);
    // "Within seconds" as a functional deadline, generous for a shared 2-core machine.
    expect(result.lastPodS).toBeLessThan(60);
    expect(result.firstPodS).toBeGreaterThan(0);
    // Both messages were served during the load, the new one to the end.
    const messages = result.samples.map((s) => JSON.parse(s.body ?? '{}').message);
    expect(messages[0]).toBe(FIRST_MESSAGE);
    expect(messages.at(-1)).toBe(SECOND_MESSAGE);
  });

  it('3. the autoscaler adds replicas under CPU load, the operator leaves them alone, and they come back down', async () => {
    apply({
      apiVersion: 'hello.operators.dev/v1alpha1',
      kind: 'HelloService',
      metadata: { name: 'busy' },
      spec: {
        message: 'busy',
        autoscaling: {
          minReplicas: 1,
          maxReplicas: 3,
          targetCPUUtilizationPercentage: 50,
          scaleDownStabilizationWindowSeconds: 10,
        },
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        // /work is off unless asked for; the load below sends at most 4 at once.
        work: { enabled: true, maxConcurrent: 4 },
      },
    });
    await readyAtGeneration('busy');
    expect(get('hpa', 'busy').spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(10);
    const clusterIP = get('service', 'busy').spec?.clusterIP as string;

    // ~0.4 CPU of /work through the Service, against a 50m request: well over the 50% target.
    const stop = new AbortController();
    const load = runLoad(
      { address: `${clusterIP}:80`, path: '/work?ms=50' },
      { rate: 8, concurrency: 4, maxMs: 240_000, signal: stop.signal },
    );
    let scaledTo = 0;
    try {
      scaledTo = await eventually(
        'the HPA to scale busy up',
        () => {
          const replicas = get('deployment', 'busy').spec?.replicas as number;
          return replicas > 1 ? replicas : undefined;
        },
        230_000,
        2000,
      );
      // The operator never applies spec.replicas while autoscaling is on: the HPA owns it.
      const d = JSON.parse(
        must(kubectl, ['-n', ns, 'get', 'deployment', 'busy', '-o', 'json', '--show-managed-fields']),
      ) as Obj & {
        metadata: {
          managedFields?: { manager: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }[];
        };
      };
      const ours = d.metadata.managedFields?.filter((f) => f.manager === 'hello-operator') ?? [];
      expect(ours.length).toBeGreaterThan(0);
      for (const f of ours) expect(f.fieldsV1?.['f:spec']).not.toHaveProperty('f:replicas');
      // A reconcile now (forced) keeps the autoscaler's count.
      must(kubectl, ['-n', ns, 'annotate', 'hs', 'busy', `hello.operators.dev/reconcile-at=${Date.now()}`]);
      await sleep(3000);
      expect(get('deployment', 'busy').spec?.replicas).toBeGreaterThanOrEqual(scaledTo);
    } finally {
      stop.abort();
    }
    const samples = await load;
    expect(failures(samples)).toEqual([]);
    console.error(`[e2e] HPA scaled busy to ${scaledTo} under ${samples.length} /work requests`);

    await eventually(
      'busy to scale back down to 1 once the load stopped',
      () => get('deployment', 'busy').spec?.replicas === 1,
      240_000,
      3000,
    );
  });

  it('4. the workload writes and reads scratch data under /tmp while its root filesystem is read-only', async () => {
    const pod = list('pods', 'app.kubernetes.io/instance=hello')[0];
    expect(pod).toBeDefined();
    if (!pod) return;
    expect(pod.spec?.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    const address = `${pod.status?.podIP}:${pod.spec?.containers[0].ports[0].containerPort}`;

    const data = Buffer.from(`scratch ${suffix} ✓ ${randomBytes(16).toString('hex')}`, 'utf8');
    const put = await fetch(`http://${address}/scratch`, { method: 'POST', body: data });
    expect(put.status).toBe(201);
    const location = put.headers.get('location') ?? '';
    const back = await httpGet(address, location);
    expect(back.status).toBe(200);
    expect(back.body.equals(data)).toBe(true);

    // Inside the container: /tmp takes a file, the root filesystem refuses one.
    const script =
      "const fs=require('node:fs');for(const p of ['/tmp/e2e-probe','/e2e-probe']){" +
      "try{fs.writeFileSync(p,'x');console.log(p+' ok')}catch(e){console.log(p+' '+e.code)}}";
    const out = must(kubectl, ['-n', ns, 'exec', pod.metadata.name, '--', '/nodejs/bin/node', '-e', script]);
    expect(out.trim().split('\n')).toEqual(['/tmp/e2e-probe ok', '/e2e-probe EROFS']);
  });

  it('5. the leader pod deleted with a change pending: another replica takes the Lease and applies it once', async () => {
    const leader = op.leaderPod();
    expect(leader).toBeDefined();
    const standby = op.pods().find((p) => p.metadata.name !== leader)?.metadata.name;
    expect(standby).toBeDefined();
    const revision = () =>
      Number(get('deployment', 'hello').metadata.annotations?.['deployment.kubernetes.io/revision']);
    const before = revision();

    // The change is made once the leader, shutting down, has stopped reconciling and let the Lease
    // go, and before (or just as) the standby takes it: only the new leader can apply it.
    must(kubectl, ['-n', op.opNs, 'delete', 'pod', leader ?? '', '--wait=false']);
    const holderAtChange = await eventually(
      'the leader to give up the Lease',
      () => {
        const holder = op.leaderPod() ?? '(none)';
        return holder !== leader ? holder : undefined;
      },
      60_000,
      100,
    );
    must(kubectl, [
      '-n',
      ns,
      'patch',
      'hs',
      'hello',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { message: THIRD_MESSAGE } }),
    ]);
    console.error(`[e2e] message changed while the Lease was held by: ${holderAtChange}`);

    const newLeader = await eventually('another replica to take the Lease', () => {
      const holder = op.leaderPod();
      return holder && holder !== leader ? holder : undefined;
    });
    // The standby, or the pod the Deployment started in the deleted one's place if it asked first.
    expect(op.pods().map((p) => p.metadata.name)).toContain(newLeader);
    console.error(`[e2e] new leader: ${newLeader === standby ? 'the standby' : 'the replacement pod'}`);
    await readyAtGeneration('hello');
    expect(
      await eventually('every pod to serve the third message', () =>
        everyPodServes(kubectl, ns, 'hello', THIRD_MESSAGE),
      ),
    ).toBe(2);

    // Applied by the new leader, once: its Event about the ConfigMap (`Created`: the third message's
    // ConfigMap is new, "Created ConfigMap "hello-1a2b3c4d5e"."), one rollout more, one live
    // ReplicaSet, one of each child, and the ConfigMaps of exactly the retained revisions.
    const events = (
      JSON.parse(must(kubectl, ['-n', ns, 'get', 'events.events.k8s.io', '-o', 'json'])) as {
        items: { reason?: string; note?: string; reportingInstance?: string }[];
      }
    ).items.filter((e) => /\bConfigMap\b[^"]* "hello(-[0-9a-f]{10})?"/.test(e.note ?? ''));
    expect(
      events.some((e) => e.reportingInstance?.startsWith(`${newLeader}_`)),
      JSON.stringify(events, null, 1),
    ).toBe(true);
    expect(revision()).toBe(before + 1);
    const live = list('replicasets', 'app.kubernetes.io/instance=hello').filter(
      (rs) => (rs.spec?.replicas ?? 0) > 0,
    );
    expect(live).toHaveLength(1);
    for (const kind of [
      'deployments',
      'services',
      'serviceaccounts',
      'ingresses',
      'poddisruptionbudgets',
      'networkpolicies',
    ]) {
      expect(
        list(kind, 'app.kubernetes.io/instance=hello').map((o) => o.metadata.name),
        kind,
      ).toEqual(['hello']);
    }
    expect(messageConfigMap(kubectl, ns, 'hello')?.data?.MESSAGES).toBe(THIRD_MESSAGE);
    const sets = list('replicasets', 'app.kubernetes.io/instance=hello');
    const referenced = sets.flatMap((rs) => referencedConfigMaps(rs as KubeObject));
    expect(
      list('configmaps', 'app.kubernetes.io/instance=hello')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([...new Set(referenced)].sort());
    // The Deployment replaces the deleted pod: two replicas again, one leading.
    must(kubectl, ['-n', op.opNs, 'rollout', 'status', `deployment/${op.deployment}`, '--timeout=120s']);
  });

  it("6. the operator's metrics, scraped from a pod through the metrics Service, show reconciles, durations and API writes", async () => {
    const url = `https://${op.metricsService}.${op.opNs}.svc:8080/metrics`;
    // As Prometheus scrapes it: over HTTPS (a self-signed certificate, not verified) with the pod's
    // own ServiceAccount token, that account bound to the shipped metrics-reader ClusterRole.
    const scraper = `scrape-${suffix}`;
    must(kubectl, ['-n', op.opNs, 'create', 'serviceaccount', scraper]);
    must(kubectl, [
      'create',
      'clusterrolebinding',
      scraper,
      `--clusterrole=${op.metricsReaderRole}`,
      `--serviceaccount=${op.opNs}:${scraper}`,
    ]);
    // The Service balances over both replicas; the standby has reconciled nothing: ask until the
    // leader answers (each try reaches either one at random).
    // A new connection per try (agent: false): kube-proxy picks a backend per connection.
    const script = [
      "import { get } from 'node:https';",
      "import { readFileSync } from 'node:fs';",
      "const token = readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/token', 'utf8');",
      "const options = { agent: false, rejectUnauthorized: false, headers: { authorization: 'Bearer ' + token } };",
      'const scrape = () => new Promise((ok, fail) => get(process.argv[1], options, (res) => {',
      "  if (res.statusCode !== 200) { console.log('status', res.statusCode); process.exit(1); }",
      "  let t = ''; res.setEncoding('utf8').on('data', (c) => (t += c)).on('end', () => ok(t));",
      "}).on('error', fail));",
      'for (let i = 0; i < 40; i++) {',
      '  const t = await scrape();',
      '  if (/^controller_runtime_reconcile_total\\{[^}]*result="success"[^}]*\\} [1-9]/m.test(t)) { console.log(t); process.exit(0); }',
      '}',
      "console.log('only the standby answered'); process.exit(1);",
    ].join('\n');
    const pod = `scrape-${suffix}`;
    must(
      kubectl,
      ['-n', op.opNs, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, labels: { 'hello-operator.test': 'true' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: scraper,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'scrape',
              image: WORKLOAD_IMAGE,
              imagePullPolicy: 'Never',
              command: ['/nodejs/bin/node', '--input-type=module', '-e', script, url],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { cpu: '10m', memory: '32Mi' },
                limits: { cpu: '200m', memory: '64Mi' },
              },
            },
          ],
        },
      }),
    );
    const phase = await eventually('the scrape pod to finish', () => {
      const p = get('pod', pod, op.opNs).status?.phase as string;
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    });
    const text = must(kubectl, ['-n', op.opNs, 'logs', pod]);
    expect(phase, text.slice(0, 500)).toBe('Succeeded');
    const value = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(
      value(/^controller_runtime_reconcile_total\{[^}]*controller="helloservice"[^}]*\} (\S+)$/gm),
    ).toBeGreaterThan(0);
    expect(value(/^controller_runtime_reconcile_time_seconds_count\{[^}]*\} (\S+)$/gm)).toBeGreaterThan(0);
    expect(text).toMatch(/^controller_runtime_reconcile_time_seconds_bucket\{/m);
    expect(value(/^hello_operator_api_writes_total\{[^}]*\} (\S+)$/gm)).toBeGreaterThan(0);
    must(kubectl, ['-n', op.opNs, 'delete', 'pod', pod, '--wait=false']);
  });

  it('7. deleting the HelloServices removes every child and every pod', async () => {
    must(kubectl, ['-n', ns, 'delete', 'hs', 'hello', 'busy']);
    await eventually(
      'no children left',
      () => {
        const left = CHILD_KINDS.flatMap((kind) =>
          list(kind, 'app.kubernetes.io/managed-by=hello-operator').map((o) => `${kind}/${o.metadata.name}`),
        );
        return left.length === 0 ? true : undefined;
      },
      180_000,
      2000,
    );
    expect(JSON.parse(must(kubectl, ['-n', ns, 'get', 'pods', '-o', 'json'])).items).toEqual([]);
  });
});
