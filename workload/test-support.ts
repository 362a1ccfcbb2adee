// Runs the real workload as a child process for tests: same entry point, same Node and flags as the
// image, a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { NODE_FLAGS } from './bundle.ts';

export const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningWorkload {
  url: string;
  proc: ChildProcess;
  tmpDir: string;
  logs: LogLine[];
  exited: Promise<Exit>;
  /** Resolves with the first log line that matches, however late it comes. */
  waitForLog(msg: string): Promise<LogLine>;
  stop(): Promise<Exit>;
}

/** A fresh TMPDIR per process, so tests can look at what the workload leaves there. */
export function freshTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hello-workload-test-'));
  created.push(dir);
  return dir;
}

const created: string[] = [];
const started: ChildProcess[] = [];
// Registered from the importing test file's top level, so it runs after all of its tests. A test
// that failed or timed out before stopping its workload must not leave it running.
afterAll(() => {
  for (const proc of started.splice(0)) if (proc.exitCode === null) proc.kill('SIGKILL');
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The user tests run the workload as when they need one without privileges, as in a pod. */
export const UNPRIVILEGED_ID = 65534;

export interface SpawnOptions {
  /** Run as UNPRIVILEGED_ID when the tests run as root (they already are unprivileged otherwise). */
  unprivileged?: boolean;
}

function spawnWorkload(env: Record<string, string>, options: SpawnOptions = {}): ChildProcess {
  const dropRoot = options.unprivileged === true && process.getuid?.() === 0;
  const proc = spawn(process.execPath, [...NODE_FLAGS, MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', TMPDIR: freshTmpDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(dropRoot ? { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } : {}),
  });
  started.push(proc);
  return proc;
}

/** Starts the workload and resolves once it logs `ready`. */
export async function startWorkload(env: Record<string, string> = {}): Promise<RunningWorkload> {
  const tmpDir = env.TMPDIR ?? freshTmpDir();
  const proc = spawnWorkload({ ...env, TMPDIR: tmpDir });
  const logs: LogLine[] = [];
  const waiters: { msg: string; resolve: (l: LogLine) => void }[] = [];
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let buffered = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, nl)) as LogLine;
      buffered = buffered.slice(nl + 1);
      logs.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
    }
  });
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const waitForLog = (msg: string) =>
    new Promise<LogLine>((resolve) => {
      const seen = logs.find((l) => l.msg === msg);
      if (seen) resolve(seen);
      else waiters.push({ msg, resolve });
    });
  await Promise.race([
    waitForLog('ready'),
    exited.then((e) => {
      throw new Error(`workload exited before ready (${JSON.stringify(e)}): ${stderr}`);
    }),
  ]);
  const listening = await waitForLog('listening; not ready until start-up is done');
  return {
    url: `http://127.0.0.1:${listening.port}`,
    proc,
    tmpDir,
    logs,
    exited,
    waitForLog,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs the workload expecting it to stop by itself (e.g. on bad config); returns its output. */
export function runUntilExit(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = spawnWorkload(env, options);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // A workload that unexpectedly keeps running must not outlive the test.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  return new Promise((resolve) =>
    proc.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

export interface ProbeResult {
  path: string;
  /** The status code, 'timeout' when no answer came within the timeout, else the error code. */
  status: number | string;
  ms: number;
}

/**
 * Asks as the kubelet does: a new connection for every probe (its HTTP prober keeps none alive),
 * so that the time includes being accepted, and a timeout like the probe's timeoutSeconds.
 */
export function probe(url: string, path: string, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  const result = (status: number | string) => ({ path, status, ms: performance.now() - start });
  return new Promise((resolve) => {
    const req = get(`${url}${path}`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(result(res.statusCode ?? 0)));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(result('timeout'));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(result(err.code ?? err.message)));
  });
}
