import { chmodSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle.ts';
import { createMetrics } from './metrics.ts';
import { prepareMessageResponses } from './responses.ts';
import { createWorkloadServer } from './server.ts';
import { freshTmpDir, runUntilExit, type SpawnOptions, startWorkload } from './test-support.ts';

describe('start-up', () => {
  it.each([
    ['PORT', 'eighty'],
    ['PORT', '99999'],
    ['LOG_LEVEL', 'loud'],
    ['MESSAGES', ''],
    ['TMPDIR', 'tmp'],
    ['SHUTDOWN_DRAIN_SECONDS', 'later'],
    ['SCRATCH_MAX_ITEM_BYTES', '1k'],
  ])('exits non-zero with one line naming %s when it is %j', async (setting, value) => {
    const run = await runUntilExit({ [setting]: value });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(setting);
  });

  it('exits non-zero naming TMPDIR when it cannot write there', async () => {
    const run = await runUntilExit({ TMPDIR: '/nonexistent/tmp' });
    expect(run.code).toBe(1);
    const fatal = run.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.level === 'fatal');
    expect(fatal).toMatchObject({ setting: 'TMPDIR', msg: 'TMPDIR is not writable' });
  });

  it('exits non-zero naming PORT when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = await runUntilExit({ PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/"setting":"PORT".*"msg":"cannot listen"/);
    } finally {
      blocker.close();
    }
  });

  describe('puts one line on stderr naming the setting and the cause', () => {
    async function expectOneLine(
      env: Record<string, string>,
      setting: string,
      cause: RegExp,
      options: SpawnOptions = {},
    ) {
      const run = await runUntilExit(env, options);
      expect(run.code).toBe(1);
      const lines = run.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toEqual([expect.stringContaining(setting)]);
      expect(lines[0]).toMatch(cause);
    }

    it('when TMPDIR does not exist', async () => {
      await expectOneLine({ TMPDIR: '/nonexistent/tmp' }, 'TMPDIR="/nonexistent/tmp"', /ENOENT/);
    });

    it('when TMPDIR is read-only', async () => {
      const readOnly = freshTmpDir();
      chmodSync(readOnly, 0o555);
      await expectOneLine({ TMPDIR: readOnly }, `TMPDIR="${readOnly}"`, /EACCES|EROFS/, {
        unprivileged: true,
      });
    });

    it('when the port is taken', async () => {
      const blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, r));
      const { port } = blocker.address() as AddressInfo;
      try {
        await expectOneLine({ PORT: String(port) }, `PORT=${port}`, /EADDRINUSE/);
      } finally {
        blocker.close();
      }
    });

    it('when the port is privileged', async () => {
      const tmp = freshTmpDir();
      chmodSync(tmp, 0o777);
      await expectOneLine({ PORT: '80', TMPDIR: tmp }, 'PORT=80', /EACCES.*below 1024/, {
        unprivileged: true,
      });
    });
  });

  it('logs every request at debug level, probes included, when LOG_LEVEL=debug', async () => {
    const w = await startWorkload({ LOG_LEVEL: 'debug' });
    try {
      await (await fetch(`${w.url}/`)).text();
      await (await fetch(`${w.url}/readyz`)).text();
      const requests = await new Promise<typeof w.logs>((resolve) => {
        const poll = () => {
          const r = w.logs.filter((l) => l.msg === 'request');
          if (r.length >= 2) resolve(r);
          else setTimeout(poll, 10);
        };
        poll();
      });
      expect(requests.map((l) => [l.level, l.route, l.status])).toEqual([
        ['debug', '/', 200],
        ['debug', '/readyz', 200],
      ]);
    } finally {
      await w.stop();
    }
  });
});

describe('readiness before start-up is done', () => {
  it('answers readyz 503 while healthz and the message already work', async () => {
    const lifecycle = new Lifecycle();
    const server = createWorkloadServer({
      responses: prepareMessageResponses('hi', 'host', 'v'),
      lifecycle,
      metrics: createMetrics(),
      logger: pino({ level: 'silent' }),
      scratch: () => undefined,
      workMaxMs: 10,
      workMaxConcurrent: 0,
      scratchMaxBytesInFlight: 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const readyz = await fetch(`${url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await readyz.text()).toBe('starting\n');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const scratch = await fetch(`${url}/scratch`, { method: 'POST', body: 'x' });
      expect(scratch.status).toBe(503);
      await scratch.text();

      lifecycle.phase = 'ready';
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
