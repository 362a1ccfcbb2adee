// The table bench:e2e prints: one row per run, then the median of each column.
import { align, median } from './report.ts';

export interface E2eRun {
  /** kubectl apply of a new HelloService until its Ready condition is True. */
  applyToReadyS: number;
  /** spec.message changed until the first answer through the Ingress carries it. */
  firstPodS: number;
  /** spec.message changed until every pod, asked directly, serves it. */
  lastPodS: number;
  /** Requests that failed during the change (no answer, not 2xx, or neither message). */
  failed: number;
  requestsDuringChange: number;
  /** A change to an image nothing can pull (deadline 10 s) until the HelloService says Stalled=True. */
  stalledS: number;
  /** The same with spec.rollout.autoRollback, until every pod serves the previous revision again. */
  rollbackS: number;
  /** A change to an image whose pods crash-loop, with autoRollback, until every pod serves the previous revision again. */
  crashRollbackS: number;
  /** Requests per second through the Traefik Ingress (NodePort on 127.0.0.1). */
  ingressRps: number;
  /** Requests per second straight to one pod's IP. */
  podRps: number;
}

const COLUMNS: [string, (r: E2eRun) => number, number][] = [
  ['apply→Ready s', (r) => r.applyToReadyS, 2],
  ['change→first pod s', (r) => r.firstPodS, 2],
  ['change→last pod s', (r) => r.lastPodS, 2],
  ['failed', (r) => r.failed, 0],
  ['requests', (r) => r.requestsDuringChange, 0],
  ['stuck→Stalled s', (r) => r.stalledS, 2],
  ['stuck→rolled back s', (r) => r.rollbackS, 2],
  ['crash→rolled back s', (r) => r.crashRollbackS, 2],
  ['Ingress req/s', (r) => r.ingressRps, 0],
  ['pod req/s', (r) => r.podRps, 0],
  ['Ingress/pod', (r) => r.ingressRps / r.podRps, 2],
];

/** Each column's median over the runs. */
export function medians(runs: E2eRun[]): number[] {
  return COLUMNS.map(([, pick]) => median(runs.map(pick)));
}

export function formatE2eReport(runs: E2eRun[]): string {
  const rows = [
    ['run', ...COLUMNS.map(([name]) => name)],
    ...runs.map((r, i) => [String(i + 1), ...COLUMNS.map(([, pick, digits]) => pick(r).toFixed(digits))]),
    [`median of ${runs.length}`, ...medians(runs).map((v, i) => v.toFixed(COLUMNS[i]?.[2] ?? 2))],
  ];
  return align(rows);
}
