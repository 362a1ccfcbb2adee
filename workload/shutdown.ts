// Graceful shutdown, as Kubernetes expects it: on SIGTERM the pod is removed from endpoints
// only eventually, so we fail readiness but keep serving through a drain period, then stop
// accepting, let in-flight requests finish, and exit 0 before the kubelet's SIGKILL.
import type { Server } from 'node:http';
import { constants } from 'node:os';
import type { Logger } from 'pino';
import type { Connections } from './connections.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface ShutdownOptions {
  server: Server;
  connections: Pick<Connections, 'open' | 'closeIdle' | 'whenNoneOpen'>;
  lifecycle: Lifecycle;
  logger: Logger;
  drainMs: number;
  timeoutMs: number;
  /** Best-effort clean-up once the server is closed (e.g. removing the scratch directory). */
  cleanup: () => Promise<void>;
}

export function installShutdown(o: ShutdownOptions): void {
  const exit = (code: number) => process.exit(code);
  let signalled = false;
  let finishing = false;

  // Reached once: forcing connections closed at the deadline also completes server.close().
  const finish = async (forced: boolean) => {
    if (finishing) return;
    finishing = true;
    try {
      await o.cleanup();
    } catch (err) {
      o.logger.warn({ err }, 'shutdown: clean-up failed');
    }
    o.logger.info({ forced }, 'shutdown complete');
    exit(0);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // The operator of the process insists: no more waiting.
      o.logger.warn({ signal }, 'shutdown: second signal, exiting now');
      exit(128 + (constants.signals[signal] ?? 0));
      return;
    }
    signalled = true;
    o.lifecycle.phase = 'draining';
    o.logger.info(
      { signal, drainMs: o.drainMs, timeoutMs: o.timeoutMs },
      'shutdown: draining, readiness now fails',
    );

    const deadline = setTimeout(() => {
      o.logger.warn('shutdown: deadline reached, closing remaining connections');
      o.server.closeAllConnections();
      void finish(true);
    }, o.timeoutMs);

    setTimeout(() => {
      o.lifecycle.phase = 'closing';
      o.logger.info('shutdown: drain period over, closing the server');
      // Keep-alive connections with no request in flight would hold the shutdown up. Closed after
      // this turn's poll phase, which reads what arrived before the drain ended: a request already
      // sent on one is answered, not reset.
      setImmediate(() => o.connections.closeIdle());
      closeWhenNoneLeft(o, () => {
        clearTimeout(deadline);
        void finish(false);
      });
    }, o.drainMs);
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Closes the listener once no connection is left, in its accept queue either: closing it earlier
 * would reset the connections made while the drain lasted that wait there. Node accepts one
 * connection per turn of its event loop, so "none left" is no connection open after a whole turn
 * (two check phases, a poll phase between them) that accepted none.
 */
function closeWhenNoneLeft(o: ShutdownOptions, closed: () => void): void {
  void o.connections.whenNoneOpen().then(() =>
    setImmediate(() =>
      setImmediate(() => {
        if (o.connections.open > 0) closeWhenNoneLeft(o, closed);
        else o.server.close(closed);
      }),
    ),
  );
}
