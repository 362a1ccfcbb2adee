// Issue 6: a watch that stalls silently (the connection stays open, nothing arrives) is noticed and
// replaced, and what changed meanwhile converges. A real API server (the fake-node cluster's) behind
// a loopback proxy that freezes every connection open at that moment; new connections work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningOperator, tempDir } from '../operator/operator-process.ts';
import { type FakeFixture, log, setUpFake, stillRunning } from './operator-fixture.ts';
import { StallingProxy } from './stalling-proxy.ts';

const names = Array.from({ length: 5 }, (_, i) => `stall-${i}`);

describe('a stalled watch', () => {
  const adminPath = inject('fakeKubeconfig');
  const dir = tempDir();
  let f: FakeFixture;
  let proxy: StallingProxy;
  let op: RunningOperator;

  beforeAll(async () => {
    f = await setUpFake(adminPath, 'stall');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(adminPath);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster');
    const server = new URL(cluster.server);
    proxy = await StallingProxy.start({ host: server.hostname, port: Number(server.port) });
    // The same cluster and credentials through the proxy (the certificate is for 127.0.0.1 too).
    const proxied = JSON.parse(kc.exportConfig()) as { clusters: { cluster: { server: string } }[] };
    for (const c of proxied.clusters) c.cluster.server = `https://127.0.0.1:${proxy.port}`;
    writeFileSync(join(dir.path, 'kubeconfig'), JSON.stringify(proxied), { mode: 0o600 });
  });
  afterAll(async () => {
    await f?.teardown();
    await proxy?.close();
    dir.remove();
  });

  it('is replaced, and changes made while it was silent converge', async () => {
    op = await f.start(join(dir.path, 'kubeconfig'));
    f.apply(names, 'before');
    await f.converged(names, 'before');

    const frozen = proxy.stall();
    log(`stalled ${frozen} open connections (watches and pooled requests)`);
    expect(frozen, 'the operator had connections open').toBeGreaterThan(0);
    const t0 = Date.now();
    f.apply(names, 'changed while stalled');
    await f.converged(names, 'changed while stalled', { timeoutMs: 180_000, ready: false });
    log(`changes made during the stall converged after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    stillRunning(op);
  }, 300_000);
});
