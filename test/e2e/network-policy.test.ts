// NetworkPolicy enforced for real (issue 17): the cluster runs sigs.k8s.io/kube-network-policies on
// every node (test/cluster/network-policies), so the policies the operator writes, for each
// HelloService and for itself (deploy/manager), decide who connects. Probes run inside client pods of
// our workload image (Node, no shell): a denied connection times out (the policy drops it), a port
// that is allowed but has no listener is refused at once, which tells the two apart.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpGet } from '../cluster/kube.ts';
import { type Kubectl, kubectlFor, must, type Obj } from '../operator/operator-process.ts';
import { type InClusterOperator, installInCluster } from './in-cluster-operator.ts';
import {
  expectDropped,
  type ProbeKind,
  clientPod as podIn,
  probe as probeFrom,
  waitRunning,
} from './pod-probe.ts';

const suffix = randomBytes(3).toString('hex');
const host = `np-${suffix}.e2e.test`;
const PEER_LABEL = 'np.hello-operator.test/peer';

describe('NetworkPolicy enforced on the real node', () => {
  const kubectl: Kubectl = kubectlFor(inject('kubeconfig'));
  const ingress = inject('ingressAddress');
  let op: InClusterOperator;
  let ns = '';
  const otherNs = `np-other-${suffix}`;
  let workloadLabels: Record<string, string> = {};
  let hsPodIp = '';
  let operatorPodIp = '';

  const clientPod = (namespace: string, name: string, labels: Record<string, string>) =>
    podIn(kubectl, namespace, name, labels);
  const probe = (namespace: string, pod: string, kind: ProbeKind, target: string, port = 0) =>
    probeFrom(kubectl, namespace, pod, kind, target, port);
  const denied = (namespace: string, pod: string, kind: ProbeKind, target: string, port = 0) =>
    expectDropped(kubectl, namespace, pod, kind, target, port);
  const get = (kind: string, name: string, namespace = ns): Obj =>
    JSON.parse(must(kubectl, ['-n', namespace, 'get', kind, name, '-o', 'json'])) as Obj;

  beforeAll(async () => {
    op = installInCluster(kubectl, 'np', suffix);
    ns = op.ns;
    must(kubectl, ['create', 'namespace', otherNs]);
    must(kubectl, ['label', 'namespace', otherNs, 'hello-operator.test=true']);
    must(
      kubectl,
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'hello.operators.dev/v1alpha1',
        kind: 'HelloService',
        metadata: { name: 'hello' },
        spec: {
          message: 'Hello behind a NetworkPolicy',
          replicas: 1,
          ingress: { host, className: 'traefik' },
          networkPolicy: {
            from: [
              // The Ingress controller's namespace (Traefik runs in `ingress`), and this namespace's
              // pods that carry the peer label.
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } },
              { podSelector: { matchLabels: { [PEER_LABEL]: 'true' } } },
            ],
          },
        },
      }),
    );
    clientPod(ns, 'peer', { [PEER_LABEL]: 'true' });
    clientPod(ns, 'stranger', {});
    clientPod(otherNs, 'outsider', {});
    must(kubectl, ['-n', ns, 'wait', '--for=condition=Ready', 'hs/hello', '--timeout=180s']);
    const deployment = get('deployment', 'hello');
    workloadLabels = deployment.spec?.selector?.matchLabels as Record<string, string>;
    clientPod(ns, 'impostor', workloadLabels);
    // The operator's labels, in its namespace: its policy's egress rules apply to this pod too.
    clientPod(op.opNs, 'operator-impostor', {
      'app.kubernetes.io/name': 'hello-operator',
      'app.kubernetes.io/component': 'controller',
    });
    for (const [namespace, pod] of [
      [ns, 'peer'],
      [ns, 'stranger'],
      [otherNs, 'outsider'],
      [ns, 'impostor'],
      [op.opNs, 'operator-impostor'],
    ] as const)
      waitRunning(kubectl, namespace, pod);
    const selector = Object.entries(workloadLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = JSON.parse(
      must(kubectl, ['-n', ns, 'get', 'pods', '-l', `${selector},pod-template-hash`, '-o', 'json']),
    ) as { items: Obj[] };
    hsPodIp = pods.items[0]?.status?.podIP as string;
    operatorPodIp = op.pods()[0]?.status?.podIP as string;
    expect(hsPodIp).toMatch(/^10\.244\./);
    expect(operatorPodIp).toMatch(/^10\.244\./);
  }, 420_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', otherNs, '--wait=false', '--ignore-not-found']);
    op?.uninstall();
  });

  it('the HelloService answers the Ingress controller and the peer its spec allows', async () => {
    const r = await httpGet(ingress, '/', host);
    expect(r.status).toBe(200);
    expect(probe(ns, 'peer', 'http', `hello.${ns}.svc.cluster.local`, 80)).toBe('http 200');
    expect(probe(ns, 'peer', 'http', hsPodIp, 8080)).toBe('http 200');
  });

  it('drops a pod of its own namespace without the peer label, and a pod of another namespace', async () => {
    await denied(ns, 'stranger', 'http', hsPodIp, 8080);
    await denied(otherNs, 'outsider', 'http', hsPodIp, 8080);
    await denied(otherNs, 'outsider', 'http', `hello.${ns}.svc.cluster.local`, 80);
    // The same pod reaches a pod no policy selects (refused there: nothing listens), so what stops
    // it above is the HelloService's policy.
    const peerIp = get('pod', 'peer').status?.podIP as string;
    expect(probe(otherNs, 'outsider', 'tcp', peerIp, 8080)).toBe('ECONNREFUSED');
  });

  it('admits even the peer on the serving port only', async () => {
    await denied(ns, 'peer', 'tcp', hsPodIp, 9999);
  });

  it("lets nothing out of a pod with the workload's labels, DNS included", async () => {
    // The peer pod is selected by no policy and listens nowhere: without the egress rule the
    // connection would be refused at once, not dropped.
    const peerIp = get('pod', 'peer').status?.podIP as string;
    expect(probe(ns, 'stranger', 'tcp', peerIp, 8080)).toBe('ECONNREFUSED');
    await denied(ns, 'impostor', 'tcp', peerIp, 8080);
    await denied(ns, 'impostor', 'dns', 'kubernetes.default.svc.cluster.local');
    await denied(ns, 'impostor', 'tcp', hsPodIp, 8080);
  });

  it('keeps the operator to its policy: in, metrics and health only; out, the API server and DNS only', async () => {
    // In: its metrics (8080) and health (8081) ports answer a pod of any namespace; any other port is
    // dropped.
    expect(probe(otherNs, 'outsider', 'tcp', operatorPodIp, 8080)).toBe('open');
    expect(probe(otherNs, 'outsider', 'http', operatorPodIp, 8081)).toMatch(/^http /);
    await denied(otherNs, 'outsider', 'tcp', operatorPodIp, 9999);
    // Out: DNS and the API server's Service work, anything else is dropped.
    expect(probe(op.opNs, 'operator-impostor', 'dns', 'kubernetes.default.svc.cluster.local')).toBe(
      'resolved',
    );
    expect(probe(op.opNs, 'operator-impostor', 'tcp', 'kubernetes.default.svc.cluster.local', 443)).toBe(
      'open',
    );
    await denied(op.opNs, 'operator-impostor', 'tcp', hsPodIp, 8080);
    // The operator itself, under that policy, reconciles: the HelloService is Ready at its generation.
    const hs = get('hs', 'hello');
    expect(hs.status?.observedGeneration).toBe(hs.metadata.generation);
  });
});
