// Connection probes from inside the cluster, for NetworkPolicy tests: idle client pods of our
// workload image (Node, no shell) that a probe execs into. A connection a policy drops times out;
// one allowed to a port without a listener is refused at once: the two tell enforcement apart.
import { restrictedContainer } from '../cluster/kube.ts';
import { eventually, type Kubectl, must } from '../operator/operator-process.ts';
import { WORKLOAD_IMAGE } from './in-cluster-operator.ts';

// Long enough for two SYN retransmissions: a dropped connection always ends here, an answered one in
// milliseconds.
const PROBE_TIMEOUT_MS = 4000;

// argv: kind, host, port. Prints one word: what happened.
const PROBE = `
const [kind, host, port] = process.argv.slice(1);
const done = (r) => { console.log(r); process.exit(0); };
setTimeout(() => done('timeout'), ${PROBE_TIMEOUT_MS});
if (kind === 'dns') require('node:dns').promises.lookup(host).then(() => done('resolved'), (e) => done(e.code));
else if (kind === 'tcp') require('node:net').connect(Number(port), host).on('connect', () => done('open')).on('error', (e) => done(e.code));
else require('node:http').get({ host, port: Number(port), path: '/' }, (r) => done('http ' + r.statusCode)).on('error', (e) => done(e.code));
`;

/** http: `http <status>`; tcp: `open`; dns: `resolved`; else an error code or `timeout`. */
export type ProbeKind = 'http' | 'tcp' | 'dns';

/**
 * Creates a pod that only idles (not waited for). Never Ready (its readiness probe dials a port
 * nobody serves), so a Service that selects it, by carrying a workload's labels, sends it nothing.
 */
export function clientPod(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  nodeName?: string,
): void {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          ...restrictedContainer,
          name: 'client',
          image: WORKLOAD_IMAGE,
          command: ['/nodejs/bin/node', '-e', 'setInterval(() => {}, 1 << 30)'],
          readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 30 },
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
  must(kubectl, ['apply', '-f', '-'], JSON.stringify(pod));
}

export function waitRunning(kubectl: Kubectl, namespace: string, pod: string): void {
  must(kubectl, [
    '-n',
    namespace,
    'wait',
    '--for=jsonpath={.status.phase}=Running',
    `pod/${pod}`,
    '--timeout=120s',
  ]);
}

/** What a connection from `pod` to target:port (or a DNS lookup of target) comes to. */
export function probe(
  kubectl: Kubectl,
  namespace: string,
  pod: string,
  kind: ProbeKind,
  target: string,
  port = 0,
) {
  const args = [
    '-n',
    namespace,
    'exec',
    pod,
    '--',
    '/nodejs/bin/node',
    '-e',
    PROBE,
    kind,
    target,
    String(port),
  ];
  return must(kubectl, args).trim();
}

/**
 * A denial shows once the node's policy instance has the pod (its IP in the node's set): waits for
 * it, then it must hold.
 */
export async function expectDropped(
  kubectl: Kubectl,
  namespace: string,
  pod: string,
  kind: ProbeKind,
  target: string,
  port = 0,
): Promise<void> {
  const p = () => probe(kubectl, namespace, pod, kind, target, port);
  await eventually(`${namespace}/${pod} → ${kind} ${target}:${port} dropped`, () =>
    p() === 'timeout' ? true : undefined,
  );
  const again = p();
  if (again !== 'timeout')
    throw new Error(`${namespace}/${pod} → ${kind} ${target}:${port}: dropped, then ${again}`);
}
