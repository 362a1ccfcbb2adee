// What generic clients conclude about a HelloService: kstatus itself (the library Flux, kpt and
// Helm 4's --wait use; test/cluster/kstatus is built from sigs.k8s.io/cli-utils) and Helm 4's
// `install --wait`. A ready HelloService is Current, one on its way InProgress, and one that cannot
// progress without a change Failed with the reason, long before any timeout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { tool } from '../cluster/cli.ts';
import { type Fixture, setUp } from './ha-fixture.ts';
import { eventually, helloService, must, type Obj, tempDir } from './operator-process.ts';

type KstatusResult = { kind: string; name: string; status: string; message: string };

const readyOf = (hs: Obj | undefined) =>
  (hs?.status?.conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === 'Ready')
    ?.status;

describe('kstatus and Helm 4 read a HelloService right', () => {
  const adminPath = inject('kubeconfig');
  let f: Fixture;

  /** kstatus's verdict on the HelloService as the API server serves it now. */
  const kstatus = async (name: string, namespace = f.ns): Promise<KstatusResult> => {
    const json = must(f.kubectl, ['get', 'hs', name, '-n', namespace, '-o', 'json']);
    const r = await tool(adminPath, 'kstatus', [], json);
    if (r.code !== 0) throw new Error(`kstatus: ${r.stderr}`);
    return JSON.parse(r.stdout) as KstatusResult;
  };
  const create = (name: string, spec: Record<string, unknown>, namespace = f.ns) => {
    onTestFinished(() => {
      f.kubectl(['delete', 'hs', name, '-n', namespace, '--ignore-not-found', '--wait=false']);
    });
    must(f.kubectl, ['apply', '-n', namespace, '-f', '-'], JSON.stringify(helloService(name, spec)));
  };
  const settlesAs = (name: string, want: string, timeoutMs = 120_000) =>
    eventually(
      `${name}: kstatus ${want}`,
      async () => {
        const r = await kstatus(name);
        return r.status === want ? r : undefined;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    f = await setUp(adminPath, 'kst');
    await f.start();
  });
  afterAll(async () => {
    await f?.teardown();
  });

  it('before any operator has seen it: InProgress (its status is served as generation 0 observed)', async () => {
    // A namespace no operator watches.
    const lonely = `${f.ns}-unwatched`;
    must(f.kubectl, ['create', 'namespace', lonely]);
    onTestFinished(() => {
      f.kubectl(['delete', 'namespace', lonely, '--wait=false']);
    });
    create('lonely', {}, lonely);
    const r = await kstatus('lonely', lonely);
    expect(r.status).toBe('InProgress');
    expect(r.message).toMatch(/observed generation is 0/);
  });

  it('a ready HelloService is Current', async () => {
    create('good', {});
    await settlesAs('good', 'Current');
    expect(readyOf(f.get('hs', 'good'))).toBe('True');
  });

  it('a rollout that cannot progress is InProgress, then Failed at its deadline, with the reason', async () => {
    // An image no node has and none can pull: nothing leaves the machine (a localhost registry).
    create('stuck', { image: 'localhost/hello-does-not-exist:1', rollout: { progressDeadlineSeconds: 10 } });
    const first = await eventually('stuck: a status', async () => {
      const r = await kstatus('stuck');
      return f.get('hs', 'stuck')?.status?.conditions ? r : undefined;
    });
    expect(first.status).toBe('InProgress');
    const failed = await settlesAs('stuck', 'Failed');
    expect(failed.message).toMatch(/made no progress in time/);
  });

  it('a name clash is Failed with the reason', async () => {
    must(f.kubectl, ['create', 'serviceaccount', 'clash', '-n', f.ns]);
    onTestFinished(() => {
      f.kubectl(['delete', 'serviceaccount', 'clash', '-n', f.ns, '--ignore-not-found']);
    });
    create('clash', {});
    const r = await settlesAs('clash', 'Failed');
    expect(r.message).toMatch(/A ServiceAccount named "clash" already exists/);
  });

  it('an IngressClass that does not exist is Failed with the reason', async () => {
    create('noclass', { ingress: { host: 'noclass.example', className: 'no-such-class' } });
    const r = await settlesAs('noclass', 'Failed');
    expect(r.message).toMatch(/there is no IngressClass "no-such-class"/);
  });

  describe('helm install --wait (Helm 4: kstatus)', () => {
    const dir = tempDir();
    afterAll(() => dir.remove());
    /** A chart of one HelloService with `spec`. */
    const chart = (name: string, spec: Record<string, unknown>) => {
      const path = join(dir.path, name);
      mkdirSync(join(path, 'templates'), { recursive: true });
      writeFileSync(join(path, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
      writeFileSync(join(path, 'templates', 'hs.yaml'), JSON.stringify(helloService(name, spec)));
      return path;
    };
    const install = async (name: string, spec: Record<string, unknown>) => {
      onTestFinished(async () => {
        await tool(adminPath, 'helm', ['uninstall', name, '-n', f.ns, '--wait=hookOnly']);
      });
      const started = Date.now();
      const r = await tool(adminPath, 'helm', [
        'install',
        name,
        chart(name, spec),
        '-n',
        f.ns,
        '--wait',
        '--timeout',
        '5m',
      ]);
      return { ...r, seconds: (Date.now() - started) / 1000 };
    };

    it('waits for a workable HelloService until it is Ready', async () => {
      const r = await install('helm-good', {});
      // Helm's client-go may log that its own watch ended as the wait returned (context canceled):
      // its teardown, not a word about the HelloService. Anything else on stderr is a finding.
      const stderr = r.stderr
        .split('\n')
        .filter((l) => l !== '' && !/watch ended with error.*context canceled/.test(l));
      expect(stderr).toEqual([]);
      expect(r.code).toBe(0);
      expect(readyOf(f.get('hs', 'helm-good'))).toBe('True');
    });

    it('fails on an unworkable one long before its timeout, naming the reason', async () => {
      const r = await install('helm-bad', { ingress: { host: 'bad.example', className: 'no-such-class' } });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/status: Failed/);
      expect(r.stderr).toMatch(/there is no IngressClass "no-such-class"/);
      expect(r.stderr).not.toMatch(/deadline exceeded/);
      expect(r.seconds).toBeLessThan(300);
    });
  });
});
