// Drives client-node's real ListWatch through a fake list and watch: no API server needed.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type InformerEventType, SelfHealingInformer, type WatchFn } from './informer.ts';
import { memoryLogger } from './log-testing.ts';
import { RuntimeMetrics } from './metrics.ts';
import { sample } from './metrics-testing.ts';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

type Obj = KubernetesObject & { metadata: { name: string; namespace: string; resourceVersion?: string } };

type FakeWatch = {
  query: Record<string, unknown>;
  callback: (phase: string, obj: unknown) => void;
  end: (err: unknown) => void;
  ended: boolean;
};

/** A pretend API server collection: what list returns, and the watch streams opened on it. */
class FakeServer {
  readonly objects = new Map<string, Obj>();
  readonly watches: FakeWatch[] = [];
  rv = 100;
  lists = 0;
  failNextLists = 0;
  hangLists = false;
  /** Watch requests are never answered (each times out after 30 s, and is tried again). */
  hang = false;

  list = async () => {
    this.lists++;
    if (this.hangLists) await new Promise(() => {});
    if (this.failNextLists > 0) {
      this.failNextLists--;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }
    return { metadata: { resourceVersion: String(this.rv) }, items: [...this.objects.values()] };
  };

  watch: WatchFn = async (_path, query, callback, done) => {
    if (this.hang) {
      // As client-node's Watch does with a server that never answers: it gives up after 30 s.
      await new Promise((r) => setTimeout(r, 30_000));
      done(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      return new AbortController();
    }
    const controller = new AbortController();
    const w: FakeWatch = {
      query,
      callback,
      ended: false,
      end: (err) => {
        if (w.ended) return;
        w.ended = true;
        done(err);
      },
    };
    controller.signal.addEventListener('abort', () => w.end(new DOMException('aborted', 'AbortError')));
    this.watches.push(w);
    return controller;
  };

  get current(): FakeWatch | undefined {
    const last = this.watches.at(-1);
    return last && !last.ended ? last : undefined;
  }

  /** Creates or changes an object; `silently` leaves the watch stream out (a missed event). */
  put(name: string, silently = false): Obj {
    const existed = this.objects.has(name);
    const obj: Obj = { metadata: { name, namespace: 'ns', resourceVersion: String(++this.rv) } };
    this.objects.set(name, obj);
    if (!silently) this.current?.callback(existed ? 'MODIFIED' : 'ADDED', obj);
    return obj;
  }

  remove(name: string, silently = false): void {
    const obj = this.objects.get(name);
    this.objects.delete(name);
    this.rv++;
    if (obj && !silently) this.current?.callback('DELETED', obj);
  }
}

function setup(options: { watchdogMs?: number; resyncPeriodMs?: number } = {}) {
  const server = new FakeServer();
  const registry = new Registry();
  const { log, lines } = memoryLogger();
  const informer = new SelfHealingInformer<Obj>({
    name: 'things',
    path: '/api/v1/namespaces/ns/things',
    list: server.list,
    watch: server.watch,
    log,
    backoff: { jitter: 0 },
    metrics: new RuntimeMetrics(registry),
    ...options,
  });
  const events: Array<[InformerEventType, string]> = [];
  informer.on((type, obj) => events.push([type, obj.metadata.name]));
  return { server, informer, events, lines, registry };
}

describe('SelfHealingInformer', () => {
  let informer: SelfHealingInformer<Obj> | undefined;
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: 0,
    });
  });
  afterEach(async () => {
    await informer?.stop();
    vi.useRealTimers();
  });

  it('lists, syncs, then follows the watch; asks for bookmarks', async () => {
    const s = setup();
    informer = s.informer;
    s.server.put('a');
    await informer.start();
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(s.server.watches[0]?.query).toMatchObject({ resourceVersion: '101', allowWatchBookmarks: true });

    s.server.put('b');
    s.server.put('a');
    s.server.remove('b');
    expect(s.events).toEqual([
      ['add', 'a'],
      ['add', 'b'],
      ['update', 'a'],
      ['delete', 'b'],
    ]);
    expect(informer.get('a', 'ns')?.metadata.resourceVersion).toBe('103');
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('restarts with growing backoff after watch errors, resuming from the last resourceVersion', async () => {
    const s = setup();
    informer = s.informer;
    await informer.start();
    s.server.put('a'); // rv 101
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    s.server.current?.end(refused);
    await vi.advanceTimersByTimeAsync(499);
    expect(s.server.watches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.server.watches).toHaveLength(2);
    expect(s.server.watches[1]?.query.resourceVersion).toBe('101');

    s.server.current?.end(refused);
    await vi.advanceTimersByTimeAsync(999);
    expect(s.server.watches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.server.watches).toHaveLength(3);

    // Changes made while it was away still arrive, and the cache was kept throughout.
    s.server.put('b');
    expect(s.events).toContainEqual(['add', 'b']);
    expect(s.server.lists).toBe(1);
    expect(await sample(s.registry, 'hello_operator_informer_restarts_total', { informer: 'things' })).toBe(
      2,
    );
  });

  it('retries a failing first list until it syncs', async () => {
    const s = setup();
    informer = s.informer;
    s.server.failNextLists = 2;
    s.server.put('a');
    let synced = false;
    void informer.waitForSync().then(() => {
      synced = true;
    });
    await informer.start();
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(s.server.lists).toBe(3);
    expect(synced).toBe(true);
    expect(s.events).toEqual([['add', 'a']]);
  });

  it('relists when the watch goes silent, catching changes it missed', async () => {
    const s = setup({ watchdogMs: 60_000 });
    informer = s.informer;
    s.server.put('a');
    s.server.put('b');
    await informer.start();
    s.server.remove('a', true);
    s.server.put('b', true);
    s.server.put('c', true);

    await vi.advanceTimersByTimeAsync(59_000);
    expect(s.server.lists).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(s.server.lists).toBe(2);
    expect(s.events.slice(2)).toEqual(
      expect.arrayContaining([
        ['delete', 'a'],
        ['update', 'b'],
        ['add', 'c'],
      ]),
    );
    expect(s.server.current?.query.resourceVersion).toBe(String(s.server.rv));
    expect(await sample(s.registry, 'hello_operator_informer_relists_total', { informer: 'things' })).toBe(1);
  });

  it('does not trip the watchdog while bookmarks or reconnects show the watch alive', async () => {
    const s = setup({ watchdogMs: 60_000 });
    informer = s.informer;
    await informer.start();
    for (let t = 0; t < 6; t++) {
      await vi.advanceTimersByTimeAsync(25_000);
      s.server.current?.callback('BOOKMARK', { metadata: { resourceVersion: String(++s.server.rv) } });
    }
    expect(s.server.lists).toBe(1);
    expect(informer.healthy()).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(
      await sample(s.registry, 'hello_operator_watch_last_event_age_seconds', { informer: 'things' }),
    ).toBe(10);
  });

  it('reports itself unhealthy when even relisting brings no sign of life', async () => {
    const s = setup({ watchdogMs: 60_000 });
    informer = s.informer;
    await informer.start();
    s.server.hangLists = true;
    await vi.advanceTimersByTimeAsync(60_000); // watchdog relists; the list never answers
    await settle();
    expect(s.server.lists).toBe(2);
    // The watch answered at 0 s was the last sign of life (the relist's attempt is none); three
    // watchdog periods after it:
    await vi.advanceTimersByTimeAsync(119_999);
    expect(informer.healthy()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(informer.healthy()).toBe(false);
  });

  it('relists when the resourceVersion it watches from expired (410 Gone), catching what it missed', async () => {
    const s = setup();
    informer = s.informer;
    s.server.put('a');
    await informer.start();
    await informer.waitForSync();
    s.server.put('b', true); // missed while the history was compacted
    s.server.current?.callback('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    s.server.current?.end(null);
    await settle();
    expect(s.server.lists).toBe(2);
    expect(s.events).toContainEqual(['add', 'b']);
    expect(s.server.current?.query.resourceVersion).toBe(String(s.server.rv));
    expect(await sample(s.registry, 'hello_operator_informer_relists_total', { informer: 'things' })).toBe(1);
    expect(s.lines.some((l) => JSON.stringify(l).includes('410 Gone'))).toBe(true);
  });

  it('a watch the server never answers is no sign of life', async () => {
    const s = setup({ watchdogMs: 60_000 });
    informer = s.informer;
    await informer.start();
    await informer.waitForSync();
    // The server hangs from now on: reconnects are attempted every 30 s but never answered.
    s.server.hang = true;
    s.server.hangLists = true;
    s.server.current?.end(null);
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(await sample(s.registry, 'hello_operator_informer_relists_total', { informer: 'things' })).toBe(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(informer.healthy()).toBe(false);
  });

  it('caches what the transform keeps, from lists and from watch events', async () => {
    const server = new FakeServer();
    const { log } = memoryLogger();
    const tagged = (o: Obj): Obj => ({
      ...o,
      metadata: { ...o.metadata, labels: { kept: 'yes' } } as Obj['metadata'],
    });
    informer = new SelfHealingInformer<Obj>({
      name: 'things',
      path: '/x',
      list: server.list,
      watch: server.watch,
      log,
      transform: tagged,
    });
    server.put('a');
    await informer.start();
    await informer.waitForSync();
    server.put('b');
    for (const name of ['a', 'b']) {
      expect((informer.get(name, 'ns')?.metadata as { labels?: unknown } | undefined)?.labels).toEqual({
        kept: 'yes',
      });
    }
  });

  it('relists periodically and replays every object to the handlers', async () => {
    const s = setup({ resyncPeriodMs: 3_600_000, watchdogMs: 10 * 3_600_000 });
    informer = s.informer;
    s.server.put('a');
    s.server.put('b');
    await informer.start();
    await vi.advanceTimersByTimeAsync(3_600_000);
    await settle();
    expect(s.server.lists).toBe(2);
    expect(s.events.filter(([type]) => type === 'resync')).toEqual([
      ['resync', 'a'],
      ['resync', 'b'],
    ]);
  });

  it('keeps going when a handler throws, and logs it', async () => {
    const s = setup();
    informer = s.informer;
    let first = true;
    informer.on(() => {
      if (first) {
        first = false;
        throw new Error('handler bug');
      }
    });
    await informer.start();
    s.server.put('a');
    s.server.put('b');
    expect(s.events).toEqual([
      ['add', 'a'],
      ['add', 'b'],
    ]);
    expect(s.lines.find((l) => l.msg === 'informer handler threw')).toBeDefined();
  });

  it('reconnects when the server ends a watch, and opens none after stop during the reconnect delay', async () => {
    const s = setup();
    informer = s.informer;
    await informer.start();
    s.server.current?.end(null); // the server closed the stream: reconnect at once
    await settle();
    expect(s.server.watches).toHaveLength(2);
    s.server.current?.end(null); // again, with no event between: ListWatch waits 1 s
    await settle();
    await informer.stop();
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(s.server.watches).toHaveLength(2);
  });

  it('stop ends the watch without reporting an error or restarting', async () => {
    const s = setup();
    informer = s.informer;
    await informer.start();
    await informer.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(s.server.watches).toHaveLength(1);
    expect(s.server.watches[0]?.ended).toBe(true);
    expect(s.lines.find((l) => l.msg === 'watch failed; restarting')).toBeUndefined();
  });
});
