// The process's start and shutdown order, as controller-runtime's manager owns it. Start: the
// servers (probes answer from the first moment) → preflight → informers → leadership → workers, the
// workers only once the caches have synced, since a reconcile trusts what it reads from them.
// Shutdown: the reverse, step by step, each within its own time (runShutdown), so a drain that hangs
// cannot keep the Lease from being released.
import type { Logger } from 'pino';
import { HealthChecks, ping } from './health.ts';
import type { Listening, Probes } from './servers.ts';
import { onTerminationSignal, runShutdown, type ShutdownStep, type SignalSource } from './shutdown.ts';

/** What the manager needs of an informer (SelfHealingInformer). */
export type ManagedInformer = {
  start(): Promise<void>;
  waitForSync(): Promise<void>;
  hasSynced(): boolean;
  healthy(): boolean;
  stop(): Promise<void>;
};

/** What the manager needs of a controller (Controller). */
export type ManagedController = {
  start(): void;
  /** Drains the reconciles in flight for up to `deadlineMs`; false if some had to be aborted. */
  stop(deadlineMs: number): Promise<boolean>;
  /** Aborts the reconciles in flight at once and takes no more work. */
  abort(reason: string): void;
};

/** What the manager needs of a leader elector (LeaderElector). */
export type Elector = {
  start(): void;
  /** Stops trying and releases the Lease if it holds it. */
  stop(): Promise<void>;
};

export type LeadershipCallbacks = { onStartedLeading: () => void; onStoppedLeading: () => void };

export type ManagerOptions = {
  log: Logger;
  /** Started before leadership, on every replica, so a standby is Ready and takes over warm. */
  informers: readonly ManagedInformer[];
  controller: ManagedController;
  /** Flushed once the workers have stopped, so that their last Events are sent (EventRecorder). */
  events: { stop(): Promise<void> };
  /**
   * Builds the leader elector around the manager's callbacks. Default: none, and the workers start
   * as soon as the caches have synced; fine for one process, but two replicas without it would both
   * reconcile every object.
   */
  elector?: (callbacks: LeadershipCallbacks) => Elector;
  /** Serves /metrics. Default: none, as when its bind address is "0". */
  metricsServer?: () => Promise<Listening>;
  /** Serves the manager's /healthz and /readyz checks. Default: none, as when its bind address is "0". */
  healthServer?: (probes: Probes) => Promise<Listening>;
  /**
   * Runs once the servers are up, before the informers start: a place for start-up warnings that
   * the informers' quiet retries would hide. Default: nothing.
   */
  preflight?: () => Promise<void>;
  /**
   * How long reconciles in flight may run on after the shutdown signal. Default 25 s, as
   * --graceful-shutdown-timeout: inside the kubelet's default 30 s grace period, leaving time for
   * the Lease release after it.
   */
  gracefulShutdownTimeoutMs?: number;
  /** Where SIGTERM and SIGINT come from. Default: this process; tests pass an EventEmitter. */
  signals?: SignalSource;
  /** Ends the process. Default process.exit; tests pass a recorder instead. */
  exit?: (code: number) => void;
};

export class Manager {
  readonly #options: ManagerOptions;
  readonly #exit: (code: number) => void;
  readonly #probes: Probes;
  readonly #servers: Listening[] = [];
  #elector: Elector | undefined;
  #shuttingDown = false;

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.#exit = options.exit ?? ((code) => process.exit(code));
    const { informers } = options;
    // Ready asks only for synced caches, not leadership: a standby must be Ready too, or a rollout
    // of two replicas never completes.
    const readyz = new HealthChecks()
      .add('informers-synced', () => informers.every((informer) => informer.hasSynced()))
      .add('not-shutting-down', () => !this.#shuttingDown);
    const healthz = new HealthChecks()
      .add('ping', ping)
      .add('watches', () => informers.every((informer) => informer.healthy()));
    this.#probes = { readyz, healthz };
  }

  /**
   * Starts everything in order and shuts down gracefully on SIGTERM or SIGINT (a second one exits
   * 1 at once). Resolves once the informers and the elector are under way; the workers start later,
   * once this process leads (at once without leader election) and the caches have synced.
   */
  async start(): Promise<void> {
    const { log, informers, metricsServer, healthServer, preflight } = this.#options;
    if (metricsServer) this.#servers.push(await metricsServer());
    if (healthServer) this.#servers.push(await healthServer(this.#probes));
    await preflight?.();
    for (const informer of informers) void informer.start();
    this.#lead();
    onTerminationSignal(
      () => void this.shutdown(),
      (signal) => {
        log.warn({ signal }, 'second signal: exiting now');
        this.#exit(1);
      },
      this.#options.signals,
    );
  }

  /**
   * Graceful shutdown: marks the process not ready, then stops the workers, releases the Lease,
   * flushes Events, stops the informers and closes the servers, each step within its own time; logs
   * `stopped` with `clean` (false when a step timed out or failed) and exits 0.
   */
  async shutdown(): Promise<boolean> {
    this.#shuttingDown = true;
    const clean = await runShutdown(this.#shutdownSteps(), this.#options.log);
    this.#options.log.info({ clean }, 'stopped');
    this.#exit(0);
    return clean;
  }

  /** Starts the workers as leader, or at once without leader election. */
  #lead(): void {
    const { log, controller, elector } = this.#options;
    if (!elector) {
      log.info('leader election off: reconciling at once');
      void this.#startWorkers();
      return;
    }
    this.#elector = elector({
      onStartedLeading: () => void this.#startWorkers(),
      onStoppedLeading: () => {
        // Another process may be leading already: stop writing now, and let a restart begin clean.
        controller.abort('leadership lost');
        log.fatal('lost leadership; exiting so that a restart starts clean');
        this.#exit(1);
      },
    });
    this.#elector.start();
  }

  async #startWorkers(): Promise<void> {
    await Promise.all(this.#options.informers.map((informer) => informer.waitForSync()));
    // A shutdown that began while the caches synced must not start work it then has to drain.
    if (!this.#shuttingDown) this.#options.controller.start();
  }

  /** Workers first (they write), then the Lease (a standby takes over), then what they used. */
  #shutdownSteps(): ShutdownStep[] {
    const { controller, events, informers } = this.#options;
    const graceMs = this.#options.gracefulShutdownTimeoutMs ?? 25_000;
    return [
      {
        name: 'stop controllers',
        // A second more than the drain, so that the controller's own deadline (abort) comes first.
        timeoutMs: graceMs + 1000,
        run: async () => {
          // Reconciles still running at the deadline were aborted: not a clean stop.
          if (!(await controller.stop(graceMs))) {
            throw new Error('reconciles in flight at the deadline were aborted');
          }
        },
      },
      { name: 'release lease', timeoutMs: 5000, run: () => this.#elector?.stop() },
      { name: 'flush events', timeoutMs: 3000, run: () => events.stop() },
      {
        name: 'stop informers',
        timeoutMs: 3000,
        run: () => Promise.all(informers.map((informer) => informer.stop())),
      },
      {
        name: 'close servers',
        timeoutMs: 2000,
        run: () => Promise.all(this.#servers.map((server) => server.close())),
      },
    ];
  }
}
