import type { EventsV1Event } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventRecorder, type EventSeries, type EventSink, type Regarding } from './events.ts';
import { memoryLogger } from './log-testing.ts';

const hello: Regarding = {
  apiVersion: 'hello.operators.dev/v1alpha1',
  kind: 'HelloService',
  namespace: 'team-a',
  name: 'hello',
  uid: 'u-1',
};

function setup(options: { failCreates?: number } = {}) {
  const created: Array<{ namespace: string; event: EventsV1Event }> = [];
  const updates: Array<{ namespace: string; name: string; series: EventSeries }> = [];
  let failCreates = options.failCreates ?? 0;
  const sink: EventSink = {
    async create(namespace, event) {
      if (failCreates-- > 0) throw Object.assign(new Error('forbidden'), { code: 403 });
      created.push({ namespace, event });
    },
    async updateSeries(namespace, name, series) {
      updates.push({ namespace, name, series });
    },
  };
  const { log, lines } = memoryLogger();
  const recorder = new EventRecorder({
    sink,
    reportingController: 'hello.operators.dev/hello-operator',
    reportingInstance: 'pod-1_abc',
    log,
  });
  return { recorder, created, updates, lines };
}

describe('EventRecorder', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: 1_000_000,
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates an events.k8s.io/v1 Event about the object', async () => {
    const { recorder, created } = setup();
    recorder.record(hello, 'Normal', 'Created', 'Apply', 'created Deployment hello');
    await recorder.flush();
    expect(created).toHaveLength(1);
    const { namespace, event } = created[0] ?? {};
    expect(namespace).toBe('team-a');
    expect(event).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { namespace: 'team-a', name: expect.stringMatching(/^hello\./) },
      type: 'Normal',
      reason: 'Created',
      action: 'Apply',
      note: 'created Deployment hello',
      regarding: { kind: 'HelloService', name: 'hello', namespace: 'team-a', uid: 'u-1' },
      reportingController: 'hello.operators.dev/hello-operator',
      reportingInstance: 'pod-1_abc',
    });
    expect(JSON.parse(JSON.stringify(event?.eventTime))).toBe('1970-01-01T00:16:40.000000Z');
  });

  it('turns repeats into one Event with a series count, updated at most every 30 s', async () => {
    const { recorder, created, updates } = setup();
    for (let i = 0; i < 100; i++) {
      recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'the API server said no');
      await vi.advanceTimersByTimeAsync(600);
    }
    // 100 occurrences over 60 s: one create; the series is written 30 s after the first repeat...
    expect(created).toHaveLength(1);
    expect(updates.map((u) => u.series.count)).toEqual([51]);
    // ...and again 30 s later, with everything counted meanwhile.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(updates.map((u) => u.series.count)).toEqual([51, 100]);
    expect(updates[0]?.name).toBe(created[0]?.event.metadata?.name);

    recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'the API server said no');
    await recorder.stop();
    expect(updates.at(-1)?.series.count).toBe(101);
    expect(created).toHaveLength(1);
  });

  it('starts a new Event once the same event has not happened for 6 minutes', async () => {
    const { recorder, created, updates } = setup();
    recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'no');
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'no');
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'no');
    await recorder.flush();
    expect(created).toHaveLength(2);
    expect(updates.map((u) => u.series.count)).toEqual([2]);
  });

  it('bounds distinct events per object (25, then one per 5 minutes) without touching other objects', async () => {
    const { recorder, created } = setup();
    for (let i = 0; i < 40; i++) recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', `attempt ${i}`);
    recorder.record({ ...hello, name: 'other', uid: 'u-2' }, 'Normal', 'Created', 'Apply', 'fine');
    await recorder.flush();
    expect(created.filter((c) => c.event.regarding?.name === 'hello')).toHaveLength(25);
    expect(created.filter((c) => c.event.regarding?.name === 'other')).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    for (let i = 40; i < 45; i++) recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', `attempt ${i}`);
    await recorder.flush();
    expect(created.filter((c) => c.event.regarding?.name === 'hello')).toHaveLength(26);
  });

  it('never throws when the API refuses, and tries again on the next occurrence', async () => {
    const { recorder, created, lines } = setup({ failCreates: 1 });
    expect(() => recorder.record(hello, 'Normal', 'Created', 'Apply', 'x')).not.toThrow();
    await recorder.flush();
    expect(created).toHaveLength(0);
    expect(lines.find((l) => l.msg === 'could not create event')).toBeDefined();
    recorder.record(hello, 'Normal', 'Created', 'Apply', 'x');
    await recorder.flush();
    expect(created).toHaveLength(1);
  });

  it('cuts long notes to 1 KiB without splitting a character', async () => {
    const { recorder, created } = setup();
    recorder.record(hello, 'Warning', 'ApplyFailed', 'Apply', 'é'.repeat(2000));
    await recorder.flush();
    const note = created[0]?.event.note ?? '';
    expect(Buffer.byteLength(note)).toBeLessThanOrEqual(1024);
    expect(note).toMatch(/^é+\.\.\.$/);
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const { recorder, created } = setup();
    recorder.record({ apiVersion: 'v1', kind: 'Node', name: 'n1' }, 'Normal', 'Seen', 'Watch', 'x');
    await recorder.flush();
    expect(created[0]?.namespace).toBe('default');
  });
});
