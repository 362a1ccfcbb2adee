// Central logs for real, on the real node: deploy/logging (VictoriaLogs and the vlagent DaemonSet,
// built from Go modules and installed by test/cluster/logging.sh) collects the lines of this test's
// namespaces, and LogsQL finds them with their Kubernetes fields and our JSON fields parsed.
//
// The store, the collector, the operator and every pod written here run on one node (the control
// plane's): other tests add and kill nodes in the same cluster. The collector reads only this run's
// namespaces (logs-op-<suffix>, logs-hs-<suffix>). Loss and duplication are checked by counting
// numbered lines (test/logging/line-writer.ts): every `seq` there, and no line twice except after a
// crash of the collector (at least once, then).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runScript } from './cluster/run-script.ts';
import { type InClusterOperator, installInCluster, WORKLOAD_IMAGE } from './e2e/in-cluster-operator.ts';
import { dashboardLogsQueries } from './logging/files.ts';
import { type LineWriter, writerPod } from './logging/line-writer.ts';
import { exact, HELLOSERVICE_FIELD, logsCount, logsQuery } from './logging/logsql.ts';
import {
  applyHelloService,
  controlPlaneNode,
  eventually,
  getObject,
  type Kubectl,
  kubectlFor,
  jsonpath as kubectlJsonpath,
  must,
  sleep,
} from './operator/operator-process.ts';

const suffix = randomBytes(3).toString('hex');

/** Ids of the processes on this machine whose command line holds every fragment. */
function processIds(fragments: string[]): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return fragments.every((f) => cmdline.includes(f));
      } catch {
        return false; // gone meanwhile
      }
    });
}
const logNs = `logs-vl-${suffix}`;

describe('central logs on a real cluster', () => {
  const adminPath = inject('kubeconfig');
  const kubectl: Kubectl = kubectlFor(adminPath);
  let operator: InClusterOperator | undefined;
  let node = '';
  let store = '';

  const ns = () => {
    if (!operator) throw new Error('the operator was not installed');
    return operator.ns;
  };
  const jsonpath = (namespace: string, args: string[], path: string) =>
    kubectlJsonpath(kubectl, namespace, args, path);
  /** The store's address: its pod's IP, which changes when the pod is replaced. */
  const storeAddress = () => `http://${jsonpath(logNs, ['pod', 'victoria-logs-0'], '{.status.podIP}')}:9428`;
  const ready = (name: string) =>
    eventually(`${name} Ready`, () => {
      const hs = getObject(kubectl, 'hs', name, ns());
      const conditions = (hs?.status?.conditions ?? []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    });
  const startWriter = (w: LineWriter) =>
    must(kubectl, ['apply', '-n', ns(), '-f', '-'], JSON.stringify(writerPod(w, WORKLOAD_IMAGE, node)));
  const writerQuery = (w: LineWriter) => `kubernetes.pod_namespace:=${ns()} run:=${w.run} _msg:=numbered`;
  /** Waits until every numbered line of the writer is in the store; returns the final count. */
  const allArrived = async (w: LineWriter, timeoutMs: number) => {
    await eventually(
      `${w.lines} distinct lines of ${w.name}`,
      async () => {
        const c = await logsCount(store, writerQuery(w), 'seq');
        if (c.distinct >= w.lines) return c;
        throw new Error(`${c.distinct} distinct, ${c.lines} lines so far`);
      },
      timeoutMs,
      2000,
    );
    // Late duplicates (a line sent twice around a restart) would arrive by now: the collector
    // sends within a second of reading.
    await sleep(3000);
    return logsCount(store, writerQuery(w), 'seq');
  };
  const writerDone = (w: LineWriter) =>
    eventually(`${w.name} wrote its last line and exited`, () => {
      const phase = jsonpath(ns(), ['pod', w.name], '{.status.phase}');
      if (phase === 'Failed') {
        // How it ended (an OOM kill, an exit code) and its last words: a failed writer is rare
        // (once in CI) and its pod is gone with the namespace when the run ends.
        const ended = jsonpath(ns(), ['pod', w.name], '{.status.containerStatuses[0].state.terminated}');
        let tail: string;
        try {
          tail = must(kubectl, ['-n', ns(), 'logs', w.name, '--tail=3']).slice(-600);
        } catch (err) {
          tail = `(none: ${String(err).slice(0, 200)})`; // the failure itself must still be reported
        }
        throw new Error(`${w.name} failed: ${ended}; its last lines: ${tail}`);
      }
      return phase === 'Succeeded';
    });
  const vlagentPod = () =>
    jsonpath(logNs, ['pod', '-l', 'app.kubernetes.io/name=vlagent'], '{.items[0].metadata.name}');

  beforeAll(async () => {
    node = controlPlaneNode(kubectl);
    await runScript('logging.sh', ['up', logNs, `^logs-(op|hs)-${suffix}$`], {
      KUBECONFIG: adminPath,
      HELLO_LOGGING_NODE: node,
    });
    store = storeAddress();
    operator = installInCluster(kubectl, 'logs', suffix, {
      replicas: 1,
      nodeSelector: { 'kubernetes.io/hostname': node },
      // Every reconcile's lines, not only the ones that changed something.
      logLevel: 'debug',
    });
  }, 300_000);

  afterAll(async () => {
    operator?.uninstall();
    await runScript('logging.sh', ['down', logNs], { KUBECONFIG: adminPath }).catch((err) =>
      process.stderr.write(`logging.sh down: ${String(err)}\n`),
    );
  }, 180_000);

  it('a HelloService with logLevel debug serves a request: its line is found by the HelloService name, fields parsed, and by the dashboard', async () => {
    applyHelloService(kubectl, ns(), 'web', {
      message: 'hello from web',
      replicas: 1,
      logLevel: 'debug',
      nodeSelector: { 'kubernetes.io/hostname': node },
    });
    await ready('web');
    const pod = jsonpath(ns(), ['pod', '-l', 'app.kubernetes.io/instance=web'], '{.items[0].metadata.name}');
    const ip = jsonpath(ns(), ['pod', pod], '{.status.podIP}');
    const probe = randomBytes(4).toString('hex');
    const res = await fetch(`http://${ip}:8080/?probe=${probe}`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);

    // The issue's bound: queryable within 30 s of the request.
    const query = `${exact(HELLOSERVICE_FIELD, 'web')} kubernetes.pod_namespace:=${ns()} url:=${JSON.stringify(`/?probe=${probe}`)}`;
    const line = await eventually('the request line', async () => (await logsQuery(store, query))[0], 30_000);
    expect(line).toMatchObject({
      _msg: 'request',
      level: 'debug',
      method: 'GET',
      route: '/',
      status: '200',
      'kubernetes.pod_namespace': ns(),
      'kubernetes.pod_name': pod,
      'kubernetes.container_name': 'hello',
      'kubernetes.pod_node_name': node,
      [HELLOSERVICE_FIELD]: 'web',
    });
    expect(Number(line.ms)).toBeGreaterThanOrEqual(0);

    // Every query of the logs dashboard runs in the store, and its panels for web find web's lines.
    const answers = await Promise.all(
      dashboardLogsQueries(ns(), 'web').map(async (q) => ({ ...q, lines: await logsQuery(store, q.expr) })),
    );
    expect(Object.fromEntries(answers.map((a) => [a.panel, a.lines.length > 0]))).toMatchObject({
      'Lines by level': true,
      'Requests (logLevel: debug)': true,
      'What the operator did': true,
      'All lines': true,
    });
  });

  it('finds every line of one reconcile by its reconcileID, and an operator error by its level', async () => {
    if (!operator) throw new Error('the operator was not installed');
    applyHelloService(kubectl, ns(), 'audited', { message: 'hello from audited', replicas: 1 });
    // The reconcile that created its Deployment: its id, from the store.
    const operatorLines = `"kubernetes.pod_labels.app.kubernetes.io/name":="hello-operator" kubernetes.pod_namespace:=${operator.opNs}`;
    const created = await eventually(
      'the operator line creating the Deployment of audited',
      async () =>
        (
          await logsQuery(
            store,
            `${operatorLines} namespace:=${ns()} name:=audited _msg:=created kinds:Deployment`,
          )
        )[0],
      30_000,
    );
    const id = created.reconcileID;
    expect(id).toMatch(/.+/);
    // Every line of that reconcile the operator wrote (kubectl logs reads the same file) is stored.
    const pod = operator.pods()[0]?.metadata.name ?? '';
    const written = must(kubectl, ['-n', operator.opNs, 'logs', pod])
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.reconcileID === id);
    // At debug (the operator runs so here): `created` and `reconciled` at least.
    expect(written.map((l) => l.msg)).toEqual(expect.arrayContaining(['created', 'reconciled']));
    // The reconcile's later lines may come in the collector's next batch (it sends about once a
    // second), after the `created` line was found: wait for as many as were written (the 30 s
    // bound above), then compare them exactly.
    const stored = await eventually(
      `the ${written.length} lines of reconcile ${id}`,
      async () => {
        const lines = await logsQuery(store, `reconcileID:=${JSON.stringify(id)}`);
        return lines.length >= written.length ? lines : undefined;
      },
      30_000,
    );
    const at = (time: unknown) => new Date(String(time)).toISOString();
    expect(stored.map((l) => `${at(l._time)} ${l._msg}`).sort()).toEqual(
      written.map((l) => `${at(l.time)} ${l.msg}`).sort(),
    );
    expect(new Set(stored.map((l) => `${l.namespace}/${l.name}`))).toEqual(new Set([`${ns()}/audited`]));

    // An operator error: an IngressClass that does not exist fails the reconcile, logged at error.
    applyHelloService(kubectl, ns(), 'no-class', {
      message: 'never served',
      replicas: 1,
      ingress: { host: 'no-class.example.com', className: `missing-${suffix}` },
    });
    const [error] = await eventually(
      'the operator error line',
      async () => {
        const lines = await logsQuery(store, `${operatorLines} level:=error name:=no-class`);
        return lines.length ? lines : undefined;
      },
      60_000,
    );
    expect(error).toMatchObject({
      _msg: 'reconcile failed',
      level: 'error',
      namespace: ns(),
      name: 'no-class',
      reason: 'IngressClassNotFound',
      'err.type': 'ReconcileError',
    });
    expect(error?.reconcileID).toMatch(/.+/);
    expect(error?.['err.message']).toContain(`missing-${suffix}`);
  });

  it('a pod deleted right after writing: its last lines are there', async () => {
    const w: LineWriter = { name: 'short-lived', run: `short-${suffix}`, lines: 500, perSecond: 1000 };
    startWriter(w);
    await writerDone(w);
    must(kubectl, ['-n', ns(), 'delete', 'pod', w.name, '--grace-period=0', '--force', '--wait=true']);
    const count = await allArrived(w, 60_000);
    expect(count).toEqual({ lines: w.lines, distinct: w.lines });
    const last = await logsQuery(store, `${writerQuery(w)} seq:=${w.lines}`);
    expect(last).toHaveLength(1);
  });

  it('the collector stopped mid-stream (its pod deleted): every numbered line arrives exactly once', async () => {
    const w: LineWriter = { name: 'steady', run: `steady-${suffix}`, lines: 3000, perSecond: 100 };
    startWriter(w);
    await eventually(
      'the first lines stored',
      async () => (await logsCount(store, writerQuery(w), 'seq')).lines > 300 || undefined,
      60_000,
    );
    const before = vlagentPod();
    // SIGTERM, as a rollout or an eviction sends; its checkpoints are on the node's disk.
    must(kubectl, ['-n', logNs, 'delete', 'pod', before, '--wait=true']);
    await eventually(
      'a new vlagent Ready',
      () => {
        const name = vlagentPod();
        return (
          name !== before && jsonpath(logNs, ['pod', name], '{.status.containerStatuses[0].ready}') === 'true'
        );
      },
      120_000,
    );
    await writerDone(w);
    const count = await allArrived(w, 120_000);
    expect(count).toEqual({ lines: w.lines, distinct: w.lines });
  });

  // A crash, not a stop: vlagent writes its checkpoints once a minute (and when it stops), so after a
  // SIGKILL it reads again from the last one. Nothing is lost; up to a minute of lines comes twice.
  it.skipIf(Boolean(process.env.HELLO_KUBECONFIG))(
    'the collector killed with SIGKILL mid-stream: no line lost, at most a minute of lines twice',
    async () => {
      const w: LineWriter = { name: 'crash', run: `crash-${suffix}`, lines: 3000, perSecond: 100 };
      startWriter(w);
      await eventually(
        'the first lines stored',
        async () => (await logsCount(store, writerQuery(w), 'seq')).lines > 300 || undefined,
        60_000,
      );
      const agent = vlagentPod();
      const restarts = () =>
        Number(jsonpath(logNs, ['pod', agent], '{.status.containerStatuses[0].restartCount}'));
      const before = restarts();
      // This run's vlagent process on this machine: the only one whose filter names this run.
      const [pid, ...others] = processIds(['vlagent', `logs-(op|hs)-${suffix}`]);
      expect(others).toEqual([]);
      process.kill(Number(pid), 'SIGKILL');
      await eventually('vlagent restarted', () => restarts() > before, 120_000);
      await writerDone(w);
      const count = await allArrived(w, 120_000);
      expect(count.distinct).toBe(w.lines);
      expect(count.lines - w.lines).toBeLessThanOrEqual(60 * w.perSecond);
      process.stderr.write(
        `[logging] after SIGKILL: ${count.lines - w.lines} of ${w.lines} lines stored twice\n`,
      );
    },
  );

  it('the store down for 30 s while lines are written: none is missing after it returns', async () => {
    const w: LineWriter = { name: 'outage', run: `outage-${suffix}`, lines: 2400, perSecond: 40 };
    startWriter(w);
    await eventually(
      'the first lines stored',
      async () => (await logsCount(store, writerQuery(w), 'seq')).lines > 100 || undefined,
      60_000,
    );
    must(kubectl, ['-n', logNs, 'scale', 'statefulset', 'victoria-logs', '--replicas=0']);
    must(kubectl, ['-n', logNs, 'wait', '--for=delete', 'pod/victoria-logs-0', '--timeout=120s']);
    const outageStart = Date.now();
    await sleep(30_000);
    const writtenDuringOutage = jsonpath(ns(), ['pod', w.name], '{.status.phase}');
    must(kubectl, ['-n', logNs, 'scale', 'statefulset', 'victoria-logs', '--replicas=1']);
    must(kubectl, ['-n', logNs, 'rollout', 'status', 'statefulset/victoria-logs', '--timeout=180s']);
    store = storeAddress();
    expect(Date.now() - outageStart).toBeGreaterThanOrEqual(30_000);
    // Lines were written while the store was away (the writer, 60 s long, was still going).
    expect(writtenDuringOutage).toBe('Running');
    await writerDone(w);
    const count = await allArrived(w, 180_000);
    expect(count).toEqual({ lines: w.lines, distinct: w.lines });
  });

  it('a burst of 100 000 lines (10 000/s for 10 s): all counted, the collector within its memory limit', async () => {
    const w: LineWriter = {
      name: 'burst',
      run: `burst-${suffix}`,
      lines: 100_000,
      perSecond: 10_000,
      lineBytes: 200,
    };
    const agent = vlagentPod();
    const restartsBefore = Number(
      jsonpath(logNs, ['pod', agent], '{.status.containerStatuses[0].restartCount}'),
    );
    startWriter(w);
    await writerDone(w);
    const count = await allArrived(w, 240_000);
    expect(count).toEqual({ lines: w.lines, distinct: w.lines });
    // Its peak resident memory, from its own metrics, and no restart (an OOM kill would be one).
    const ip = jsonpath(logNs, ['pod', agent], '{.status.podIP}');
    const metrics = await (await fetch(`http://${ip}:9429/metrics`)).text();
    const peak = Number(/^process_resident_memory_peak_bytes (\S+)$/m.exec(metrics)?.[1]);
    const limit = jsonpath(
      logNs,
      ['daemonset', 'vlagent'],
      '{.spec.template.spec.containers[0].resources.limits.memory}',
    );
    expect(limit).toBe('256Mi');
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(256 * 2 ** 20);
    expect(Number(jsonpath(logNs, ['pod', agent], '{.status.containerStatuses[0].restartCount}'))).toBe(
      restartsBefore,
    );
  });
});
