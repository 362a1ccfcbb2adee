// The result table of `npm run bench:operator`: the operator's run, the floor (the same children
// applied straight), the ratios, and the issue's aims beside them. Pure: numbers in, text out.

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
}

export interface FloorRun {
  /** How the children were applied, e.g. "kubectl apply --server-side ×8". */
  method: string;
  appliedS: number;
  /** Seconds until every Deployment has rolled out and is available. */
  availableS: number;
}

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

export function formatReport(op: OperatorRun, floor: FloorRun | undefined): string {
  const main = [
    ['N', 'applied s', 'Ready s', 'writes/HS', 'peak RSS MiB', 'CPU s', 'steady writes'],
    [
      `operator ${op.n}`,
      op.appliedS.toFixed(1),
      op.readyS.toFixed(1),
      op.writesPerHs.toFixed(2),
      op.peakRssMiB.toFixed(0),
      op.cpuS.toFixed(1),
      `${op.steadyWrites} in ${op.steadyS} s`,
    ],
  ];
  const parts = [align(main)];
  if (floor) {
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    parts.push(
      align([
        ['floor', 'applied s', 'available s'],
        [floor.method, floor.appliedS.toFixed(1), floor.availableS.toFixed(1)],
        ['operator / floor', ratio(op.appliedS, floor.appliedS), ratio(op.readyS, floor.availableS)],
      ]),
    );
  }
  parts.push(
    align([
      ['aim', 'reached', 'aim', 'met'],
      ...aims(op, floor).map((a) => [a.what, a.value, a.aim, a.met ? 'yes' : 'no']),
    ]),
  );
  return parts.join('\n\n');
}
