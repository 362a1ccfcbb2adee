// Lease-based leader election (coordination.k8s.io/v1), with client-go's rules and
// controller-runtime's defaults (15 s lease, 10 s renew deadline, 2 s retry):
// - a candidate takes the Lease when it is free, released, or not renewed for a lease duration,
//   measured on its own clock from when it last saw the record change (immune to clock skew);
// - the leader renews every retry period and gives up once it has failed to renew for the renew
//   deadline, which is shorter than the lease duration, so two leaders never overlap;
// - on loss, work stops at once (onStoppedLeading); on shutdown, the Lease is released so a
//   standby takes over without waiting for it to expire.
// The API calls sit behind LeaseLock (leaseLock: raw JSON over the pooled KubeClient); the timing
// logic is tested without an API server.

import type { Logger } from 'pino';
import { isConflict } from '../kube/api-errors.ts';
import { HttpMethod, type KubeClient, resourcePath } from '../kube/rest.ts';
import { microTime } from '../kube/time.ts';
import type { RuntimeMetrics } from './metrics.ts';

export type LeaseRecord = {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: Date | undefined;
  renewTime: Date | undefined;
  leaseTransitions: number;
};

export type ObservedLease = { record: LeaseRecord; resourceVersion: string };

/**
 * The three calls leader election needs; `update` must fail on a stale resourceVersion. `create`
 * and `update` return the new resourceVersion when they know it: the leader then renews with a
 * single update (client-go's fast path) instead of a read and an update.
 */
export type LeaseLock = {
  describe: string;
  get(): Promise<ObservedLease | undefined>;
  create(record: LeaseRecord): Promise<string | undefined>;
  update(record: LeaseRecord, resourceVersion: string): Promise<string | undefined>;
};

export type Decision =
  | { action: 'create' | 'update'; record: LeaseRecord }
  | { action: 'wait'; holder: string };

/**
 * What a candidate or leader does next, given the Lease as read now and when it last saw the
 * record change (`observedAt`, local clock). Pure: client-go's tryAcquireOrRenew, minus the I/O.
 */
export function decide(
  current: LeaseRecord | undefined,
  observedAt: number,
  identity: string,
  now: number,
  leaseDurationMs: number,
): Decision {
  const fresh = (transitions: number, acquireTime: Date): LeaseRecord => ({
    holderIdentity: identity,
    leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
    acquireTime,
    renewTime: new Date(now),
    leaseTransitions: transitions,
  });
  if (!current) return { action: 'create', record: fresh(0, new Date(now)) };
  if (current.holderIdentity === identity) {
    return {
      action: 'update',
      record: fresh(current.leaseTransitions, current.acquireTime ?? new Date(now)),
    };
  }
  const held = current.holderIdentity !== '';
  const expired = observedAt + current.leaseDurationSeconds * 1000 <= now;
  if (held && !expired) return { action: 'wait', holder: current.holderIdentity };
  return { action: 'update', record: fresh(current.leaseTransitions + 1, new Date(now)) };
}

export type LeaderElectorOptions = {
  lock: LeaseLock;
  /** Unique per process: a restarted pod must not inherit its predecessor's lease. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  /** Publishes leader_election_master_status{name}. */
  metrics?: RuntimeMetrics;
  /** Called once this process becomes leader: start the controllers. */
  onStartedLeading: () => void;
  /** Called when leadership is lost (not on release): stop work at once, then exit. */
  onStoppedLeading: () => void;
  now?: () => number;
  random?: () => number;
};

export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #random: () => number;
  #observed: { record: LeaseRecord; json: string; at: number } | undefined;
  /** The resourceVersion of our own last write, for the leader's optimistic renewal. */
  #ownVersion: string | undefined;
  #leader = false;
  #lastRenew = 0;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.#log = options.log.child({ lease: options.lock.describe, identity: options.identity });
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    options.metrics?.leader(this.#metricName, false);
  }

  get #metricName(): string {
    return this.#o.lock.describe.split('/').at(-1) ?? this.#o.lock.describe;
  }

  isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#log.info('waiting for leadership');
    this.#schedule(0);
  }

  /** Stops trying; if leading, releases the Lease (call after the controllers have stopped). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#attempt;
    if (!this.#leader || !this.#observed) return;
    this.#setLeader(false);
    const now = this.#now();
    try {
      const current = await this.#o.lock.get();
      if (current?.record.holderIdentity !== this.#o.identity) return;
      await this.#o.lock.update(
        {
          ...current.record,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: new Date(now),
          renewTime: new Date(now),
        },
        current.resourceVersion,
      );
      this.#log.info('released the lease');
    } catch (err) {
      this.#log.warn({ err }, 'could not release the lease; a standby takes over when it expires');
    }
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#attempt = this.#tick().finally(() => {
        this.#attempt = undefined;
      });
    }, delayMs);
  }

  async #tick(): Promise<void> {
    const { renewDeadlineMs, retryPeriodMs } = this.#o;
    // A leader's attempt may not outlast its renew deadline; a hung call counts as a failure.
    const budget = this.#leader ? this.#lastRenew + renewDeadlineMs - this.#now() : renewDeadlineMs;
    const outcome = await this.#withTimeout(this.#tryAcquireOrRenew(), Math.max(0, budget));
    if (!this.#running) return;
    if (outcome === 'held by another' && this.#leader) {
      // Someone else wrote the Lease (a forced takeover): leadership is gone for certain, so stop
      // now rather than keep reconciling until the renew deadline.
      this.#running = false;
      this.#setLeader(false);
      this.#log.error('lost leadership: the lease is held by another');
      this.#o.onStoppedLeading();
      return;
    }
    if (outcome === true) {
      this.#lastRenew = this.#now();
      if (!this.#leader) {
        this.#setLeader(true);
        this.#log.info('became leader');
        this.#o.onStartedLeading();
      }
    } else if (this.#leader && this.#now() - this.#lastRenew >= renewDeadlineMs) {
      this.#running = false;
      this.#setLeader(false);
      this.#log.error({ renewDeadlineMs }, 'lost leadership: could not renew the lease in time');
      this.#o.onStoppedLeading();
      return;
    }
    // Renew on the dot; candidates spread out (client-go's 1.2 jitter factor) so they don't collide.
    this.#schedule(this.#leader ? retryPeriodMs : retryPeriodMs * (1 + 1.2 * this.#random()));
  }

  async #tryAcquireOrRenew(): Promise<boolean | 'held by another'> {
    const now = this.#now();
    // Fast path (client-go's): the leader assumes the Lease is as it last wrote it and updates it
    // at once: one call per renewal instead of two, which matters when the API server is slow.
    // Any failure (someone else wrote it: a conflict) falls back to reading it.
    const own = this.#observed?.record;
    if (this.#leader && own?.holderIdentity === this.#o.identity && this.#ownVersion) {
      const record = {
        ...own,
        renewTime: new Date(now),
        leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      };
      try {
        this.#ownVersion = await this.#o.lock.update(record, this.#ownVersion);
        this.#observed = { record, json: JSON.stringify(record), at: now };
        return true;
      } catch (err) {
        this.#ownVersion = undefined;
        this.#log.debug({ err }, 'optimistic renewal failed; reading the lease');
      }
    }
    let current: ObservedLease | undefined;
    try {
      current = await this.#o.lock.get();
    } catch (err) {
      this.#log.warn({ err }, 'could not read the lease');
      return false;
    }
    if (current) {
      const json = JSON.stringify(current.record);
      if (json !== this.#observed?.json) this.#observed = { record: current.record, json, at: now };
    }
    const decision = decide(
      current?.record,
      this.#observed?.at ?? now,
      this.#o.identity,
      now,
      this.#o.leaseDurationMs,
    );
    if (decision.action === 'wait') {
      if (this.#leader) this.#log.warn({ holder: decision.holder }, 'the lease is held by another');
      return 'held by another';
    }
    try {
      this.#ownVersion =
        decision.action === 'create'
          ? await this.#o.lock.create(decision.record)
          : await this.#o.lock.update(decision.record, current?.resourceVersion ?? '');
    } catch (err) {
      // A conflict means someone else wrote first: not an error, just not us this time.
      const level = isConflict(err) ? 'debug' : 'warn';
      this.#log[level]({ err }, `could not ${decision.action} the lease`);
      return false;
    }
    this.#observed = { record: decision.record, json: JSON.stringify(decision.record), at: now };
    return true;
  }

  async #withTimeout<T>(attempt: Promise<T>, ms: number): Promise<T | false> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #setLeader(leader: boolean): void {
    this.#leader = leader;
    this.#o.metrics?.leader(this.#metricName, leader);
  }
}

/** A Lease as the API server spells it; its times are MicroTime strings. */
type Lease = {
  metadata?: { resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
};

/** The requests a LeaseLock makes: the pooled raw-JSON client, like every other request. */
export type LeaseClient = Pick<KubeClient, 'request' | 'getOptional'>;

function toDate(time: string | undefined): Date | undefined {
  return time ? new Date(time) : undefined;
}

/** A LeaseLock on a coordination.k8s.io/v1 Lease. Needs get, create, update on leases. */
export function leaseLock(client: LeaseClient, namespace: string, name: string): LeaseLock {
  const apiVersion = 'coordination.k8s.io/v1';
  const lease = (record: LeaseRecord, resourceVersion?: string) => ({
    apiVersion,
    kind: 'Lease',
    metadata: { name, namespace, resourceVersion },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: record.acquireTime && microTime(record.acquireTime),
      renewTime: record.renewTime && microTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  });
  // A write that lost the race fails with an ApiException of 409 (Conflict or AlreadyExists).
  return {
    describe: `${namespace}/${name}`,
    async get() {
      const current = await client.getOptional<Lease>(resourcePath(apiVersion, 'leases', namespace, name));
      if (!current) return undefined;
      const spec = current.spec ?? {};
      return {
        resourceVersion: current.metadata?.resourceVersion ?? '',
        record: {
          holderIdentity: spec.holderIdentity ?? '',
          leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
          acquireTime: toDate(spec.acquireTime),
          renewTime: toDate(spec.renewTime),
          leaseTransitions: spec.leaseTransitions ?? 0,
        },
      };
    },
    async create(record) {
      const created = await client.request<Lease>(
        HttpMethod.POST,
        resourcePath(apiVersion, 'leases', namespace),
        { body: lease(record) },
      );
      return created.metadata?.resourceVersion;
    },
    async update(record, resourceVersion) {
      const updated = await client.request<Lease>(
        HttpMethod.PUT,
        resourcePath(apiVersion, 'leases', namespace, name),
        { body: lease(record, resourceVersion) },
      );
      return updated.metadata?.resourceVersion;
    },
  };
}

/** Unique per process, as controller-runtime makes it: the pod name plus a random suffix. */
export function leaderIdentity(hostname: string): string {
  return `${hostname}_${crypto.randomUUID()}`;
}
