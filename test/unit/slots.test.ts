import { describe, expect, it } from 'vitest';
import { claimOf } from '../cluster/schedule.ts';
import { type Claim, claimSlot, slotServer, startable } from '../cluster/slots.ts';

const shared = (file: string, ...locks: string[]): Claim => ({ file, exclusive: false, locks });
const alone = (file: string): Claim => ({ file, exclusive: true, locks: [] });
const names = (claims: Claim[]) => claims.map((c) => c.file);

describe('which waiting test files may start', () => {
  it('shared files start beside each other', () => {
    expect(names(startable([shared('a')], [shared('b'), shared('c')]))).toEqual(['b', 'c']);
  });

  it('an exclusive file waits for the running ones, and nothing overtakes it', () => {
    expect(names(startable([shared('a')], [alone('x'), shared('b')]))).toEqual([]);
    expect(names(startable([], [alone('x'), shared('b')]))).toEqual(['x']);
    expect(names(startable([alone('x')], [shared('b')]))).toEqual([]);
  });

  it('files holding the same lock never overlap; a later file without it may go first', () => {
    const running = [shared('m', 'monitoring-stack')];
    const waiting = [shared('n', 'monitoring-stack'), shared('b'), shared('f', 'fake-cluster')];
    expect(names(startable(running, waiting))).toEqual(['b', 'f']);
    expect(names(startable([], [shared('n', 'x'), shared('o', 'x')]))).toEqual(['n']);
  });

  it('classifies the files that must not overlap', () => {
    expect(claimOf('test/operator/nodes.test.ts')).toMatchObject({ exclusive: true });
    expect(claimOf('test/fake/kwok.test.ts').locks).toEqual(['fake-cluster']);
    expect(claimOf('test/monitoring.test.ts').locks).toEqual(['monitoring-stack']);
    expect(claimOf('test/operator/operator.test.ts')).toMatchObject({ exclusive: false, locks: [] });
  });
});

describe('the slot server', () => {
  it('grants in turn over its socket, and a closed connection gives the claim back', async () => {
    const path = slotServer();
    const log: string[] = [];
    const first = await claimSlot(path, alone('first'));
    log.push('first');
    const second = claimSlot(path, shared('second')).then((release) => {
      log.push('second');
      return release;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toEqual(['first']);
    first();
    (await second)();
    expect(log).toEqual(['first', 'second']);
  });
});
