import { describe, expect, it } from 'vitest';
import { aims, type FloorRun, formatReport, type OperatorRun } from './summary.ts';

const op: OperatorRun = {
  n: 1000,
  appliedS: 20,
  readyS: 50,
  writesPerHs: 7,
  peakRssMiB: 120.4,
  memoryLimitMiB: 256,
  cpuS: 30.25,
  steadyWrites: 0,
  steadyS: 30,
};
const floor: FloorRun = { method: 'kubectl apply --server-side x8', appliedS: 16, availableS: 45 };

describe('bench:operator summary', () => {
  it('compares the operator with the floor and the aims', () => {
    const rows = aims(op, floor);
    expect(rows.map((r) => [r.what, r.value, r.met])).toEqual([
      ['time to Ready (N=1000)', '50.0 s', true],
      ['Ready / floor available', '1.11x', true],
      ['peak RSS (memory limit 256 MiB)', '120 MiB', true],
      ['writes at steady state (30 s)', '0', true],
    ]);
    expect(aims({ ...op, readyS: 70, steadyWrites: 3 }, floor).filter((r) => !r.met)).toHaveLength(3);
  });

  it('prints one aligned table per part', () => {
    const text = formatReport(op, floor);
    expect(text).toContain('operator 1000       20.0     50.0       7.00');
    expect(text).toContain('operator / floor');
    expect(text).toContain('1.25x');
    expect(text).toContain('1.11x');
    expect(formatReport(op, undefined)).not.toContain('floor available');
    expect(formatReport({ ...op, memoryLimitMiB: undefined }, undefined)).toContain('no memory limit');
  });
});
