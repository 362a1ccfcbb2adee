import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorkload, startWorkload } from './test-support.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for these tests). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

describe('/metrics', () => {
  let w: RunningWorkload;
  beforeAll(async () => {
    w = await startWorkload();
  });
  afterAll(() => w.stop());

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const res = await fetch(`${w.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    return { text, samples: parse(text) };
  }

  it('counts requests by method, route template and status, and keeps labels bounded', async () => {
    for (let i = 0; i < 3; i++) await (await fetch(`${w.url}/`)).text();
    await (await fetch(`${w.url}/`, { method: 'HEAD' })).text();
    await (await fetch(`${w.url}/`, { method: 'POST' })).text();
    const randomPaths = Array.from(
      { length: 50 },
      () => `/${randomBytes(6).toString('hex')}/${randomBytes(3).toString('hex')}`,
    );
    for (const p of randomPaths) await (await fetch(`${w.url}${p}`)).text();
    for (let i = 0; i < 5; i++) await (await fetch(`${w.url}/scratch/not-an-id-${i}`)).text();

    const { text, samples } = await scrape();
    const req = (method: string, route: string, status: string) =>
      value(samples, 'http_requests_total', { method, route, status_code: status });
    expect(req('GET', '/', '200')).toBe(3);
    expect(req('HEAD', '/', '200')).toBe(1);
    expect(req('POST', '/', '405')).toBe(1);
    expect(req('GET', 'unmatched', '404')).toBe(50);
    expect(req('GET', '/scratch/{id}', '404')).toBe(5);
    for (const p of randomPaths) expect(text).not.toContain(p);

    const routes = new Set(
      samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route),
    );
    expect([...routes].sort()).toEqual(['/', '/scratch/{id}', 'unmatched']);

    const count = value(samples, 'http_request_duration_seconds_count', {
      method: 'GET',
      route: '/',
      status_code: '200',
    });
    expect(count).toBe(3);
    const inf = value(samples, 'http_request_duration_seconds_bucket', {
      method: 'GET',
      route: '/',
      status_code: '200',
      le: '+Inf',
    });
    expect(inf).toBe(3);
  });

  it('counts itself once scraped, and exposes default process and Node metrics', async () => {
    await scrape();
    const { samples } = await scrape();
    expect(
      value(samples, 'http_requests_total', { route: '/metrics', status_code: '200' }),
    ).toBeGreaterThanOrEqual(2);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(value(samples, name), name).toBeDefined();
    }
  });

  it('shows scratch usage, starting empty', async () => {
    const { samples } = await scrape();
    expect(value(samples, 'hello_scratch_bytes')).toBe(0);
    expect(value(samples, 'hello_scratch_items')).toBe(0);
    expect(value(samples, 'hello_scratch_evictions_total')).toBe(0);
  });
});
