// npm run bench:logging — what central logs (deploy/logging: vlagent → VictoriaLogs) cost on the
// local cluster, with lines shaped like the workload's request lines (about 190 bytes):
//   collector   vlagent's CPU and peak resident memory while a pod writes 1k, then 5k lines/s for
//               BENCH_SECONDS (20): CPU seconds per 1000 lines (= cores at 1k lines/s)
//   latency     write → queryable: a pod writes 10 lines/s for 30 s, the store is polled every 200 ms;
//               each line's latency is when a query first returned it minus the time in the line
//               (pod and bench share this machine's clock), p50 and p99
//   disk        the store's data directory after 1M lines (BENCH_LINES), per million lines
// Everything runs on the control-plane node, in namespaces of its own, removed at the end.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { eventually } from '../test/cluster/kube.ts';
import { realKubeconfigPath } from '../test/cluster/paths.ts';
import { runScript } from '../test/cluster/run-script.ts';
import { WORKLOAD_IMAGE } from '../test/e2e/in-cluster-operator.ts';
import { type LineWriter, writerPod } from '../test/logging/line-writer.ts';
import { logsCount, logsQuery } from '../test/logging/logsql.ts';
import {
  controlPlaneNode,
  kubectlFor,
  jsonpath as kubectlJsonpath,
  must,
  sleep,
} from '../test/operator/operator-process.ts';
import { align } from './report.ts';

const kubeconfig = process.env.HELLO_KUBECONFIG ?? realKubeconfigPath;
if (!existsSync(kubeconfig)) {
  process.stderr.write(`bench:logging: no cluster at ${kubeconfig}: run npm run cluster:up\n`);
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const diskLines = Number(process.env.BENCH_LINES ?? 1_000_000);
const progress = (line: string) => process.stdout.write(`[bench:logging] ${line}\n`);
const kubectl = kubectlFor(kubeconfig);
const suffix = randomBytes(3).toString('hex');
const logNs = `logs-vl-${suffix}`;
const ns = `logs-hs-${suffix}`;
const node = controlPlaneNode(kubectl);
const jsonpath = (namespace: string, args: string[], path: string) =>
  kubectlJsonpath(kubectl, namespace, args, path);

/** vlagent's own counters: CPU seconds so far and resident bytes now. */
async function agentStats(): Promise<{ cpu: number; rss: number }> {
  const ip = jsonpath(logNs, ['pod', '-l', 'app.kubernetes.io/name=vlagent'], '{.items[0].status.podIP}');
  const text = await (await fetch(`http://${ip}:9429/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { cpu: value('process_cpu_seconds_total'), rss: value('process_resident_memory_bytes') };
}

async function runWriter(store: string, w: LineWriter, timeoutMs: number) {
  must(kubectl, ['apply', '-n', ns, '-f', '-'], JSON.stringify(writerPod(w, WORKLOAD_IMAGE, node)));
  await eventually(
    `${w.name}: every line stored`,
    async () => (await logsCount(store, `run:=${w.run} _msg:=numbered`, 'seq')).distinct >= w.lines,
    timeoutMs,
    2000,
  );
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

const rows: string[][] = [['measure', 'value']];
try {
  progress(`installing deploy/logging in ${logNs} on ${node}`);
  await runScript('logging.sh', ['up', logNs, `^${ns}$`], {
    KUBECONFIG: kubeconfig,
    HELLO_LOGGING_NODE: node,
  });
  must(kubectl, ['create', 'namespace', ns]);
  const store = `http://${jsonpath(logNs, ['pod', 'victoria-logs-0'], '{.status.podIP}')}:9428`;

  for (const rate of [1000, 5000]) {
    const w: LineWriter = {
      name: `rate-${rate}`,
      run: `rate-${rate}-${suffix}`,
      lines: rate * seconds,
      perSecond: rate,
    };
    await sleep(5000); // the collector idle again
    const before = await agentStats();
    let peak = before.rss;
    const t0 = Date.now();
    const sampler = setInterval(() => {
      agentStats().then(
        (s) => (peak = Math.max(peak, s.rss)),
        () => {},
      );
    }, 1000);
    await runWriter(store, w, 300_000);
    clearInterval(sampler);
    const after = await agentStats();
    const cpuSeconds = after.cpu - before.cpu;
    const cores = cpuSeconds / ((Date.now() - t0) / 1000);
    // CPU seconds per 1000 lines is the cores it takes at 1k lines/s, whatever the run's pace.
    const per1k = (cpuSeconds / w.lines) * 1000;
    progress(
      `${rate} lines/s: ${cores.toFixed(3)} cores over the run, peak ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );
    rows.push([`collector CPU at ${rate} lines/s: cores per 1k lines/s`, per1k.toFixed(4)]);
    rows.push([`collector peak RSS at ${rate} lines/s (MiB)`, (peak / 2 ** 20).toFixed(0)]);
  }

  progress('latency: 10 lines/s for 30 s, polling every 200 ms');
  const lw: LineWriter = { name: 'latency', run: `latency-${suffix}`, lines: 300, perSecond: 10 };
  must(kubectl, ['apply', '-n', ns, '-f', '-'], JSON.stringify(writerPod(lw, WORKLOAD_IMAGE, node)));
  const seen = new Map<string, number>();
  const written = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (seen.size < lw.lines && Date.now() < deadline) {
    const lines = await logsQuery(store, `run:=${lw.run} _msg:=numbered | fields seq, _time`);
    const now = Date.now();
    for (const l of lines) {
      if (l.seq && !seen.has(l.seq)) {
        seen.set(l.seq, now);
        written.set(l.seq, Date.parse(String(l._time)));
      }
    }
    await sleep(200);
  }
  const latencies = [...seen].map(([seq, at]) => at - (written.get(seq) ?? at));
  rows.push(['write → queryable p50 (ms)', quantile(latencies, 0.5).toFixed(0)]);
  rows.push(['write → queryable p99 (ms)', quantile(latencies, 0.99).toFixed(0)]);
  rows.push(['lines measured for latency', `${latencies.length} of ${lw.lines}`]);

  progress(`disk: ${diskLines} lines at 10k lines/s`);
  const dir = `/var/lib/hello-logging/${logNs}/store`;
  const du = () => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  const diskBefore = du();
  const dw: LineWriter = { name: 'disk', run: `disk-${suffix}`, lines: diskLines, perSecond: 10_000 };
  await runWriter(store, dw, 900_000);
  await sleep(10_000); // in-memory parts flushed to disk
  const bytes = du() - diskBefore;
  rows.push(['store disk bytes per million lines (MB)', (((bytes / diskLines) * 1e6) / 1e6).toFixed(1)]);
  rows.push(['store disk bytes per line', (bytes / diskLines).toFixed(1)]);
} finally {
  kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  await runScript('logging.sh', ['down', logNs], { KUBECONFIG: kubeconfig }).catch(() => {});
}
process.stdout.write(`\n${align(rows)}\n`);
