// Turns benchmark measurements into the printed table: one row per run, then the median per
// server and the ratios of ours to the baseline, with the project's aims beside them.

export interface Measurement {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests per second of the server's own CPU time: throughput per core, and far less
   *  sensitive than req/s to other work on a shared machine. */
  perCpuSecond: number;
  peakRssMiB: number;
  requests: number;
}

export interface RatioRow {
  what: string;
  ratio: number;
  aim: string;
  met: boolean | undefined;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] ?? Number.NaN)
    : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

/** Median of each column over the runs of one server. */
export function summarize(runs: Measurement[], name: string): Measurement {
  const mine = runs.filter((r) => r.name === name);
  return {
    name: `${name} (median of ${mine.length})`,
    rps: median(mine.map((r) => r.rps)),
    p50Ms: median(mine.map((r) => r.p50Ms)),
    p99Ms: median(mine.map((r) => r.p99Ms)),
    perCpuSecond: median(mine.map((r) => r.perCpuSecond)),
    peakRssMiB: median(mine.map((r) => r.peakRssMiB)),
    requests: median(mine.map((r) => r.requests)),
  };
}

export function ratioRows(runs: Measurement[], ours: string, baseline: string): RatioRow[] {
  const a = summarize(runs, ours);
  const b = summarize(runs, baseline);
  return [
    { what: 'throughput (req/s)', ratio: a.rps / b.rps, aim: '>= 1.00', met: a.rps / b.rps >= 1 },
    {
      what: 'req per CPU-second',
      ratio: a.perCpuSecond / b.perCpuSecond,
      aim: '>= 1.00',
      met: a.perCpuSecond / b.perCpuSecond >= 1,
    },
    { what: 'p50 latency', ratio: a.p50Ms / b.p50Ms, aim: '', met: undefined },
    { what: 'p99 latency', ratio: a.p99Ms / b.p99Ms, aim: '<= 1.50', met: a.p99Ms / b.p99Ms <= 1.5 },
    { what: 'peak RSS', ratio: a.peakRssMiB / b.peakRssMiB, aim: '', met: undefined },
  ];
}

export function formatTable(runs: Measurement[], ratios: RatioRow[]): string {
  const names = [...new Set(runs.map((r) => r.name))];
  const rows = runs.length > names.length ? [...runs, ...names.map((n) => summarize(runs, n))] : runs;
  const table = [
    ['server', 'req/s', 'req/CPU-s', 'p50 ms', 'p99 ms', 'peak RSS MiB'],
    ...rows.map((r) => [
      r.name,
      r.rps.toFixed(0),
      r.perCpuSecond.toFixed(0),
      r.p50Ms.toFixed(3),
      r.p99Ms.toFixed(3),
      r.peakRssMiB.toFixed(1),
    ]),
  ];
  const ratioTable = [
    ['node / go', 'ratio', 'aim', 'met'],
    ...ratios.map((r) => [
      r.what,
      `${r.ratio.toFixed(2)}x`,
      r.aim,
      r.met === undefined ? '' : r.met ? 'yes' : 'no',
    ]),
  ];
  return `${align(table)}\n\n${align(ratioTable)}`;
}

/** Rows as columns: the first left-aligned, the rest right-aligned. */
export function align(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** One line on where the gap comes from: node:http itself (floor vs baseline) or our code. */
export function floorNote(runs: Measurement[], ours: string, floor: string, baseline: string): string {
  const a = summarize(runs, ours);
  const f = summarize(runs, floor);
  const b = summarize(runs, baseline);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    `Per CPU-second, a bare node:http server reaches ${pct(f.perCpuSecond / b.perCpuSecond)} of Go's ` +
    `requests, and the workload ${pct(a.perCpuSecond / f.perCpuSecond)} of that bare server's.`
  );
}
