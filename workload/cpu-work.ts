// GET /work?ms=N: real CPU use for autoscaling tests. All burns share one scheduler that runs a
// single short slice per turn of the event loop, whichever burn it belongs to: however many run at
// once, the loop is held at most one slice at a time. That matters beyond the requests already
// read: Node accepts one new connection per turn, and the kubelet opens a new one for every probe.
import { setImmediate as yieldToLoop } from 'node:timers/promises';

const SLICE_MS = 2;

interface Burn {
  remainingMs: number;
  done: () => void;
}

const burns: Burn[] = [];

/** Resolves once `ms` of CPU time have been burnt for this request. */
export function burnCpu(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((done) => {
    burns.push({ remainingMs: ms, done });
    if (burns.length === 1) void runSlices();
  });
}

/** Round-robin over the burns, one slice per turn of the loop, until none is left. */
async function runSlices(): Promise<void> {
  for (let burn = burns.shift(); burn !== undefined; burn = burns.shift()) {
    const sliceMs = Math.min(SLICE_MS, burn.remainingMs);
    const end = performance.now() + sliceMs;
    while (performance.now() < end) {
      // Busy on purpose.
    }
    burn.remainingMs -= sliceMs;
    if (burn.remainingMs > 0) burns.push(burn);
    else burn.done();
    await yieldToLoop();
  }
}

/** The N of ?ms=N as an integer within 0..max, or an error text for a 400. */
export function parseWorkMs(query: string, max: number): number | string {
  const raw = new URLSearchParams(query).get('ms');
  if (raw === null) return `missing ms: use /work?ms=N with N from 0 to ${max}`;
  if (!/^\d+$/.test(raw) || Number(raw) > max) return `ms must be an integer from 0 to ${max}`;
  return Number(raw);
}
