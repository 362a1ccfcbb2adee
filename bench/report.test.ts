import { describe, expect, it } from 'vitest';
import { floorNote, formatTable, type Measurement, ratioRows } from './report.ts';

const run = (name: string, rps: number, p99Ms: number): Measurement => ({
  name,
  rps,
  p50Ms: p99Ms / 4,
  p99Ms,
  perCpuSecond: rps * 1.25,
  peakRssMiB: name === 'node' ? 60 : 12,
  requests: rps * 10,
});

describe('benchmark report', () => {
  it('compares medians and checks the aims', () => {
    const runs = [
      run('node', 20_000, 3),
      run('go', 25_000, 2),
      run('node', 22_000, 2.5),
      run('go', 24_000, 2.2),
      run('node', 21_000, 9),
    ];
    const ratios = ratioRows(runs, 'node', 'go');
    expect(ratios.map((r) => [r.what, r.ratio.toFixed(3), r.met])).toEqual([
      ['throughput (req/s)', (21_000 / 24_500).toFixed(3), false],
      ['req per CPU-second', (21_000 / 24_500).toFixed(3), false],
      ['p50 latency', (0.75 / 0.525).toFixed(3), undefined],
      ['p99 latency', (3 / 2.1).toFixed(3), true],
      ['peak RSS', '5.000', undefined],
    ]);
  });

  it('prints every run, the medians and the ratios', () => {
    const runs = [run('node', 30_000, 2), run('go', 20_000, 2), run('node', 30_000, 2), run('go', 20_000, 2)];
    const text = formatTable(runs, ratioRows(runs, 'node', 'go'));
    expect(text).toContain('node (median of 2)');
    expect(text).toMatch(/throughput \(req\/s\)\s+1\.50x\s+>= 1\.00\s+yes/);
    expect(text.split('\n')[0]).toMatch(/^server\s+req\/s\s+req\/CPU-s\s+p50 ms\s+p99 ms\s+peak RSS MiB$/);
  });
});

describe('floor note', () => {
  it('splits the gap into node:http and our code', () => {
    const runs = [run('node', 10_000, 2), run('floor', 12_500, 2), run('go', 25_000, 2)];
    expect(floorNote(runs, 'node', 'floor', 'go')).toBe(
      "Per CPU-second, a bare node:http server reaches 50% of Go's requests, and the workload 80% of that bare server's.",
    );
  });
});
