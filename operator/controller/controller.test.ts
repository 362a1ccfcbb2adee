import { ApiException } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Controller,
  type ReconcileContext,
  type ReconcileRequest,
  type ReconcileResult,
} from './controller.ts';
import { ReconcileError } from './errors.ts';
import { memoryLogger } from './log-testing.ts';
import { RuntimeMetrics } from './metrics.ts';
import { sample } from './metrics-testing.ts';

/** Lets pending promise callbacks run (setImmediate is left real by the fake timers below). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

type Call = { req: ReconcileRequest; ctx: ReconcileContext; at: number };

function setup(
  behaviour: (req: ReconcileRequest, ctx: ReconcileContext) => Promise<ReconcileResult | undefined>,
  options: { concurrency?: number } = {},
) {
  const registry = new Registry();
  const { log, lines } = memoryLogger();
  const calls: Call[] = [];
  let id = 0;
  const controller = new Controller({
    name: 'helloservice',
    log,
    metrics: new RuntimeMetrics(registry),
    concurrency: options.concurrency ?? 1,
    backoff: { jitter: 0 },
    newReconcileID: () => `id-${++id}`,
    reconcile: (req, ctx) => {
      calls.push({ req, ctx, at: Date.now() });
      return behaviour(req, ctx);
    },
  });
  return { controller, registry, lines, calls };
}

describe('Controller', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reconciles an enqueued object with a child logger naming it', async () => {
    const { controller, calls, lines } = setup(async (_req, ctx) => {
      ctx.log.info('working');
      return undefined;
    });
    controller.enqueue({ namespace: 'team-a', name: 'hello' });
    controller.start();
    await settle();
    expect(calls.map((c) => c.req)).toEqual([{ key: 'team-a/hello', namespace: 'team-a', name: 'hello' }]);
    expect(lines.find((l) => l.msg === 'working')).toMatchObject({
      controller: 'helloservice',
      namespace: 'team-a',
      name: 'hello',
      reconcileID: 'id-1',
    });
  });

  it('runs at most `concurrency` reconciles at once, and reports it', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    let running = 0;
    let peak = 0;
    const { controller, registry, calls } = setup(
      async (req) => {
        running++;
        peak = Math.max(peak, running);
        const gate = deferred();
        gates.set(req.key, gate);
        await gate.promise;
        running--;
        return undefined;
      },
      { concurrency: 2 },
    );
    for (const n of [1, 2, 3, 4, 5]) controller.enqueue(`ns/o${n}`);
    controller.start();
    await settle();
    expect(running).toBe(2);
    expect(await sample(registry, 'controller_runtime_active_workers', { controller: 'helloservice' })).toBe(
      2,
    );
    expect(
      await sample(registry, 'controller_runtime_max_concurrent_reconciles', { controller: 'helloservice' }),
    ).toBe(2);
    for (let i = 0; i < 5; i++) {
      for (const gate of gates.values()) gate.resolve();
      await settle();
    }
    expect(calls).toHaveLength(5);
    expect(peak).toBe(2);
    expect(await sample(registry, 'controller_runtime_active_workers', { controller: 'helloservice' })).toBe(
      0,
    );
  });

  it('never reconciles one key twice at once; a change during a reconcile runs it once more', async () => {
    const gate = deferred();
    let running = 0;
    let overlapped = false;
    const { controller, calls } = setup(
      async () => {
        if (running > 0) overlapped = true;
        running++;
        if (calls.length === 1) await gate.promise;
        running--;
        return undefined;
      },
      { concurrency: 4 },
    );
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    controller.enqueue('ns/a');
    controller.enqueue('ns/a');
    await settle();
    expect(calls).toHaveLength(1);
    gate.resolve();
    await settle();
    expect(calls).toHaveLength(2);
    expect(overlapped).toBe(false);
  });

  it('retries a failing key with exponential backoff and starts over after a success', async () => {
    let failuresLeft = 3;
    const { controller, calls } = setup(async () => {
      if (failuresLeft-- > 0) throw new Error('boom');
      return undefined;
    });
    controller.enqueue('ns/a');
    controller.start();
    await vi.advanceTimersByTimeAsync(1000);
    // Attempts at 0, then after 5 ms, 10 ms and 20 ms.
    expect(calls.map((c) => c.at)).toEqual([0, 5, 15, 35]);
    expect(controller.queue.numRequeues('ns/a')).toBe(0);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const { controller, calls, registry } = setup(async () => ({ requeueAfterMs: 30_000 }));
    controller.enqueue('ns/a');
    controller.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(
      await sample(registry, 'controller_runtime_reconcile_total', {
        controller: 'helloservice',
        result: 'requeue_after',
      }),
    ).toBe(2);
  });

  it('does not retry a permanent error, and counts it as terminal', async () => {
    const { controller, calls, registry, lines } = setup(async () => {
      throw new ReconcileError('SpecInvalid', 'port out of range', { permanent: true });
    });
    controller.enqueue('ns/a');
    controller.start();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toHaveLength(1);
    expect(await sample(registry, 'controller_runtime_terminal_reconcile_errors_total')).toBe(1);
    expect(lines.find((l) => l.msg === 'reconcile failed')).toMatchObject({
      reason: 'SpecInvalid',
      retry: 'never',
      namespace: 'ns',
      name: 'a',
      level: 50,
    });
  });

  it('retries a conflict quickly and logs it below error level', async () => {
    let conflicts = 1;
    const { controller, calls, lines } = setup(async () => {
      if (conflicts-- > 0) throw new ApiException(409, 'conflict', '', {});
      return undefined;
    });
    controller.enqueue('ns/a');
    controller.start();
    await vi.advanceTimersByTimeAsync(5);
    expect(calls.map((c) => c.at)).toEqual([0, 5]);
    expect(lines.find((l) => l.msg === 'reconcile failed')).toMatchObject({ reason: 'Conflict', level: 30 });
  });

  it('counts reconciles by result, errors and time as controller-runtime does', async () => {
    const outcomes: Array<() => ReconcileResult | undefined> = [
      () => undefined,
      () => ({ requeue: true }),
      () => {
        throw new Error('boom');
      },
      () => ({ requeueAfterMs: 10 }),
    ];
    const { controller, registry } = setup(
      async (req) => {
        await new Promise((r) => setTimeout(r, 2000));
        return outcomes[Number(req.name)]?.();
      },
      { concurrency: 4 },
    );
    for (const n of [0, 1, 2, 3]) controller.queue.add(`ns/${n}`);
    controller.start();
    // One round of four 2 s reconciles; the retries they ask for are due later and dropped by stop.
    await vi.advanceTimersByTimeAsync(2000);
    expect(await controller.stop(0)).toBe(true);
    const c = { controller: 'helloservice' };
    for (const result of ['success', 'requeue', 'error', 'requeue_after']) {
      expect(await sample(registry, 'controller_runtime_reconcile_total', { ...c, result })).toBe(1);
    }
    expect(await sample(registry, 'controller_runtime_reconcile_errors_total', c)).toBe(1);
    expect(await sample(registry, 'controller_runtime_reconcile_time_seconds_count', c)).toBe(4);
    expect(await sample(registry, 'controller_runtime_reconcile_time_seconds_sum', c)).toBe(8);
  });

  it('stop waits for reconciles in flight and takes no new work', async () => {
    const gate = deferred();
    const { controller, calls } = setup(async () => {
      await gate.promise;
      return undefined;
    });
    controller.enqueue('ns/a');
    controller.enqueue('ns/b');
    controller.start();
    await settle();
    let drained: boolean | undefined;
    const stopping = controller.stop(10_000).then((d) => {
      drained = d;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(drained).toBeUndefined();
    gate.resolve();
    await stopping;
    await controller.done();
    expect(drained).toBe(true);
    expect(calls.map((c) => c.req.key)).toEqual(['ns/a']);
  });

  it('stop aborts the reconcile signal when the deadline passes', async () => {
    const { controller, calls } = setup(
      (_req, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    );
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    const stopping = controller.stop(5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await stopping).toBe(false);
    await controller.done();
    expect(calls[0]?.ctx.signal.aborted).toBe(true);
  });

  it('abort stops at once: the signal fires and nothing more is reconciled', async () => {
    const { controller, calls } = setup(
      (_req, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    );
    controller.enqueue('ns/a');
    controller.enqueue('ns/b');
    controller.start();
    await settle();
    controller.abort('leadership lost');
    await controller.done();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.ctx.signal.aborted).toBe(true);
    controller.enqueue('ns/c');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    const { log } = memoryLogger();
    expect(
      () => new Controller({ name: 'x', log, reconcile: async () => undefined, concurrency: 0 }),
    ).toThrow(/concurrency/);
  });
});
