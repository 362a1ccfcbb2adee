// The result table of `npm run bench:operator`: the operator's run, the Go twin's (a
// controller-runtime operator doing the same job), the floor (the same children applied straight),
// the ratios, and the issues' aims beside them. Pure: numbers in, text out.

import { align } from '../report.ts';

export interface OperatorRun {
  n: number;
  /** Seconds from the first create until every child exists. */
  appliedS: number;
  /** Seconds from the first create until every HelloService is Ready=True. */
  readyS: number;
  /** hello_operator_api_writes_total when everything was Ready, per HelloService. */
  writesPerHs: number;
  peakRssMiB: number;
  /** The memory limit it ran under (the Deployment's, by a memory cgroup); undefined: none. */
  memoryLimitMiB?: number | undefined;
  cpuS: number;
  /** Writes during the steady-state window after everything was Ready. */
  steadyWrites: number;
  steadyS: number;
  /** Phase 2, every message changed at once: seconds until every HelloService is Ready at it. */
  phase2S?: number | undefined;
  /** CPU seconds during phase 2. */
  phase2CpuS?: number | undefined;
  /** Phase 1's API requests (watches aside), per HelloService, by verb. */
  requestsPerHs?: Record<string, number> | undefined;
  /** Phase 1's request latency, interpolated in the histogram's buckets. */
  p50Ms?: number | undefined;
  p99Ms?: number | undefined;
}

export interface FloorRun {
  /** How the children were applied, e.g. "kubectl apply --server-side ×8". */
  method: string;
  appliedS: number;
  /** Seconds until every Deployment has rolled out and is available. */
  availableS: number;
  /** Phase 2: the children of the changed messages applied, until every Deployment is available again. */
  phase2S?: number | undefined;
  requestsPerHs?: Record<string, number> | undefined;
  p50Ms?: number | undefined;
  p99Ms?: number | undefined;
}

/** The verbs shown, in this order (a list is a GET). */
export const VERBS = ['GET', 'PATCH', 'POST', 'PUT', 'DELETE'] as const;

const fixed = (v: number | undefined, digits = 1) =>
  v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);

/** Requests per HelloService by verb, e.g. "GET 1.02, PATCH 7.00"; verbs without any left out. */
export function formatRequests(perHs: Record<string, number> | undefined): string {
  if (!perHs) return '-';
  const shown = VERBS.filter((v) => (perHs[v] ?? 0) > 0).map((v) => `${v} ${(perHs[v] ?? 0).toFixed(2)}`);
  const other = Object.entries(perHs)
    .filter(([v, c]) => !(VERBS as readonly string[]).includes(v) && c > 0)
    .map(([v, c]) => `${v} ${c.toFixed(2)}`);
  return [...shown, ...other].join(', ') || '0';
}

const totalRequests = (perHs: Record<string, number> | undefined) =>
  perHs ? Object.values(perHs).reduce((a, b) => a + b, 0) : undefined;

export interface Aim {
  what: string;
  value: string;
  aim: string;
  met: boolean;
}

export const AIMS = { readyS: 60, ratio: 1.25, rssMiB: 150, steadyWrites: 0 } as const;

export function aims(op: OperatorRun, floor: FloorRun | undefined): Aim[] {
  const rows: Aim[] = [
    {
      what: `time to Ready (N=${op.n})`,
      value: `${op.readyS.toFixed(1)} s`,
      aim: `< ${AIMS.readyS} s`,
      met: op.readyS < AIMS.readyS,
    },
  ];
  if (floor) {
    const r = op.readyS / floor.availableS;
    rows.push({
      what: 'Ready / floor available',
      value: `${r.toFixed(2)}x`,
      aim: `<= ${AIMS.ratio}x`,
      met: r <= AIMS.ratio,
    });
  }
  rows.push(
    {
      what: `peak RSS (${op.memoryLimitMiB === undefined ? 'no memory limit' : `memory limit ${op.memoryLimitMiB} MiB`})`,
      value: `${op.peakRssMiB.toFixed(0)} MiB`,
      aim: `< ${AIMS.rssMiB} MiB`,
      met: op.peakRssMiB < AIMS.rssMiB,
    },
    {
      what: `writes at steady state (${op.steadyS} s)`,
      value: String(op.steadyWrites),
      aim: '0',
      met: op.steadyWrites === AIMS.steadyWrites,
    },
  );
  return rows;
}

/** Issue 22's aims against the twin: no slower, at most 1.5x its memory and twice its CPU. */
export const TWIN_AIMS = { readyRatio: 1, rssRatio: 1.5, cpuRatio: 2 } as const;

export function twinAims(op: OperatorRun, twin: OperatorRun): Aim[] {
  const row = (what: string, ratio: number, aim: number): Aim => ({
    what,
    value: `${ratio.toFixed(2)}x`,
    aim: `<= ${aim.toFixed(2)}x`,
    met: ratio <= aim,
  });
  return [
    row('Ready / twin Ready', op.readyS / twin.readyS, TWIN_AIMS.readyRatio),
    row('peak RSS / twin peak RSS', op.peakRssMiB / twin.peakRssMiB, TWIN_AIMS.rssRatio),
    row('CPU s / twin CPU s', op.cpuS / twin.cpuS, TWIN_AIMS.cpuRatio),
  ];
}

function runRow(name: string, r: OperatorRun): string[] {
  return [
    name,
    r.appliedS.toFixed(1),
    r.readyS.toFixed(1),
    r.writesPerHs.toFixed(2),
    r.peakRssMiB.toFixed(0),
    r.cpuS.toFixed(1),
    `${r.steadyWrites} in ${r.steadyS} s`,
    fixed(r.phase2S),
    fixed(r.phase2CpuS),
    fixed(r.p50Ms),
    fixed(r.p99Ms),
    formatRequests(r.requestsPerHs),
  ];
}

export function formatReport(op: OperatorRun, floor: FloorRun | undefined, twin?: OperatorRun): string {
  const main = [
    [
      'N',
      'applied s',
      'Ready s',
      'writes/HS',
      'peak RSS MiB',
      'CPU s',
      'steady writes',
      'phase 2 s',
      'phase 2 CPU s',
      'p50 ms',
      'p99 ms',
      'requests/HS',
    ],
    runRow(`operator ${op.n}`, op),
    ...(twin ? [runRow(`Go twin ${twin.n}`, twin)] : []),
  ];
  const parts = [align(main)];
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}x` : 'n/a';
  if (twin) {
    parts.push(
      align([
        ['operator / twin', 'applied', 'Ready', 'phase 2', 'peak RSS', 'CPU', 'p50', 'p99', 'requests/HS'],
        [
          '',
          ratio(op.appliedS, twin.appliedS),
          ratio(op.readyS, twin.readyS),
          ratio(op.phase2S, twin.phase2S),
          ratio(op.peakRssMiB, twin.peakRssMiB),
          ratio(op.cpuS, twin.cpuS),
          ratio(op.p50Ms, twin.p50Ms),
          ratio(op.p99Ms, twin.p99Ms),
          ratio(totalRequests(op.requestsPerHs), totalRequests(twin.requestsPerHs)),
        ],
      ]),
    );
  }
  if (floor) {
    parts.push(
      align([
        ['floor', 'applied s', 'available s', 'phase 2 s', 'p50 ms', 'p99 ms', 'requests/HS'],
        [
          floor.method,
          floor.appliedS.toFixed(1),
          floor.availableS.toFixed(1),
          fixed(floor.phase2S),
          fixed(floor.p50Ms),
          fixed(floor.p99Ms),
          formatRequests(floor.requestsPerHs),
        ],
        [
          'operator / floor',
          ratio(op.appliedS, floor.appliedS),
          ratio(op.readyS, floor.availableS),
          ratio(op.phase2S, floor.phase2S),
        ],
        ...(twin
          ? [
              [
                'twin / floor',
                ratio(twin.appliedS, floor.appliedS),
                ratio(twin.readyS, floor.availableS),
                ratio(twin.phase2S, floor.phase2S),
              ],
            ]
          : []),
      ]),
    );
  }
  parts.push(
    align([
      ['aim', 'reached', 'aim', 'met'],
      ...[...aims(op, floor), ...(twin ? twinAims(op, twin) : [])].map((a) => [
        a.what,
        a.value,
        a.aim,
        a.met ? 'yes' : 'no',
      ]),
    ]),
  );
  return parts.join('\n\n');
}
