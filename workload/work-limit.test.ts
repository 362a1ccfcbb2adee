// /work under a hostile client: concurrent burns are capped, the rest refused at once, and the
// kubelet's probes keep their answers within the probe timeouts the Deployment sets.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ProbeResult, probe, startWorkload } from './test-support.ts';

const LOAD_CLIENT = fileURLToPath(new URL('./test-load.ts', import.meta.url));

/** The probes' timeoutSeconds in operator/resources/deployment.ts: a liveness probe that misses it
 *  three times restarts the pod, a readiness probe takes it out of the Service. */
const PROBE_TIMEOUT_MS = { '/healthz': 3000, '/readyz': 2000 } as const;

describe('/work, turned on', () => {
  it('runs at most WORK_MAX_CONCURRENT burns and refuses the rest with 429 and Retry-After', async () => {
    const w = await startWorkload({ WORK_MAX_CONCURRENT: '2', WORK_MAX_MS: '3000' });
    try {
      // All ten arrive while the first two burn for 2 s.
      const answers = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await fetch(`${w.url}/work?ms=2000`);
          return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
        }),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(8);
      for (const a of refused) {
        expect(a.retryAfter).toBe('1');
        expect(a.text).toMatch(/WORK_MAX_CONCURRENT/);
      }
      // The slots are given back: the next one runs.
      expect((await fetch(`${w.url}/work?ms=1`)).status).toBe(200);
    } finally {
      await w.stop();
    }
  });

  it('keeps the probes within their timeout under a load far above the cap', async () => {
    const w = await startWorkload({ WORK_MAX_CONCURRENT: '4' });
    const clients = 300;
    // A hostile client: 300 connections asking for the longest burn, each again 100 ms after its
    // answer, ignoring Retry-After: 75 times the cap at any moment.
    const load = spawn(process.execPath, [LOAD_CLIENT, `${w.url}/work?ms=1000`, String(clients), '100'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Also when the test times out and never reaches its finally.
    onTestFinished(() => {
      if (load.exitCode === null) load.kill('SIGKILL');
    });
    let output = '';
    load.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const probes: ProbeResult[] = [];
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('started');
      // Probe as the kubelet does, for a few seconds of the load.
      const until = performance.now() + 4000;
      while (performance.now() < until) {
        for (const [path, timeoutMs] of Object.entries(PROBE_TIMEOUT_MS)) {
          probes.push(await probe(w.url, path, timeoutMs));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      load.kill('SIGTERM');
      await once(load, 'close');
      await w.stop();
    }
    const answers = JSON.parse(output.split('\n').at(-2) ?? '{}') as Record<string, number>;
    console.error(
      `[work-limit] ${probes.length} probes under ${clients} /work clients, slowest ${Math.max(...probes.map((p) => p.ms)).toFixed(0)} ms; answers ${JSON.stringify(answers)}`,
    );
    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    expect(probes.length).toBeGreaterThan(10);
    // Far above the cap: most requests were refused.
    expect(answers['429'] ?? 0).toBeGreaterThan(answers['200'] ?? 0);
  });
});
