// The operator's start-up as a user meets it: a real process whose configuration cannot work must
// stop with one line on stderr naming the flag, never a stack trace, before it talks to a cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'operator-start-'));
const kubeconfig = join(dir, 'kubeconfig');
// Nothing listens there: these runs must fail before they would connect.
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
);

function runOperator(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ['operator/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  proc.stdout.resume();
  // An operator that unexpectedly starts must not outlive the test.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  return new Promise<{ code: number | null; stderrLines: string[] }>((resolve) =>
    proc.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stderrLines: stderr.split('\n').filter((l) => l !== '') });
    }),
  );
}

const base = [`--kubeconfig=${kubeconfig}`, '--leader-elect=false'];

describe('operator start-up failures', () => {
  it('names --metrics-bind-address when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const run = await runOperator([
        ...base,
        `--metrics-bind-address=127.0.0.1:${port}`,
        '--health-probe-bind-address=127.0.0.1:0',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderrLines).toEqual([
        'hello-operator: invalid configuration:',
        expect.stringMatching(
          new RegExp(`--metrics-bind-address="127.0.0.1:${port}": cannot listen: .*address already in use`),
        ),
      ]);
    } finally {
      blocker.close();
    }
  });

  it('names --health-probe-bind-address when its address is not on this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
    const run = await runOperator([
      ...base,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=192.0.2.1:0',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderrLines).toEqual([
      'hello-operator: invalid configuration:',
      expect.stringMatching(/--health-probe-bind-address="192.0.2.1:0": cannot listen: .*not available/),
    ]);
  });

  it('names --metrics-cert-dir when its certificate cannot be read, and a certificate with plain HTTP', async () => {
    const run = await runOperator([
      ...base,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      `--metrics-cert-dir=${join(dir, 'no-certs')}`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderrLines).toEqual([
      'hello-operator: invalid configuration:',
      expect.stringMatching(/--metrics-cert-dir=".*no-certs": cannot use tls.crt and tls.key: ENOENT/),
    ]);
    const plain = await runOperator([...base, '--metrics-secure=false', '--metrics-cert-dir=/certs']);
    expect(plain.code).toBe(2);
    expect(plain.stderrLines).toEqual([
      'hello-operator: invalid configuration:',
      '  --metrics-cert-dir needs HTTPS, but --metrics-secure=false serves plain HTTP',
    ]);
  });

  it('names --kubeconfig and KUBECONFIG when there is no kubeconfig outside a pod', async () => {
    const run = await runOperator(['--leader-elect=false', '--metrics-bind-address=0'], { KUBECONFIG: '' });
    expect(run.code).toBe(2);
    expect(run.stderrLines.join('\n')).toMatch(/--kubeconfig.*KUBECONFIG/);
    expect(run.stderrLines.join('\n')).not.toMatch(/^\s+at /m);
  });
});
