// npm run bench:workload — the Node workload against a minimal Go net/http server, same text,
// same load, same pinning: each server on CPU 0, the load generator on CPU 1. Loopback only,
// bounded in time. Settings (env): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3),
// BENCH_CONNECTIONS (32), BENCH_ROUNDS (2; rounds alternate the servers to spread noise).
// The workload runs as the esbuild bundle an image runs, not from the .ts sources (type
// stripping alone adds ~30 MiB of RSS).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleWorkload, NODE_FLAGS } from '../workload/bundle.ts';
import { floorNote, formatTable, type Measurement, ratioRows } from './report.ts';

const seconds = positive('BENCH_SECONDS', 10);
const warmup = positive('BENCH_WARMUP_SECONDS', 3);
const connections = positive('BENCH_CONNECTIONS', 32);
const rounds = positive('BENCH_ROUNDS', 2);
const message = 'Hello, world!\n';

const root = fileURLToPath(new URL('..', import.meta.url));
const goDir = join(root, 'bench', 'go');
const bin = mkdtempSync(join(tmpdir(), 'hello-bench-'));

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

function progress(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

// Two cores or more: server and load generator each get their own. One core: both share it
// (the numbers then say little, and the table says so).
const cpus = availableParallelism();
const serverCpu = '0';
const loadCpu = cpus >= 2 ? '1' : '0';

interface Server {
  proc: ChildProcess;
  port: number;
}

/** Starts a server pinned to the server CPU; resolves with its port once it accepts requests. */
function startServer(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  portFrom: (line: string) => number | undefined,
): Promise<Server> {
  const proc = spawn('taskset', ['-c', serverCpu, cmd, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.on('exit', (code) => reject(new Error(`${cmd} exited early with code ${code}`)));
    proc.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const port = portFrom(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (port !== undefined) resolve({ proc, port });
      }
    });
  });
}

interface LoadResult {
  requests: number;
  errors: number;
  non200: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

function load(port: number, durationSeconds: number): LoadResult {
  const out = execFileSync(
    'taskset',
    [
      '-c',
      loadCpu,
      join(bin, 'loadgen'),
      '-addr',
      `127.0.0.1:${port}`,
      '-c',
      String(connections),
      '-d',
      `${durationSeconds}s`,
      '-expect',
      message,
    ],
    { env: { ...process.env, GOMAXPROCS: '1' }, encoding: 'utf8', timeout: (durationSeconds + 30) * 1000 },
  );
  return JSON.parse(out) as LoadResult;
}

/** CPU time (user + system, all threads) the process has used so far, in seconds. */
function cpuSeconds(pid: number): number {
  // /proc/PID/stat: fields after the ")" that ends the command name; utime and stime are the
  // 14th and 15th fields, in clock ticks (USER_HZ, 100 on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size in MiB, from the kernel's high-water mark for the process. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function stop(s: Server): Promise<void> {
  s.proc.removeAllListeners('exit');
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

async function measure(name: string, start: () => Promise<Server>): Promise<Measurement> {
  progress(`${name}: starting, pinned to CPU ${serverCpu}`);
  const server = await start();
  try {
    progress(`${name}: warming up for ${warmup} s`);
    load(server.port, warmup);
    progress(
      `${name}: ${seconds} s under load from ${connections} connections (load generator on CPU ${loadCpu})`,
    );
    const pid = server.proc.pid ?? 0;
    const cpuBefore = cpuSeconds(pid);
    const r = load(server.port, seconds);
    const cpuUsed = cpuSeconds(pid) - cpuBefore;
    const rss = peakRssMiB(pid);
    if (r.errors > 0 || r.non200 > 0) {
      throw new Error(
        `${name}: ${r.errors} errors, ${r.non200} wrong answers (first: ${r.firstError ?? 'n/a'})`,
      );
    }
    const perCpuSecond = r.requests / cpuUsed;
    progress(
      `${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, ` +
        `${Math.round(perCpuSecond)} req per CPU-second, peak RSS ${rss.toFixed(1)} MiB`,
    );
    return {
      name,
      rps: r.rps,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      perCpuSecond,
      peakRssMiB: rss,
      requests: r.requests,
    };
  } finally {
    await stop(server);
  }
}

const startNode = () =>
  startServer(
    process.execPath,
    [...NODE_FLAGS, join(bin, 'workload.mjs')],
    // The default configuration, as a pod runs it, except for a quick exit after the run.
    { PORT: '0', TMPDIR: tmpdir(), SHUTDOWN_DRAIN_SECONDS: '0', SHUTDOWN_TIMEOUT_SECONDS: '5' },
    (line) => {
      const l = JSON.parse(line) as { msg?: string; port?: number };
      return l.msg?.startsWith('listening') ? l.port : undefined;
    },
  );
// The floor runs with the workload's Node flags too, so that the two differ only in our code: with
// V8's defaults (a young generation of up to 16 MB instead of 2) its peak RSS was ~4 MiB higher.
const startFloor = () =>
  startServer(
    process.execPath,
    [...NODE_FLAGS, join(bin, 'node-floor.mjs')],
    { PORT: '0' },
    (line) => (JSON.parse(line) as { port?: number }).port,
  );
const startGo = () =>
  startServer(
    join(bin, 'server'),
    [],
    { PORT: '0', GOMAXPROCS: '1' },
    (line) => (JSON.parse(line) as { port?: number }).port,
  );

try {
  progress(`building the Go server and load generator (go build, ${goDir})`);
  execFileSync('go', ['build', '-o', `${bin}/`, './...'], { cwd: goDir, stdio: 'inherit' });
  progress('bundling the workload with esbuild, as its image does');
  await bundleWorkload(join(bin, 'workload.mjs'), 'bench');
  await build({
    entryPoints: [join(root, 'bench', 'node-floor-server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(bin, 'node-floor.mjs'),
    logLevel: 'warning',
  });
  const results: Measurement[] = [];
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) progress(`round ${round} of ${rounds}`);
    // Alternate the order so that neither server always runs on a warmer or quieter machine.
    const servers: [string, () => Promise<Server>][] = [
      ['node workload', startNode],
      ['node:http floor', startFloor],
      ['go net/http', startGo],
    ];
    if (round % 2 === 0) servers.reverse();
    for (const [name, start] of servers) results.push(await measure(name, start));
  }
  process.stdout.write(
    `\n${formatTable(results, ratioRows(results, 'node workload', 'go net/http'))}\n\n` +
      `${floorNote(results, 'node workload', 'node:http floor', 'go net/http')}\n` +
      `${connections} connections, ${seconds} s per run after ${warmup} s warm-up, ` +
      `server on CPU ${serverCpu}, load generator on CPU ${loadCpu}` +
      `${cpus < 2 ? ' (only one CPU: server and load generator share it)' : ''}, load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}.\n`,
  );
} finally {
  rmSync(bin, { recursive: true, force: true });
}
