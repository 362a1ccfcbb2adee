// Graceful shutdown: on SIGTERM/SIGINT, run named steps in order, each within its own time
// limit, so one that hangs cannot keep the rest (releasing the Lease) from happening. The order
// itself is the Manager's (manager.ts).
import type { Logger } from 'pino';

export type ShutdownStep = {
  name: string;
  timeoutMs: number;
  run: () => Promise<unknown> | unknown;
};

/** Runs the steps one after another; resolves true if every step finished in its time. */
export async function runShutdown(steps: readonly ShutdownStep[], log: Logger): Promise<boolean> {
  let clean = true;
  for (const step of steps) {
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), step.timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(step.run), timeout]);
      if (outcome === 'timeout') {
        clean = false;
        log.warn({ step: step.name, timeoutMs: step.timeoutMs }, 'shutdown step timed out; moving on');
      } else {
        log.info({ step: step.name, durationMs: Date.now() - started }, 'shutdown step done');
      }
    } catch (err) {
      clean = false;
      log.error({ err, step: step.name }, 'shutdown step failed; moving on');
    } finally {
      clearTimeout(timer);
    }
  }
  return clean;
}

export type SignalSource = Pick<NodeJS.Process, 'once' | 'off'>;

/**
 * Calls `onSignal` once for the first SIGTERM or SIGINT; a second signal calls `onForce`
 * (exit at once: the person pressing Ctrl-C twice means it). Returns a function that unhooks.
 */
export function onTerminationSignal(
  onSignal: (signal: NodeJS.Signals) => void,
  onForce: (signal: NodeJS.Signals) => void,
  source: SignalSource = process,
): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    // `once` removed this listener; re-arm it for the second signal.
    source.once(signal, handler);
    if (received) onForce(signal);
    else {
      received = true;
      onSignal(signal);
    }
  };
  source.once('SIGTERM', handler);
  source.once('SIGINT', handler);
  return () => {
    source.off('SIGTERM', handler);
    source.off('SIGINT', handler);
  };
}
