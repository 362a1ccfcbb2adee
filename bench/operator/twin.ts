// The Go twin (bench/go/operator): built once per source into the cache, the rendered children it
// applies written for it, and started as a process of its own (so /proc gives its RSS and CPU alone).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { render } from '../../operator/render.ts';
import { repoRoot } from '../../test/cluster/paths.ts';
import type { Operator } from './operator.ts';

export const TWIN_DIR = join(repoRoot, 'bench', 'go', 'operator');

/** The twin's source files (go.mod, go.sum, *.go), relative to its folder, sorted. */
function sourceFiles(dir = TWIN_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)(go\.mod|go\.sum)$|\.go$/.test(f))
    .sort();
}

/** A hash of the sources (names and contents): a changed source is a new build, an unchanged one is cached. */
export function sourceKey(files: { path: string; content: string }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1)))
    h.update(`${f.path}\0${f.content}\0`);
  return h.digest('hex').slice(0, 12);
}

/**
 * The twin's binary: from the cache (~/.cache/hello-operator/twin-<source key>/twin) or built there
 * with `go build` (GOTOOLCHAIN=local, CGO_ENABLED=0; dependencies from the module proxy as go.sum
 * pins them), printing progress while it builds.
 */
export async function twinBinary(progress: (line: string) => void): Promise<string> {
  const cache = process.env.HELLO_CACHE_DIR ?? join(homedir(), '.cache', 'hello-operator');
  const key = sourceKey(
    sourceFiles().map((path) => ({ path, content: readFileSync(join(TWIN_DIR, path), 'utf8') })),
  );
  const dir = join(cache, `twin-${key}`);
  const binary = join(dir, 'twin');
  if (existsSync(binary)) {
    progress(`Go twin: cached (${relative(homedir(), binary)})`);
    return binary;
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const log = join(tmp, 'build.log');
  progress(
    `Go twin: building (go build, cold: a few minutes, most of it downloading and compiling client-go; log ${log})`,
  );
  const t0 = performance.now();
  const ticker = setInterval(
    () => progress(`Go twin: still building, ${((performance.now() - t0) / 1000).toFixed(0)} s`),
    15_000,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'nice',
        ['-n', '10', 'go', 'build', '-trimpath', '-ldflags', '-s -w', '-o', join(tmp, 'twin'), './cmd'],
        {
          cwd: TWIN_DIR,
          env: {
            ...process.env,
            GOTOOLCHAIN: 'local',
            CGO_ENABLED: '0',
            GOFLAGS: '-buildvcs=false -mod=readonly',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      const keep = (d: Buffer) => {
        out += d.toString();
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('exit', (code) => {
        writeFileSync(log, out);
        if (code === 0) resolve();
        else reject(new Error(`go build of the twin failed (${code}):\n${out.slice(-3000)}`));
      });
    });
  } finally {
    clearInterval(ticker);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  progress(`Go twin: built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return binary;
}

/** The name of a message's file, as the twin computes it (MessageKey in children.go). */
export function messageKey(message: string): string {
  return createHash('sha256').update(message).digest('hex').slice(0, 16);
}

type HelloServiceSpec = { metadata: { name: string; namespace: string }; spec: { message: string } };

/**
 * Writes the children `render` gives for each HelloService where the twin reads them:
 * <dir>/<namespace>/<name>/<messageKey>.json.
 */
export function writeRenderedChildren(dir: string, helloServices: readonly HelloServiceSpec[]): void {
  for (const hs of helloServices) {
    const result = render(`---\n${stringify(hs)}`);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const folder = join(dir, hs.metadata.namespace, hs.metadata.name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${messageKey(hs.spec.message)}.json`), JSON.stringify(result.children));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the twin on free loopback ports; it is up once its health server answers (waitReady). */
export async function startTwin(
  binary: string,
  kubeconfig: string,
  childrenDir: string,
  extraArgs: string[],
): Promise<Operator> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const healthAddress = `127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--children-dir=${childrenDir}`,
      `--metrics-bind-address=${metricsAddress}`,
      `--health-probe-bind-address=${healthAddress}`,
      ...extraArgs,
    ],
    {
      env: { PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig, ...goEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let lines = 0;
  const count = (d: Buffer) => {
    const text = d.toString();
    lines += text.split('\n').length - 1;
    if (process.env.BENCH_OPERATOR_LOGS) process.stderr.write(`[twin] ${text}`);
  };
  child.stdout?.on('data', count);
  child.stderr?.on('data', count);
  return {
    process: child,
    pid: child.pid ?? 0,
    metricsAddress,
    healthAddress,
    logLines: () => lines,
    memoryLimitBytes: undefined,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** GOMAXPROCS and GOGC as the caller sets them (e.g. BENCH_TWIN_ENV="GOGC=50"), else Go's defaults. */
function goEnv(): Record<string, string> {
  const pairs = (process.env.BENCH_TWIN_ENV ?? '').split(/\s+/).filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}
