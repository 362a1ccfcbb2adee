import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RuntimeMetrics } from './metrics.ts';
import { sample as metricValue } from './metrics-testing.ts';
import { WorkQueue } from './queue.ts';

/** Resolves with what `get()` gives if it is already settled, or 'pending'. */
async function peek(p: Promise<string | undefined>): Promise<string | undefined | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands keys out in the order they were added', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    q.add('ns/b');
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('queues a key added several times while waiting only once', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
    expect(await peek(q.get())).toBe('pending');
  });

  it('never hands out a key in flight; re-adds it once when done', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    expect(await q.get()).toBe('ns/a');
    q.add('ns/a');
    q.add('ns/a');
    const next = q.get();
    expect(await peek(next)).toBe('pending');
    q.done('ns/a');
    expect(await next).toBe('ns/a');
    q.done('ns/a');
    expect(q.length).toBe(0);
    expect(await peek(q.get())).toBe('pending');
  });

  it('hands urgent keys out first, in their order, then the others in theirs', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/u1', true);
    q.add('ns/c');
    q.add('ns/u2', true);
    const order = [];
    for (let i = 0; i < 5; i++) order.push(await q.get());
    expect(order).toEqual(['ns/u1', 'ns/u2', 'ns/a', 'ns/b', 'ns/c']);
  });

  it('moves a waiting key ahead when it is added again as urgent, and never back', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/b', true);
    q.add('ns/b');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/b');
    expect(await q.get()).toBe('ns/a');
  });

  it('re-adds a key made urgent while in flight ahead of the others when done', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    expect(await q.get()).toBe('ns/a');
    q.add('ns/b');
    q.add('ns/a', true);
    q.done('ns/a');
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue({ name: 'test' });
    const waiting = q.get();
    q.add('ns/a');
    expect(await waiting).toBe('ns/a');
  });

  it('adds after a delay, keeping the earliest of several delays', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.addAfter('ns/a', 1000);
    q.addAfter('ns/a', 5000);
    q.addAfter('ns/a', 300);
    vi.advanceTimersByTime(299);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.length).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(q.length).toBe(1);
  });

  it('backs off per key exponentially and forgets on success', () => {
    const q = new WorkQueue({ name: 'test', backoff: { jitter: 0 } });
    expect(q.addRateLimited('ns/a')).toBe(5);
    expect(q.addRateLimited('ns/a')).toBe(10);
    expect(q.addRateLimited('ns/a')).toBe(20);
    expect(q.numRequeues('ns/a')).toBe(3);
    expect(q.addRateLimited('ns/b')).toBe(5);
    q.forget('ns/a');
    expect(q.numRequeues('ns/a')).toBe(0);
    expect(q.addRateLimited('ns/a')).toBe(5);
  });

  it('shutdown: waiting workers get undefined, nothing more is handed out or added', async () => {
    const q = new WorkQueue({ name: 'test' });
    const waiting = q.get();
    q.addAfter('ns/late', 100);
    expect(await q.shutdown(1000)).toBe(true);
    expect(await waiting).toBeUndefined();
    q.add('ns/a');
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('shutdown waits for keys in flight', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    q.add('ns/b');
    await q.get();
    let drained: boolean | undefined;
    const shutdown = q.shutdown(10_000).then((d) => {
      drained = d;
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(drained).toBeUndefined();
    expect(await q.get()).toBeUndefined(); // ns/b is not handed out any more
    q.done('ns/a');
    await shutdown;
    expect(drained).toBe(true);
  });

  it('shutdown gives up on work in flight at the deadline', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/stuck');
    await q.get();
    const shutdown = q.shutdown(2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await shutdown).toBe(false);
  });

  it('shutdown with no time left reports work still in flight without waiting', async () => {
    const q = new WorkQueue({ name: 'test' });
    q.add('ns/a');
    await q.get();
    expect(await q.shutdown(0)).toBe(false);
  });

  it('reports the controller-runtime workqueue metrics', async () => {
    const registry = new Registry();
    const q = new WorkQueue({ name: 'hello', metrics: new RuntimeMetrics(registry), backoff: { jitter: 0 } });
    const labels = { name: 'hello', controller: 'hello' };
    expect(await metricValue(registry, 'workqueue_depth', labels)).toBe(0);

    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    expect(await metricValue(registry, 'workqueue_depth', labels)).toBe(2);
    expect(await metricValue(registry, 'workqueue_adds_total', labels)).toBe(2);

    vi.advanceTimersByTime(1500);
    await q.get();
    expect(await metricValue(registry, 'workqueue_depth', labels)).toBe(1);
    expect(await metricValue(registry, 'workqueue_queue_duration_seconds', { ...labels, le: '10' })).toBe(1);
    expect(await metricValue(registry, 'workqueue_queue_duration_seconds', { ...labels, le: '1' })).toBe(0);

    vi.advanceTimersByTime(3000);
    await q.get();
    vi.advanceTimersByTime(1000);
    expect(await metricValue(registry, 'workqueue_unfinished_work_seconds', labels)).toBe(5);
    expect(await metricValue(registry, 'workqueue_longest_running_processor_seconds', labels)).toBe(4);

    q.done('ns/a');
    expect(await metricValue(registry, 'workqueue_work_duration_seconds_count', labels)).toBe(1);
    expect(await metricValue(registry, 'workqueue_work_duration_seconds_sum', labels)).toBe(4);

    q.addRateLimited('ns/a');
    expect(await metricValue(registry, 'workqueue_retries_total', labels)).toBe(1);
  });
});
