// Leader election with real operator processes on the real cluster (issue 6, test 1; and "losing
// the lease stops reconciling immediately"). Short durations (lease 4 s, renew 3 s, retry 1 s) keep
// takeovers quick; times are measured and logged, never asserted tightly. Each test has operators,
// a Lease and a HelloService of its own, so that a Lease one test leaves held (by a killed leader,
// or by "someone else" for ten minutes) holds up no other.
import { describe, expect, inject, it } from 'vitest';
import {
  exited,
  type Fixture,
  identityOf,
  leading,
  observed,
  reconciles,
  SHORT_LEASE,
  SMALL_FOOTPRINT,
  setUpForTest,
  writes,
} from './ha-fixture.ts';
import { eventually, helloService, must, type RunningOperator, sleep } from './operator-process.ts';

const measure = (what: string, ms: number) =>
  process.stderr.write(`[measure] ${what}: ${(ms / 1000).toFixed(2)} s\n`);

describe('leader election: operator processes', () => {
  const adminPath = inject('kubeconfig');

  const patchMessage = (f: Fixture, name: string, message: string) => {
    must(f.kubectl, [
      'patch',
      'hs',
      name,
      '-n',
      f.ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { message } }),
    ]);
    return f.get('hs', name)?.metadata.generation ?? 0;
  };
  /** Resolves when the HelloService's status reports `generation` and its ConfigMap has `message`. */
  const converged = (f: Fixture, name: string, generation: number, message: string) =>
    eventually(
      `generation ${generation} reconciled`,
      () => {
        const hs = f.get('hs', name);
        const cm = f.configMap(name);
        return observed(hs) &&
          (hs?.metadata.generation ?? 0) >= generation &&
          JSON.stringify(cm?.data ?? {}).includes(message)
          ? true
          : undefined;
      },
      120_000,
      100,
    );
  /** Exactly one of `candidates` leads: returns it. */
  const theLeader = async (candidates: RunningOperator[]) =>
    eventually(
      'exactly one leader',
      async () => {
        const status = await Promise.all(candidates.map(leading));
        const leaders = candidates.filter((_, i) => status[i] === 1);
        const others = candidates.filter((_, i) => status[i] === 0);
        return leaders.length === 1 && others.length === candidates.length - 1 ? leaders[0] : undefined;
      },
      60_000,
      100,
    );
  /**
   * A fixture of the running test's own (its Lease too) with `count` operators, one of them leading,
   * which has reconciled HelloService `name`; `standbys` are the others.
   */
  const elected = async (prefix: string, count: number, name: string) => {
    const f = await setUpForTest(adminPath, prefix);
    const candidates = await Promise.all(Array.from({ length: count }, () => f.start(SHORT_LEASE)));
    const leader = await theLeader(candidates);
    must(f.kubectl, ['apply', '-n', f.ns, '-f', '-'], JSON.stringify(helloService(name, SMALL_FOOTPRINT)));
    await converged(f, name, 1, `Hello from ${name}`);
    return { f, leader, standbys: candidates.filter((c) => c !== leader) };
  };
  /** `elected` with two operators: the leader and its standby. */
  const leaderAndStandby = async (prefix: string, name: string) => {
    const { f, leader, standbys } = await elected(prefix, 2, name);
    const [standby] = standbys;
    if (!standby) throw new Error('no standby');
    return { f, leader, standby };
  };

  it('exactly one leads: the Lease holder, master status 1 on it and 0 on the other; only it reconciles', async () => {
    const { f, leader, standby } = await leaderAndStandby('le-one', 'one');
    expect(f.lease()?.spec?.holderIdentity).toBe(await identityOf(leader));
    // Stable: still one leader, and the standby has not reconciled or written anything.
    await sleep(3000);
    expect(await leading(leader)).toBe(1);
    expect(await leading(standby)).toBe(0);
    expect(await writes(leader)).toBeGreaterThan(0);
    expect(await reconciles(leader)).toBeGreaterThan(0);
    expect(await writes(standby)).toBe(0);
    expect(await reconciles(standby)).toBe(0);
  });

  it('SIGTERM the leader: it releases the Lease and the standby takes over and reconciles a change', async () => {
    const { f, leader, standby } = await leaderAndStandby('le-term', 'term');
    const started = Date.now();
    const code = exited(leader);
    leader.process.kill('SIGTERM');
    const generation = patchMessage(f, 'term', 'after SIGTERM');
    expect(await code).toBe(0);
    const exitedAt = Date.now();
    measure('SIGTERM → leader exited', exitedAt - started);
    await eventually(
      'the standby to lead',
      async () => ((await leading(standby)) === 1 ? true : undefined),
      60_000,
      50,
    );
    const leadingAt = Date.now();
    measure('leader exited → standby leads (released Lease)', leadingAt - exitedAt);
    await converged(f, 'term', generation, 'after SIGTERM');
    measure('SIGTERM → change reconciled by the new leader', Date.now() - started);
    expect(f.lease()?.spec?.holderIdentity).toBe(await identityOf(standby));
  });

  it('SIGKILL the leader: the standby takes over once the Lease expires and reconciles a change', async () => {
    const { f, leader, standby } = await leaderAndStandby('le-kill', 'kill');
    await theLeader([leader, standby]);
    expect(await leading(leader)).toBe(1);
    const killed = exited(leader);
    leader.process.kill('SIGKILL');
    await killed;
    const killedAt = Date.now();
    const generation = patchMessage(f, 'kill', 'after SIGKILL');
    await eventually(
      'the standby to lead',
      async () => ((await leading(standby)) === 1 ? true : undefined),
      60_000,
      50,
    );
    const leadingAt = Date.now();
    // Lease 4 s plus up to one candidate period (1 s × 2.2) plus the first observation.
    measure('SIGKILL → standby leads (lease 4 s, retry 1 s)', leadingAt - killedAt);
    await converged(f, 'kill', generation, 'after SIGKILL');
    measure('SIGKILL → change reconciled by the new leader', Date.now() - killedAt);
    expect(f.lease()?.spec?.holderIdentity).toBe(await identityOf(standby));
  });

  it('losing the Lease to someone else stops the leader at once: it exits and writes nothing more', async () => {
    // One operator: once it has lost the Lease, nobody else may reconcile.
    const { f, leader } = await elected('le-lost', 1, 'lost');
    const lease = f.lease();
    if (!lease) throw new Error('no Lease');
    const writesBefore = await writes(leader);
    const code = exited(leader);
    // Someone else holds the Lease now, for a long time (a forced takeover).
    const now = new Date().toISOString().replace('Z', '000Z'); // MicroTime: six fractional digits
    const takenAt = Date.now();
    must(f.kubectl, [
      'patch',
      'lease',
      f.leaseName,
      '-n',
      f.opNs,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { holderIdentity: 'someone-else', leaseDurationSeconds: 600, renewTime: now } }),
    ]);
    expect(await code).toBe(1);
    measure('Lease taken by another → old leader exited', Date.now() - takenAt);
    // It stopped because it saw the other holder, not because its renew deadline ran out.
    expect(leader.logs.some((l) => l.includes('lost leadership: the lease is held by another'))).toBe(true);
    // Nobody reconciles now: a change stays unobserved.
    const generation = patchMessage(f, 'lost', 'nobody leads');
    await sleep(5000);
    expect(f.get('hs', 'lost')?.status?.observedGeneration).toBeLessThan(generation);
    expect(f.lease()?.spec?.holderIdentity).toBe('someone-else');
    process.stderr.write(`[measure] old leader's writes before losing the Lease: ${writesBefore}\n`);
  });
});
