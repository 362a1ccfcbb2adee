import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthChecks, ping } from './health.ts';

describe('HealthChecks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports each named check: returning passes, false or throwing fails', async () => {
    const checks = new HealthChecks()
      .add('ping', ping)
      .add('informers', () => false)
      .add('leader', async () => {
        throw new Error('lease not acquired yet');
      });
    expect(await checks.run()).toEqual([
      { name: 'ping', ok: true },
      { name: 'informers', ok: false },
      { name: 'leader', ok: false, message: 'lease not acquired yet' },
    ]);
    expect(await checks.run('ping')).toEqual([{ name: 'ping', ok: true }]);
  });

  it('fails a check that does not answer in time, so a probe never hangs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const checks = new HealthChecks({ timeoutMs: 500 }).add('stuck', () => new Promise(() => {}));
    const run = checks.run();
    await vi.advanceTimersByTimeAsync(500);
    expect(await run).toEqual([{ name: 'stuck', ok: false, message: 'no answer in 500 ms' }]);
  });

  it('refuses duplicate and badly spelled names', () => {
    const checks = new HealthChecks().add('ping', ping);
    expect(() => checks.add('ping', ping)).toThrow(/already/);
    expect(() => checks.add('Informers Synced', ping)).toThrow(/kebab/);
  });
});
