// The workload as a user meets it: a real process on a free port, spoken to over HTTP.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorkload, startWorkload } from './test-support.ts';

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe('with the default configuration', () => {
  let w: RunningWorkload;
  beforeAll(async () => {
    w = await startWorkload({ VERSION: '1.2.3-test' });
  });
  afterAll(() => w.stop());

  it('serves the default message as UTF-8 text', async () => {
    const res = await fetch(`${w.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('vary')).toBe('Accept');
    expect((await body(res)).toString('utf8')).toBe('Hello, world!\n');
  });

  it('ignores the query string on /', async () => {
    const res = await fetch(`${w.url}/?from=test`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Hello, world!\n');
  });

  it('answers JSON with message, hostname and version when asked for it', async () => {
    const res = await fetch(`${w.url}/`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      message: 'Hello, world!\n',
      hostname: hostname(),
      version: '1.2.3-test',
    });
  });

  it('keeps text when the client prefers it over JSON', async () => {
    const res = await fetch(`${w.url}/`, { headers: { accept: 'text/plain, application/json;q=0.5' } });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Hello, world!\n');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await fetch(`${w.url}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength('Hello, world!\n')));
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await body(res)).byteLength).toBe(0);
  });

  it.each(['/healthz', '/readyz'])('answers the probe %s with 200 and no-store', async (path) => {
    const res = await fetch(`${w.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(path === '/readyz' ? 'ready\n' : 'ok\n');
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(`${w.url}/no/such/path`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('not found\n');
  });

  it.each([
    ['POST', '/', 'GET, HEAD'],
    ['DELETE', '/', 'GET, HEAD'],
    ['PUT', '/healthz', 'GET, HEAD'],
    ['POST', '/readyz', 'GET, HEAD'],
    ['POST', '/metrics', 'GET, HEAD'],
    ['GET', '/scratch', 'POST'],
    ['DELETE', '/scratch/00000000-0000-0000-0000-000000000000', 'GET, HEAD'],
    ['POST', '/work?ms=1', 'GET, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${w.url}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    await res.arrayBuffer();
  });

  it('keeps /work off: anyone who can reach the Service could burn the CPU', async () => {
    const res = await fetch(`${w.url}/work?ms=20`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/off.*WORK_MAX_CONCURRENT/);
  });

  it('logs start-up with its effective configuration and no message text', () => {
    const listening = w.logs.find((l) => l.msg.startsWith('listening'));
    expect(listening?.level).toBe('info');
    expect(listening?.config).toMatchObject({
      port: 0,
      logLevel: 'info',
      version: '1.2.3-test',
      messageBytes: 14,
    });
    expect(JSON.stringify(listening)).not.toContain('Hello, world!');
  });

  it('does not log requests or probes at the default level', () => {
    expect(w.logs.filter((l) => l.msg === 'request')).toEqual([]);
    expect(w.logs.every((l) => l.level === 'info')).toBe(true);
  });
});

describe('with /work turned on', () => {
  let w: RunningWorkload;
  beforeAll(async () => {
    w = await startWorkload({ WORK_MAX_CONCURRENT: '4' });
  });
  afterAll(() => w.stop());

  it('burns CPU on /work within its bound, and says what is wrong otherwise', async () => {
    const ok = await fetch(`${w.url}/work?ms=20`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('burned 20 ms of CPU\n');
    for (const query of ['', '?ms=abc', '?ms=-5', '?ms=1001', '?ms=1.5']) {
      const res = await fetch(`${w.url}/work${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text()).toMatch(/ms/);
    }
  });

  it('keeps answering probes while /work burns CPU', async () => {
    const order: string[] = [];
    const work = fetch(`${w.url}/work?ms=400`).then(async (r) => {
      await r.text();
      order.push('work');
    });
    // Let the burn begin before probing.
    await new Promise((r) => setTimeout(r, 50));
    const probe = await fetch(`${w.url}/healthz`);
    order.push('healthz');
    expect(probe.status).toBe(200);
    await work;
    expect(order).toEqual(['healthz', 'work']);
  });
});

describe('messages', () => {
  // One environment string may hold 128 KiB on Linux (MAX_ARG_STRLEN), "MESSAGES=" included.
  const unit = 'Grüße, 世界 👋 — ñ\n';
  const large = unit.repeat(Math.floor((128 * 1024 - 64) / Buffer.byteLength(unit)));

  it.each([
    ['ASCII', 'hello'],
    ['non-ASCII', 'Grüße aus Köln, 你好, Привет, 🚀✨'],
    ['multi-line with CRLF, tabs and trailing spaces', 'line one\nline two\r\n\tindented  \n\nlast'],
    ['near the environment-variable limit', large],
  ])('serves a %s message byte for byte, as text and as JSON', async (_, message) => {
    const w = await startWorkload({ MESSAGES: message });
    try {
      const text = await fetch(`${w.url}/`);
      const expected = Buffer.from(message, 'utf8');
      expect(text.headers.get('content-length')).toBe(String(expected.byteLength));
      expect(Buffer.from(await text.arrayBuffer()).equals(expected)).toBe(true);
      const json = await fetch(`${w.url}/`, { headers: { accept: 'application/json' } });
      expect(((await json.json()) as { message: string }).message).toBe(message);
    } finally {
      await w.stop();
    }
  });

  it('has a large message of more than 100 KiB in the test above', () => {
    expect(Buffer.byteLength(large)).toBeGreaterThan(100 * 1024);
  });
});
