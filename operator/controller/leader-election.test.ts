import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loopbackKubeConfig } from '../kube/loopback-testing.ts';
import { HttpMethod, KubeClient, type RequestOptions } from '../kube/rest.ts';
import { httpStatus } from './errors.ts';
import {
  decide,
  LeaderElector,
  type LeaseClient,
  type LeaseLock,
  type LeaseRecord,
  leaderIdentity,
  leaseLock,
} from './leader-election.ts';
import { memoryLogger } from './log-testing.ts';
import { RuntimeMetrics } from './metrics.ts';
import { sample } from './metrics-testing.ts';

const LEASE_MS = 15_000;

describe('decide', () => {
  const other = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
    holderIdentity: 'b',
    leaseDurationSeconds: 15,
    acquireTime: new Date(0),
    renewTime: new Date(0),
    leaseTransitions: 3,
    ...over,
  });

  it('creates a missing lease', () => {
    expect(decide(undefined, 0, 'a', 1000, LEASE_MS)).toMatchObject({
      action: 'create',
      record: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 },
    });
  });

  it("waits while another holder's lease has not expired on our clock", () => {
    expect(decide(other(), 5000, 'a', 5000 + 14_999, LEASE_MS)).toEqual({ action: 'wait', holder: 'b' });
  });

  it('takes over an expired or released lease, counting a transition', () => {
    const expired = decide(other(), 5000, 'a', 5000 + 15_000, LEASE_MS);
    expect(expired).toMatchObject({ action: 'update', record: { holderIdentity: 'a', leaseTransitions: 4 } });
    const released = decide(other({ holderIdentity: '' }), 5000, 'a', 5001, LEASE_MS);
    expect(released).toMatchObject({
      action: 'update',
      record: { holderIdentity: 'a', leaseTransitions: 4 },
    });
  });

  it('renews its own lease, keeping acquireTime and transitions', () => {
    const mine = other({ holderIdentity: 'a', acquireTime: new Date(42) });
    expect(decide(mine, 0, 'a', 9000, LEASE_MS)).toEqual({
      action: 'update',
      record: { ...mine, renewTime: new Date(9000) },
    });
  });
});

/** An in-memory Lease with optimistic concurrency, shared by the electors of one test. */
class MemoryLease {
  record: LeaseRecord | undefined;
  rv = 0;
  writes = 0;
  reads = 0;
}

/** One process's view of the lease; `broken` fails its calls, `hung` never answers them. */
function lockFor(lease: MemoryLease) {
  const state = { broken: false, hung: false };
  const gate = async () => {
    if (state.hung) await new Promise(() => {});
    if (state.broken) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  const lock: LeaseLock = {
    describe: 'ops/hello-operator',
    async get() {
      await gate();
      lease.reads++;
      return lease.record && { record: structuredClone(lease.record), resourceVersion: String(lease.rv) };
    },
    async create(record) {
      await gate();
      if (lease.record) throw Object.assign(new Error('exists'), { code: 409 });
      lease.record = structuredClone(record);
      lease.rv++;
      lease.writes++;
      return String(lease.rv);
    },
    async update(record, rv) {
      await gate();
      if (String(lease.rv) !== rv) throw Object.assign(new Error('conflict'), { code: 409 });
      lease.record = structuredClone(record);
      lease.rv++;
      lease.writes++;
      return String(lease.rv);
    },
  };
  return { lock, state };
}

function elector(lease: MemoryLease, identity: string, registry = new Registry()) {
  const { lock, state } = lockFor(lease);
  const log = memoryLogger().log;
  const seen = { started: 0, stopped: 0 };
  const e = new LeaderElector({
    lock,
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    log,
    metrics: new RuntimeMetrics(registry),
    random: () => 1, // the longest candidate wait: 2 s × 2.2
    onStartedLeading: () => seen.started++,
    onStoppedLeading: () => seen.stopped++,
  });
  return { e, state, seen, registry };
}

describe('LeaderElector', () => {
  const all: LeaderElector[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
  });
  afterEach(async () => {
    for (const e of all.splice(0)) await e.stop();
    vi.useRealTimers();
  });

  /** Advances in small steps, failing if two processes ever lead at once. */
  async function run(ms: number, ...electors: LeaderElector[]) {
    for (let t = 0; t < ms; t += 100) {
      await vi.advanceTimersByTimeAsync(100);
      expect(electors.filter((e) => e.isLeader()).length).toBeLessThanOrEqual(1);
    }
  }

  it('takes a free lease at once, reports it, and renews every retry period', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    all.push(a.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.e.isLeader()).toBe(true);
    expect(a.seen.started).toBe(1);
    expect(lease.record?.holderIdentity).toBe('a');
    expect(await sample(a.registry, 'leader_election_master_status', { name: 'hello-operator' })).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lease.writes).toBe(6);
  });

  it('lets exactly one of two processes lead', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    const b = elector(lease, 'b');
    all.push(a.e, b.e);
    a.e.start();
    b.e.start();
    await run(60_000, a.e, b.e);
    expect([a.e.isLeader(), b.e.isLeader()].filter(Boolean)).toHaveLength(1);
  });

  it('hands over within 5 s when the leader releases the lease on shutdown', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    const b = elector(lease, 'b');
    all.push(b.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    b.e.start();
    await run(20_000, a.e, b.e);
    expect(b.e.isLeader()).toBe(false);

    await a.e.stop();
    expect(lease.record?.holderIdentity).toBe('');
    expect(a.seen.stopped).toBe(0); // a release is not a loss
    await run(4_400, a.e, b.e);
    expect(b.e.isLeader()).toBe(true);
    expect(lease.record?.leaseTransitions).toBe(1);
  });

  // B notices the last renewal up to one candidate period (2 s × 2.2) late, then waits the lease
  // duration on its own clock, then acts on its next period: between 15 s and 15 + 2 × 4.4 s.
  it('takes over a crashed leader after the lease duration, and not before', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    const b = elector(lease, 'b');
    all.push(b.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    b.e.start();
    await run(10_000, a.e, b.e);
    // SIGKILL: no more renewals, no release.
    a.state.hung = true;
    await run(14_900, b.e);
    expect(b.e.isLeader()).toBe(false);
    await run(15_000 + 8_800 - 14_900, b.e);
    expect(b.e.isLeader()).toBe(true);
  });

  it('stops leading after failing to renew for the renew deadline, before anyone can take over', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    const b = elector(lease, 'b');
    all.push(a.e, b.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    b.e.start();
    await run(6_000, a.e, b.e); // last renewal at 6 s
    a.state.broken = true;
    await run(9_900, a.e, b.e);
    expect(a.e.isLeader()).toBe(true);
    await run(100, a.e, b.e);
    expect(a.e.isLeader()).toBe(false);
    expect(a.seen.stopped).toBe(1);
    expect(await sample(a.registry, 'leader_election_master_status', { name: 'hello-operator' })).toBe(0);
    // Meanwhile b waits out the lease and takes over; never both at once (checked by run).
    await run(15_000 + 8_800 - 10_000, a.e, b.e);
    expect(b.e.isLeader()).toBe(true);
  });

  it('renews with one update and no read while nobody else writes the Lease', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    all.push(a.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    const [reads, writes] = [lease.reads, lease.writes];
    await vi.advanceTimersByTimeAsync(10_000); // five renewals
    expect(lease.writes - writes).toBe(5);
    expect(lease.reads - reads).toBe(0);
    expect(a.e.isLeader()).toBe(true);
    expect(lease.record?.holderIdentity).toBe('a');
    expect(lease.record?.renewTime?.getTime()).toBe(10_000);
  });

  it('stops leading at once when it finds the Lease held by another (a forced takeover)', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    all.push(a.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.e.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    // Another writes itself in as holder, for a long time.
    lease.record = { ...(lease.record as LeaseRecord), holderIdentity: 'c', leaseDurationSeconds: 600 };
    lease.rv++;
    // The next renewal (at 2 s) sees it: no waiting for the renew deadline.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.e.isLeader()).toBe(false);
    expect(a.seen.stopped).toBe(1);
    expect(lease.record?.holderIdentity).toBe('c');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(a.seen.stopped).toBe(1);
    expect(lease.record?.holderIdentity).toBe('c');
  });

  it('counts a renewal that hangs as failed, so a stuck API server still ends leadership in time', async () => {
    const lease = new MemoryLease();
    const a = elector(lease, 'a');
    all.push(a.e);
    a.e.start();
    await vi.advanceTimersByTimeAsync(0);
    a.state.hung = true;
    await vi.advanceTimersByTimeAsync(9_999);
    expect(a.e.isLeader()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.e.isLeader()).toBe(false);
    expect(a.seen.stopped).toBe(1);
  });
});

describe('leaderIdentity', () => {
  it('is unique per process even on the same host', () => {
    const a = leaderIdentity('pod-1');
    expect(a).toMatch(/^pod-1_[0-9a-f-]{36}$/);
    expect(leaderIdentity('pod-1')).not.toBe(a);
  });
});

describe('leaseLock', () => {
  // A stand-in for our KubeClient, recording each request as the Lease call it makes.
  function fakeApi(stored?: unknown) {
    const sent: Array<{ call: string; param: Record<string, unknown> }> = [];
    const target = (path: string) => {
      const [, namespace, name] = /\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(path) ?? [];
      return name === undefined ? { namespace } : { name, namespace };
    };
    const api: LeaseClient = {
      async getOptional<T>(path: string) {
        sent.push({ call: 'read', param: target(path) });
        return stored as T | undefined;
      },
      async request<T>(method: HttpMethod, path: string, options?: RequestOptions) {
        const call = method === HttpMethod.PUT ? 'replace' : 'create';
        sent.push({ call, param: { ...target(path), body: options?.body } });
        return {} as T;
      },
    };
    return { api, sent };
  }

  it('reads a missing Lease as undefined and MicroTime strings as dates', async () => {
    expect(await leaseLock(fakeApi().api, 'ops', 'hello-operator').get()).toBeUndefined();
    const lease = {
      metadata: { resourceVersion: '7' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.123456Z' },
    };
    expect(await leaseLock(fakeApi(lease).api, 'ops', 'hello-operator').get()).toEqual({
      resourceVersion: '7',
      record: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: undefined,
        renewTime: new Date('2026-01-01T00:00:00.123Z'),
        leaseTransitions: 0,
      },
    });
  });

  it('updates with the resourceVersion it read and six-digit MicroTimes', async () => {
    const { api, sent } = fakeApi();
    const record = {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: new Date('2026-01-01T00:00:00.123Z'),
      renewTime: new Date('2026-01-01T00:00:01.500Z'),
      leaseTransitions: 2,
    };
    await leaseLock(api, 'ops', 'hello-operator').update(record, '7');
    const body = sent[0]?.param.body as { metadata: unknown; spec: Record<string, Date> };
    expect(sent[0]).toMatchObject({ call: 'replace', param: { name: 'hello-operator', namespace: 'ops' } });
    expect(body.metadata).toEqual({ name: 'hello-operator', namespace: 'ops', resourceVersion: '7' });
    expect(JSON.parse(JSON.stringify(body.spec))).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.123000Z',
      renewTime: '2026-01-01T00:00:01.500000Z',
      leaseTransitions: 2,
    });
  });

  it('goes through our KubeClient: Lease paths, 404 as missing, a lost race as 409', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      const [status, body] =
        req.method === 'GET'
          ? [404, { kind: 'Status', reason: 'NotFound' }]
          : req.method === 'POST'
            ? [201, { metadata: { resourceVersion: '1' } }]
            : [409, { kind: 'Status', reason: 'Conflict' }];
      res.writeHead(status).end(JSON.stringify(body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const lock = leaseLock(new KubeClient(loopbackKubeConfig(port)), 'ops', 'hello-operator');
    const record: LeaseRecord = {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: new Date(0),
      renewTime: new Date(0),
      leaseTransitions: 0,
    };
    try {
      expect(await lock.get()).toBeUndefined();
      expect(await lock.create(record)).toBe('1');
      expect(httpStatus(await lock.update(record, '1').catch((err: unknown) => err))).toBe(409);
    } finally {
      server.close();
    }
    expect(seen).toEqual([
      'GET /apis/coordination.k8s.io/v1/namespaces/ops/leases/hello-operator',
      'POST /apis/coordination.k8s.io/v1/namespaces/ops/leases',
      'PUT /apis/coordination.k8s.io/v1/namespaces/ops/leases/hello-operator',
    ]);
  });
});
