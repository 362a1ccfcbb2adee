// GET /work?ms=N: real CPU use for autoscaling tests. The burn runs in short slices with a yield
// between them, so probes and other requests still get answers while it runs.
import { setImmediate as yieldToLoop } from 'node:timers/promises';

const SLICE_MS = 10;

export async function burnCpu(ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (;;) {
    const now = performance.now();
    if (now >= end) return;
    const sliceEnd = Math.min(end, now + SLICE_MS);
    while (performance.now() < sliceEnd) {
      // Busy on purpose.
    }
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
