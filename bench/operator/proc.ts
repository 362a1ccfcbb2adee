// Peak RSS and CPU seconds of a child process from /proc, sampled (Linux only).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export type ProcSample = { rssMiB: number; hwmMiB: number; cpuS: number };

/** VmRSS, VmHWM (the kernel's own peak) and utime+stime of `pid`; undefined once it is gone. */
export function sample(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) : state is field 3; utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(rest[11]) + Number(rest[12])) / ticks;
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024, cpuS: cpu };
  } catch {
    return undefined;
  }
}

export class Sampler {
  peakRssMiB = 0;
  cpuS = 0;
  last: ProcSample | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, everyMs = 250) {
    const take = () => {
      const s = sample(pid);
      if (!s) return;
      this.last = s;
      this.peakRssMiB = Math.max(this.peakRssMiB, s.rssMiB, s.hwmMiB);
      this.cpuS = s.cpuS;
    };
    take();
    this.#timer = setInterval(take, everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
