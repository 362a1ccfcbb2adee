import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

function capture(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    level,
    base: { component: 'test' },
    destination: { write: (s: string) => lines.push(JSON.parse(s)) },
  });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with base fields, a named level and an ISO time', () => {
    const { log, lines } = capture('info');
    log
      .child({ controller: 'helloservice', namespace: 'a', name: 'b', reconcileID: 'r1' })
      .info('reconciled');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'reconciled',
      component: 'test',
      pid: process.pid,
      hostname: expect.any(String),
      version: expect.any(String),
      controller: 'helloservice',
      namespace: 'a',
      name: 'b',
      reconcileID: 'r1',
    });
    expect(new Date(String(lines[0]?.time)).toISOString()).toBe(lines[0]?.time);
  });

  it('drops lines below the configured level', () => {
    const { log, lines } = capture('info');
    log.debug('hidden');
    expect(lines).toHaveLength(0);
    const verbose = capture('debug');
    verbose.log.debug('shown');
    expect(verbose.lines).toHaveLength(1);
  });

  it('serialises errors with their message and stack', () => {
    const { log, lines } = capture('info');
    log.error({ err: new Error('boom') }, 'failed');
    expect(lines[0]?.err).toMatchObject({
      type: 'Error',
      message: 'boom',
      stack: expect.stringContaining('boom'),
    });
  });
});
