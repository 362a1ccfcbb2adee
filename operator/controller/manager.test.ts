import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from './log-testing.ts';
import { type LeadershipCallbacks, Manager, type ManagerOptions } from './manager.ts';
import type { Probes } from './servers.ts';
import type { SignalSource } from './shutdown.ts';

/** A manager on fakes that record, in one list, what was called in which order. */
function setup(options: { leaderElection?: boolean; controllerStop?: () => Promise<boolean> } = {}) {
  const calls: string[] = [];
  const { log, lines } = memoryLogger();
  const informers = ['helloservices', 'deployments'].map((name) => {
    let synced = false;
    let markSynced = () => {};
    const untilSynced = new Promise<void>((resolve) => {
      markSynced = resolve;
    });
    return {
      sync() {
        synced = true;
        markSynced();
      },
      start: async () => void calls.push(`start informer ${name}`),
      waitForSync: () => untilSynced,
      hasSynced: () => synced,
      healthy: () => true,
      stop: async () => void calls.push(`stop informer ${name}`),
    };
  });
  const leadership: { callbacks?: LeadershipCallbacks } = {};
  const probes: { current?: Probes } = {};
  const exits: number[] = [];
  const signals = new EventEmitter() as unknown as SignalSource & EventEmitter;
  const server = (name: string) => ({
    address: '127.0.0.1:1',
    port: 1,
    close: async () => void calls.push(`close ${name} server`),
  });
  const managerOptions: ManagerOptions = {
    log,
    informers,
    controller: {
      start: () => void calls.push('start workers'),
      stop:
        options.controllerStop ??
        (async (deadlineMs) => {
          calls.push(`stop workers within ${deadlineMs} ms`);
          return true;
        }),
      abort: (reason) => void calls.push(`abort workers: ${reason}`),
    },
    events: { stop: async () => void calls.push('flush events') },
    elector: options.leaderElection
      ? (callbacks) => {
          leadership.callbacks = callbacks;
          return {
            start: () => void calls.push('start elector'),
            stop: async () => void calls.push('release lease'),
          };
        }
      : undefined,
    metricsServer: async () => {
      calls.push('start metrics server');
      return server('metrics');
    },
    healthServer: async (given) => {
      probes.current = given;
      calls.push('start health server');
      return server('health');
    },
    preflight: async () => void calls.push('preflight'),
    gracefulShutdownTimeoutMs: 25_000,
    signals,
    exit: (code) => void exits.push(code),
  };
  const manager = new Manager(managerOptions);
  const ready = async () => {
    const results = (await probes.current?.readyz.run()) ?? [];
    return Object.fromEntries(results.map((result) => [result.name, result.ok]));
  };
  const syncAll = async () => {
    for (const informer of informers) informer.sync();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { manager, calls, lines, informers, leadership, exits, signals, ready, syncAll };
}

describe('Manager', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts the servers, then preflight, then the informers; the workers only once all have synced', async () => {
    const { manager, calls, lines, informers, syncAll } = setup();
    await manager.start();
    expect(calls).toEqual([
      'start metrics server',
      'start health server',
      'preflight',
      'start informer helloservices',
      'start informer deployments',
    ]);
    expect(lines.map((line) => line.msg)).toContain('leader election off: reconciling at once');
    informers[0]?.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).not.toContain('start workers');
    await syncAll();
    expect(calls.at(-1)).toBe('start workers');
  });

  it('with leader election, starts no worker before leading, nor before the caches sync', async () => {
    const { manager, calls, leadership, syncAll } = setup({ leaderElection: true });
    await manager.start();
    expect(calls.at(-1)).toBe('start elector');
    await syncAll();
    expect(calls).not.toContain('start workers');
    leadership.callbacks?.onStartedLeading();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.at(-1)).toBe('start workers');

    // Leading first: the workers still wait for the caches.
    const late = setup({ leaderElection: true });
    await late.manager.start();
    late.leadership.callbacks?.onStartedLeading();
    await vi.advanceTimersByTimeAsync(0);
    expect(late.calls).not.toContain('start workers');
    await late.syncAll();
    expect(late.calls.at(-1)).toBe('start workers');
  });

  it('is ready once the caches have synced, and not ready again once shutting down', async () => {
    const { manager, ready, syncAll } = setup({ leaderElection: true });
    await manager.start();
    expect(await ready()).toEqual({ 'informers-synced': false, 'not-shutting-down': true });
    await syncAll();
    expect(await ready()).toEqual({ 'informers-synced': true, 'not-shutting-down': true });
    const stopping = manager.shutdown();
    expect(await ready()).toEqual({ 'informers-synced': true, 'not-shutting-down': false });
    await stopping;
  });

  it('shuts down in order on SIGTERM: workers, Lease, Events, informers, servers; then exits 0', async () => {
    const { manager, calls, lines, exits, signals, syncAll, leadership } = setup({ leaderElection: true });
    await manager.start();
    await syncAll();
    leadership.callbacks?.onStartedLeading();
    await vi.advanceTimersByTimeAsync(0);
    calls.length = 0;
    signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([
      'stop workers within 25000 ms',
      'release lease',
      'flush events',
      'stop informer helloservices',
      'stop informer deployments',
      'close metrics server',
      'close health server',
    ]);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', clean: true });
    expect(exits).toEqual([0]);
  });

  it('releases the Lease even when draining hangs, and calls that stop unclean', async () => {
    const { manager, calls, lines, exits } = setup({
      leaderElection: true,
      controllerStop: () => new Promise(() => {}),
    });
    await manager.start();
    const stopping = manager.shutdown();
    await vi.advanceTimersByTimeAsync(25_999);
    expect(calls).not.toContain('release lease');
    await vi.advanceTimersByTimeAsync(1);
    expect(await stopping).toBe(false);
    expect(calls).toContain('release lease');
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', clean: false });
    expect(exits).toEqual([0]);
  });

  it('calls a stop unclean when reconciles had to be aborted at the deadline', async () => {
    const { manager, calls, lines } = setup({ controllerStop: async () => false });
    await manager.start();
    expect(await manager.shutdown()).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ step: 'stop controllers', level: 50 }));
    expect(calls).toContain('flush events');
  });

  it('starts no workers when shutdown began while the caches synced', async () => {
    const { manager, calls, syncAll } = setup();
    await manager.start();
    const stopping = manager.shutdown();
    await syncAll();
    await stopping;
    expect(calls).not.toContain('start workers');
  });

  it('aborts the workers and exits 1 when leadership is lost', async () => {
    const { manager, calls, lines, exits, leadership, syncAll } = setup({ leaderElection: true });
    await manager.start();
    await syncAll();
    leadership.callbacks?.onStartedLeading();
    await vi.advanceTimersByTimeAsync(0);
    leadership.callbacks?.onStoppedLeading();
    expect(calls.at(-1)).toBe('abort workers: leadership lost');
    expect(lines.at(-1)).toMatchObject({
      msg: 'lost leadership; exiting so that a restart starts clean',
      level: 60,
    });
    expect(exits).toEqual([1]);
  });

  it('exits 1 at once on a second signal', async () => {
    const { manager, lines, exits, signals } = setup({ controllerStop: () => new Promise(() => {}) });
    await manager.start();
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(lines.at(-1)).toMatchObject({ msg: 'second signal: exiting now', signal: 'SIGINT' });
    expect(exits).toEqual([1]);
  });
});
