import { describe, expect, it } from 'vitest';
import { aims, type FloorRun, formatReport, formatRequests, type OperatorRun, twinAims } from './summary.ts';

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

describe('bench:operator summary beside the Go twin', () => {
  const ours: OperatorRun = {
    ...op,
    phase2S: 30,
    phase2CpuS: 10,
    requestsPerHs: { GET: 6, PATCH: 8.5, POST: 2 },
    p50Ms: 20,
    p99Ms: 400,
  };
  const twin: OperatorRun = {
    ...ours,
    readyS: 40,
    peakRssMiB: 60,
    cpuS: 20,
    phase2S: 25,
    requestsPerHs: { PATCH: 8.5, POST: 2 },
  };

  it('lists requests by verb in a fixed order', () => {
    expect(formatRequests({ POST: 2, GET: 6.004, DELETE: 0 })).toBe('GET 6.00, POST 2.00');
    expect(formatRequests(undefined)).toBe('-');
    expect(formatRequests({})).toBe('0');
  });

  it("checks issue 22's aims against the twin", () => {
    expect(twinAims(ours, twin).map((a) => [a.what, a.value, a.met])).toEqual([
      ['Ready / twin Ready', '1.25x', false],
      ['peak RSS / twin peak RSS', '2.01x', false],
      ['CPU s / twin CPU s', '1.51x', true],
    ]);
  });

  it('prints the twin beside the operator, and the ratios', () => {
    const text = formatReport(ours, floor, twin);
    expect(text).toContain('Go twin 1000');
    expect(text).toContain('operator / twin');
    expect(text).toContain('twin / floor');
    expect(text).toContain('GET 6.00, PATCH 8.50, POST 2.00');
    // Requests per HelloService, ours against the twin's: 16.5 / 10.5.
    expect(text).toContain('1.57x');
    expect(formatReport(ours, undefined)).not.toContain('Go twin');
  });
});
