// Issue 18: /metrics behind authentication, against a real kube-apiserver (the fake-node cluster's,
// with RBAC authorization and ServiceAccount tokens as on any cluster). The operator runs as its own
// process under its ServiceAccount's token, bound to deploy/rbac's generated role only, so the test
// also proves that role lets it create TokenReviews and SubjectAccessReviews. Scrapers are
// ServiceAccounts with tokens from the TokenRequest API, one bound to deploy/rbac's metrics-reader.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeConfig } from '../cluster/kube.ts';
import {
  httpsGet,
  installCrd,
  kubectlFor,
  must,
  NS_PREFIX,
  parseMetrics,
  type RunningOperator,
  rbacManifests,
  repoRoot,
  scraperToken,
  startOperator,
  tokenKubeconfig,
} from '../operator/operator-process.ts';

describe('secure /metrics on a real API server', () => {
  const adminPath = inject('fakeKubeconfig');
  const kubectl = kubectlFor(adminPath);
  const suffix = randomBytes(3).toString('hex');
  const ns = `${NS_PREFIX}metrics-auth-${suffix}`;
  const readerRole = `hello-operator-metrics-reader-${suffix}`;
  const readerBinding = `metrics-reader-${suffix}`;
  let op: RunningOperator | undefined;
  let url = '';
  const dir = mkdtempSync(join(tmpdir(), 'metrics-auth-'));

  beforeAll(async () => {
    installCrd(kubectl);
    must(kubectl, ['create', 'namespace', ns]);
    must(kubectl, ['apply', '-n', ns, '-f', '-'], rbacManifests(ns, suffix));
    const reader = readFileSync(join(repoRoot, 'deploy/rbac/metrics_reader_role.yaml'), 'utf8');
    must(
      kubectl,
      ['apply', '-f', '-'],
      reader.replace('name: hello-operator-metrics-reader', `name: ${readerRole}`),
    );
    const operatorToken = must(kubectl, [
      'create',
      'token',
      'hello-operator',
      '-n',
      ns,
      '--duration=1h',
    ]).trim();
    op = await startOperator(tokenKubeconfig(kubeConfig(adminPath), operatorToken, dir), [
      `--watch-namespaces=${ns}`,
      '--leader-elect=false',
      '--metrics-secure=true',
    ]);
    url = `https://${op.metricsAddress}/metrics`;
  });

  afterAll(async () => {
    await op?.stop();
    rmSync(dir, { recursive: true, force: true });
    kubectl(['delete', 'clusterrolebinding', readerBinding, '--ignore-not-found']);
    kubectl(['delete', 'clusterrole', readerRole, `hello-operator-manager-${suffix}`, '--ignore-not-found']);
    kubectl(['delete', 'clusterrolebinding', `hello-operator-manager-${suffix}`, '--ignore-not-found']);
    kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  it('refuses a scrape without a token (401) or with one the API server does not know (401)', async () => {
    expect((await httpsGet(url)).status).toBe(401);
    expect((await httpsGet(url, 'not-a-token')).status).toBe(401);
  });

  it('refuses a ServiceAccount token without the metrics-reader role (403)', async () => {
    const token = scraperToken(kubectl, ns, 'no-reader');
    expect(await httpsGet(url, token)).toMatchObject({ status: 403, body: 'Forbidden\n' });
  });

  it('serves the Prometheus text to a ServiceAccount bound to metrics-reader (200)', async () => {
    const token = scraperToken(kubectl, ns, readerBinding, readerRole);
    const res = await httpsGet(url, token);
    expect(res.status).toBe(200);
    const metrics = parseMetrics(res.body);
    expect([...metrics.keys()].some((k) => k.startsWith('controller_runtime_reconcile_total{'))).toBe(true);
    expect(metrics.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    // The plain-HTTP scrape of a local run is not answered.
    await expect(fetch(`http://${op?.metricsAddress}/metrics`)).rejects.toThrow();
  });
});
