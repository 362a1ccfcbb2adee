// Graceful shutdown as Kubernetes drives it: SIGTERM, readiness fails, traffic keeps being
// served until endpoints are updated, then the process exits 0 on its own.
import { existsSync } from 'node:fs';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { type ProbeResult, probe, startWorkload } from './test-support.ts';

describe('graceful shutdown', () => {
  it('fails readiness but keeps serving during the drain, then exits 0 and cleans up', async () => {
    const w = await startWorkload({ SHUTDOWN_DRAIN_SECONDS: '1.5', SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const ready = await w.waitForLog('ready');
    expect((await fetch(`${w.url}/readyz`)).status).toBe(200);

    w.proc.kill('SIGTERM');
    await w.waitForLog('shutdown: draining, readiness now fails');

    const readyz = await fetch(`${w.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(readyz.headers.get('cache-control')).toBe('no-store');
    expect(await readyz.text()).toBe('draining\n');
    const healthz = await fetch(`${w.url}/healthz`);
    expect(healthz.status).toBe(200);
    await healthz.text();
    const root = await fetch(`${w.url}/`);
    expect(root.status).toBe(200);
    // Clients are asked to reconnect, so none is left on an idle connection when we close.
    expect(root.headers.get('connection')).toBe('close');
    expect(await root.text()).toBe('Hello, world!\n');

    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'shutdown: draining, readiness now fails',
        'shutdown: drain period over, closing the server',
        'shutdown complete',
      ]),
    );
    expect(w.logs.find((l) => l.msg === 'shutdown complete')?.forced).toBe(false);
    expect(existsSync(String(ready.scratchDir))).toBe(false);
  });

  it('loses no request when SIGTERM arrives under load', async () => {
    const w = await startWorkload({ SHUTDOWN_DRAIN_SECONDS: '3', SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const agent = new Agent({ connections: 16, pipelining: 1 });
    const results = { ok: 0, failed: [] as string[], afterSignal: 0 };
    let signalled = false;
    let notReady = false;

    // Like a Service: keeps sending until readiness has failed, and a little after
    // (endpoint updates lag), all within the drain period.
    async function client(): Promise<void> {
      let extra = 0;
      while (extra < 20) {
        if (notReady) extra++;
        const wasSignalled = signalled;
        try {
          const res = await request(`${w.url}/`, { dispatcher: agent });
          const text = await res.body.text();
          if (res.statusCode === 200 && text === 'Hello, world!\n') results.ok++;
          else results.failed.push(`status ${res.statusCode}`);
        } catch (err) {
          results.failed.push(String(err));
        }
        if (wasSignalled) results.afterSignal++;
      }
    }
    async function prober(): Promise<void> {
      while (!notReady) {
        const res = await request(`${w.url}/readyz`);
        await res.body.text();
        if (res.statusCode === 503) notReady = true;
        else await new Promise((r) => setTimeout(r, 20));
      }
    }

    const clients = Array.from({ length: 16 }, client);
    while (results.ok < 500) await new Promise((r) => setTimeout(r, 10));
    w.proc.kill('SIGTERM');
    signalled = true;
    await prober();
    await Promise.all(clients);
    await agent.close();

    expect(results.failed).toEqual([]);
    expect(results.afterSignal).toBeGreaterThanOrEqual(16 * 20);
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it('answers every connection made during the drain, up to its very end', async () => {
    const drainMs = 1000;
    const w = await startWorkload({
      SHUTDOWN_DRAIN_SECONDS: String(drainMs / 1000),
      SHUTDOWN_TIMEOUT_SECONDS: '15',
      WORK_MAX_CONCURRENT: '4',
    });
    // A client asking for more CPU than allowed, across the end of the drain: each turn of the
    // event loop is as long as the workload lets burns make it.
    const burns = Array.from({ length: 20 }, () => fetch(`${w.url}/work?ms=300`).then((r) => r.text()));
    const signalled = performance.now();
    w.proc.kill('SIGTERM');
    // Clients that have not heard of the shutdown open connections in bursts, every 50 ms from
    // the middle of the drain to a little past its end. Node accepts one connection per turn of
    // its event loop, so the end of the drain finds some of them waiting in the accept queue. 500
    // in all, so that the queue (511) never overflows.
    const sent: Promise<ProbeResult>[] = [];
    for (let at = drainMs / 2; sent.length < 500; at += 50) {
      await new Promise((r) => setTimeout(r, signalled + at - performance.now()));
      for (let i = 0; i < 50; i++) sent.push(probe(w.url, '/', 10_000));
    }
    const answers = await Promise.all(sent);
    // Refused: the connection came after the listener closed (a client late on a busy machine)
    // and sent nothing. Reset: it was made, so its request was sent, and it was not answered.
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(100);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 'ECONNREFUSED')).toEqual([]);
    await Promise.all(burns);
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it('lets a request that is in flight when the drain ends finish', async () => {
    const w = await startWorkload({
      SHUTDOWN_DRAIN_SECONDS: '1',
      SHUTDOWN_TIMEOUT_SECONDS: '10',
      WORK_MAX_MS: '5000',
      WORK_MAX_CONCURRENT: '1',
    });
    w.proc.kill('SIGTERM');
    await w.waitForLog('shutdown: draining, readiness now fails');
    // Sent during the drain, it outlasts it.
    const slow = fetch(`${w.url}/work?ms=1500`);
    await w.waitForLog('shutdown: drain period over, closing the server');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('burned 1500 ms of CPU\n');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.logs.find((l) => l.msg === 'shutdown complete')?.forced).toBe(false);
  });

  it('closes what is still open at the deadline and exits 0', async () => {
    const w = await startWorkload({
      SHUTDOWN_DRAIN_SECONDS: '1',
      SHUTDOWN_TIMEOUT_SECONDS: '1.5',
      WORK_MAX_MS: '5000',
      WORK_MAX_CONCURRENT: '1',
    });
    w.proc.kill('SIGTERM');
    await w.waitForLog('shutdown: draining, readiness now fails');
    // Sent during the drain, it would run past the deadline.
    const slow = fetch(`${w.url}/work?ms=4000`).then(
      (r) => r.status,
      () => 'connection closed',
    );
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(await slow).toBe('connection closed');
    expect(w.logs.map((l) => l.msg)).toContain('shutdown: deadline reached, closing remaining connections');
    expect(w.logs.find((l) => l.msg === 'shutdown complete')?.forced).toBe(true);
  });

  it('exits at once on a second signal', async () => {
    const w = await startWorkload({ SHUTDOWN_DRAIN_SECONDS: '60', SHUTDOWN_TIMEOUT_SECONDS: '120' });
    w.proc.kill('SIGTERM');
    await w.waitForLog('shutdown: draining, readiness now fails');
    w.proc.kill('SIGINT');
    expect(await w.exited).toEqual({ code: 130, signal: null });
    expect(w.logs.map((l) => l.msg)).toContain('shutdown: second signal, exiting now');
  });

  it('shuts down the same way on SIGINT (Ctrl-C)', async () => {
    const w = await startWorkload({ SHUTDOWN_DRAIN_SECONDS: '0', SHUTDOWN_TIMEOUT_SECONDS: '5' });
    w.proc.kill('SIGINT');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.logs.find((l) => l.msg === 'shutdown: draining, readiness now fails')?.signal).toBe('SIGINT');
  });
});
