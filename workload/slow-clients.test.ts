// Clients that send slowly, stall, or only open connections: the workload bounds what they can hold
// (connections, upload bytes being received, time to send a request), so that its memory stays
// under the container's limit and a probe always gets a connection.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type RunningWorkload, startWorkload } from './test-support.ts';

/** Resident memory of a process, from Linux's /proc. */
function rssBytes(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

/** A raw connection that sends `text` and records how it ends. */
function rawClient(w: RunningWorkload, text: string): { socket: Socket; ended: Promise<string> } {
  const socket = connect(Number(new URL(w.url).port), '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  const ended = new Promise<string>((resolve) => {
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
  socket.on('connect', () => {
    if (text !== '') socket.write(text);
  });
  return { socket, ended };
}

const upload = (declared: number, sent: number) =>
  `POST /scratch HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${'x'.repeat(sent)}`;

async function healthz(w: RunningWorkload): Promise<number> {
  const res = await fetch(`${w.url}/healthz`, { signal: AbortSignal.timeout(3000) });
  await res.text();
  return res.status;
}

describe('clients that stall', () => {
  it('keeps memory bounded under a flood of uploads that stop short of their declared length', async () => {
    const w = await startWorkload();
    const flood: ReturnType<typeof rawClient>[] = [];
    try {
      const before = rssBytes(w.proc.pid ?? 0);
      // 1500 connections each declaring a 64 KiB body and sending 60000 bytes of it: 90 MB if held.
      for (let i = 0; i < 1500; i++) {
        flood.push(rawClient(w, upload(65536, 60000)));
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20));
      }
      let peak = 0;
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 300));
        peak = Math.max(peak, rssBytes(w.proc.pid ?? 0));
      }
      expect(await healthz(w)).toBe(200);
      const open = flood.filter((c) => !c.socket.destroyed).length;
      console.error(
        `[slow-clients] RSS ${(before / 2 ** 20).toFixed(0)} MiB before, ${(peak / 2 ** 20).toFixed(0)} MiB at most under 1500 stalled uploads (${open} still open)`,
      );
      expect(peak - before).toBeLessThan(40 * 2 ** 20);
    } finally {
      for (const c of flood) c.socket.destroy();
      await w.stop();
    }
  });

  it('refuses an upload beyond SCRATCH_MAX_BYTES_IN_FLIGHT at once with 429 and Retry-After', async () => {
    const w = await startWorkload({ SCRATCH_MAX_ITEM_BYTES: '1000', SCRATCH_MAX_BYTES_IN_FLIGHT: '2000' });
    try {
      const stalled = [rawClient(w, upload(1000, 10)), rawClient(w, upload(1000, 10))];
      await new Promise((r) => setTimeout(r, 200));
      const refused = await fetch(`${w.url}/scratch`, { method: 'POST', body: 'x'.repeat(1000) });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.text()).toMatch(/SCRATCH_MAX_BYTES_IN_FLIGHT/);
      // A stalled upload that goes away gives its bytes back.
      stalled[0]?.socket.destroy();
      await stalled[0]?.ended;
      await expect
        .poll(async () => (await fetch(`${w.url}/scratch`, { method: 'POST', body: 'y' })).status)
        .toBe(201);
      stalled[1]?.socket.destroy();
    } finally {
      await w.stop();
    }
  });

  it('answers 408 and closes an upload that stalls past HTTP_REQUEST_TIMEOUT_SECONDS, giving its bytes back', async () => {
    const w = await startWorkload({
      HTTP_REQUEST_TIMEOUT_SECONDS: '1',
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      SCRATCH_MAX_ITEM_BYTES: '1000',
      SCRATCH_MAX_BYTES_IN_FLIGHT: '1000',
    });
    try {
      const stalled = rawClient(w, upload(1000, 500));
      expect(await stalled.ended).toMatch(/^HTTP\/1\.1 408 /);
      const after = await fetch(`${w.url}/scratch`, { method: 'POST', body: 'x'.repeat(1000) });
      expect(after.status).toBe(201);
      await after.text();
    } finally {
      await w.stop();
    }
  });

  it('closes a connection that stalls in its headers, or sends nothing, after HTTP_HEADERS_TIMEOUT_SECONDS', async () => {
    const w = await startWorkload({ HTTP_HEADERS_TIMEOUT_SECONDS: '1' });
    try {
      const halfHeaders = rawClient(w, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      const silent = rawClient(w, '');
      expect(await halfHeaders.ended).toMatch(/^HTTP\/1\.1 408 /);
      expect(await silent.ended).toBe('');
    } finally {
      await w.stop();
    }
  });

  it('keeps an idle keep-alive connection past the headers timeout: proxies reuse theirs', async () => {
    const w = await startWorkload({ HTTP_HEADERS_TIMEOUT_SECONDS: '1' });
    try {
      const client = rawClient(w, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => setTimeout(r, 2500));
      client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const received = await client.ended;
      expect(received.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    } finally {
      await w.stop();
    }
  });

  it('holds at most HTTP_MAX_CONNECTIONS, closing the longest idle ones so that a probe still gets in', async () => {
    const w = await startWorkload({ HTTP_MAX_CONNECTIONS: '20' });
    const idle: ReturnType<typeof rawClient>[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        idle.push(rawClient(w, ''));
        await new Promise((r) => idle.at(-1)?.socket.once('connect', r));
      }
      expect(await healthz(w)).toBe(200);
      // The first 21 (oldest, then one more for the probe's connection) made room.
      await expect.poll(() => idle.filter((c) => c.socket.destroyed).length).toBeGreaterThanOrEqual(21);
      expect(idle.slice(0, 21).every((c) => c.socket.destroyed)).toBe(true);
    } finally {
      for (const c of idle) c.socket.destroy();
      await w.stop();
    }
  });
});
