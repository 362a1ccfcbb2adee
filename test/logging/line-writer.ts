// A pod that writes numbered JSON lines to stdout at a steady rate, then one `done` line, and exits
// (the pod Succeeded: its last line is written, whatever the kubelet's log rotation did with the
// file): the logging tests count what reaches the store. It runs the workload image's node, so it needs no
// image of its own, and passes Pod Security "restricted".

export type LineWriter = {
  name: string;
  /** Marks every line, so that a query finds this writer's lines only. */
  run: string;
  lines: number;
  perSecond: number;
  /** Filler to make each line this many bytes long at least (a realistic log line, not a number). */
  lineBytes?: number;
};

/** The Node program: lines go out in batches every 100 ms, one write per batch. */
export function writerScript(): string {
  return `
const [run, total, perSecond, lineBytes] = [process.env.RUN, +process.env.LINES, +process.env.PER_SECOND, +process.env.LINE_BYTES];
const hostname = require('node:os').hostname();
let seq = 0;
// Shaped like the workload's request lines (the fields that vary, vary), padded to lineBytes.
const line = (time) => {
  const l = { level: 'info', time, pid: process.pid, hostname, msg: 'numbered', run, seq, method: 'GET',
    url: '/items/' + (seq % 997), route: '/items/{id}', status: seq % 50 ? 200 : 404, ms: +(Math.random() * 5).toFixed(3) };
  const text = JSON.stringify(l);
  return text.length >= lineBytes ? text : JSON.stringify({ ...l, pad: 'x'.repeat(lineBytes - text.length - 9) });
};
const timer = setInterval(() => {
  let out = '';
  const time = new Date().toISOString();
  for (let k = 0; k < perSecond / 10 && seq < total; k++) {
    seq++;
    out += line(time) + '\\n';
  }
  if (seq >= total) {
    clearInterval(timer);
    out += JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'done', run, seq }) + '\\n';
  }
  process.stdout.write(out);
}, 100);
process.on('SIGTERM', () => process.exit(0));
`;
}

/** The Pod manifest, pinned to a node (the one the collector under test runs on). */
export function writerPod(w: LineWriter, image: string, node: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: w.name,
      labels: { 'app.kubernetes.io/name': 'line-writer', 'hello-operator.test/run': w.run },
    },
    spec: {
      nodeSelector: { 'kubernetes.io/hostname': node },
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'writer',
          image,
          imagePullPolicy: 'Never',
          command: ['/nodejs/bin/node', '-e', writerScript()],
          env: [
            { name: 'RUN', value: w.run },
            { name: 'LINES', value: String(w.lines) },
            { name: 'PER_SECOND', value: String(w.perSecond) },
            { name: 'LINE_BYTES', value: String(w.lineBytes ?? 0) },
          ],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}
