import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from './log-testing.ts';
import { onTerminationSignal, runShutdown, type SignalSource } from './shutdown.ts';

describe('runShutdown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the steps in order', async () => {
    const order: string[] = [];
    const { log } = memoryLogger();
    const done = await runShutdown(
      [
        { name: 'controllers', timeoutMs: 1000, run: async () => order.push('controllers') },
        { name: 'lease', timeoutMs: 1000, run: () => order.push('lease') },
      ],
      log,
    );
    expect(order).toEqual(['controllers', 'lease']);
    expect(done).toBe(true);
  });

  it('moves on past a step that hangs or fails, so the Lease is still released', async () => {
    const order: string[] = [];
    const { log, lines } = memoryLogger();
    const running = runShutdown(
      [
        { name: 'controllers', timeoutMs: 25_000, run: () => new Promise(() => {}) },
        {
          name: 'events',
          timeoutMs: 1000,
          run: () => {
            throw new Error('boom');
          },
        },
        { name: 'lease', timeoutMs: 1000, run: async () => order.push('lease') },
      ],
      log,
    );
    await vi.advanceTimersByTimeAsync(24_999);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await running).toBe(false);
    expect(order).toEqual(['lease']);
    expect(lines.map((l) => l.msg)).toEqual([
      'shutdown step timed out; moving on',
      'shutdown step failed; moving on',
      'shutdown step done',
    ]);
  });
});

describe('onTerminationSignal', () => {
  it('reports the first signal once, and forces on the second', () => {
    const source = new EventEmitter() as unknown as SignalSource & EventEmitter;
    const seen: string[] = [];
    onTerminationSignal(
      (s) => seen.push(`graceful ${s}`),
      (s) => seen.push(`force ${s}`),
      source,
    );
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    expect(seen).toEqual(['graceful SIGTERM', 'force SIGINT']);
  });

  it('can be unhooked', () => {
    const source = new EventEmitter() as unknown as SignalSource & EventEmitter;
    const seen: string[] = [];
    const off = onTerminationSignal(
      (s) => seen.push(s),
      (s) => seen.push(s),
      source,
    );
    off();
    source.emit('SIGTERM', 'SIGTERM');
    expect(seen).toEqual([]);
  });
});
