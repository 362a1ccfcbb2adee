// The operator as the benchmark runs it: the esbuild bundle an image runs, with the image's Node
// flags and, where a memory cgroup can be made, the Deployment's memory limit (container.ts), as a
// child process of its own (so /proc gives its RSS and CPU alone), leader election off, metrics and
// probes on free loopback ports. BENCH_CPU_PROF=<dir> adds --cpu-prof (the profile is written on
// SIGTERM's exit); BENCH_NODE_ARGS replaces the image's Node flags; BENCH_MEMORY_LIMIT=none runs
// it unconstrained.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  deploymentMemoryLimit,
  entrypointNodeArgs,
  inCgroup,
  type MemoryCgroup,
  memoryCgroup,
  readRepoFile,
} from './container.ts';

export type Operator = {
  process: ChildProcess;
  pid: number;
  metricsAddress: string;
  healthAddress: string;
  logLines: () => number;
  /** The memory limit it runs under, in bytes (undefined: none). */
  memoryLimitBytes: number | undefined;
  stop(): Promise<number | null>;
};

function limitedMemory(): MemoryCgroup | undefined {
  if (process.env.BENCH_MEMORY_LIMIT === 'none') return undefined;
  const limit = deploymentMemoryLimit(readRepoFile('deploy/manager/deployment.yaml'));
  return memoryCgroup(`hello-bench-operator-${process.pid}`, limit);
}

export async function startOperator(
  bundle: string,
  kubeconfig: string,
  extraArgs: string[],
): Promise<Operator> {
  const prof = process.env.BENCH_CPU_PROF;
  const nodeArgs =
    process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ??
    entrypointNodeArgs(readRepoFile('Dockerfile.operator'));
  const cgroup = limitedMemory();
  const [command, ...args] = inCgroup(cgroup, [
    process.execPath,
    ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
    ...nodeArgs,
    bundle,
    'run',
    `--kubeconfig=${kubeconfig}`,
    '--metrics-bind-address=127.0.0.1:0',
    // Scraped over plain HTTP, as a local run (the reviews of a secure scrape are not what it measures).
    '--metrics-secure=false',
    '--health-probe-bind-address=127.0.0.1:0',
    '--leader-elect=false',
    ...extraArgs,
  ]);
  const child = spawn(command as string, args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => cgroup?.remove());
  let lines = 0;
  let buffered = '';
  const tail: string[] = [];
  const addresses: Record<string, string> = {};
  const up = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines++;
        if (process.env.BENCH_OPERATOR_LOGS) process.stderr.write(`[operator] ${line}\n`);
        if (line.includes('"level":50') || line.includes('"level":60')) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
        if (addresses.metrics && addresses.health) continue;
        try {
          const e = JSON.parse(line) as { server?: string; address?: string };
          if (e.server && e.address) addresses[e.server] = e.address;
        } catch {}
        if (addresses.metrics && addresses.health) resolve();
      }
    });
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => process.stderr.write(`[operator stderr] ${chunk}`));
    child.on('exit', (code) => reject(new Error(`operator exited with ${code}:\n${tail.join('\n')}`)));
  });
  await up;
  return {
    process: child,
    pid: child.pid ?? 0,
    metricsAddress: addresses.metrics ?? '',
    healthAddress: addresses.health ?? '',
    logLines: () => lines,
    memoryLimitBytes: cgroup?.limitBytes,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export async function waitReady(healthAddress: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`http://${healthAddress}/readyz`);
      if (r.status === 200) return;
    } catch {}
    if (Date.now() > end) throw new Error('the operator did not get ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}
