// The cluster harness's pinned versions and manifests, checked without a cluster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { scriptsDir, versions } from '../cluster/paths.ts';

describe('cluster harness configuration', () => {
  it('pins every piece in versions.env', () => {
    const v = versions();
    for (const key of [
      'KUBERNETES_VERSION',
      'ETCD_VERSION',
      'KWOK_VERSION',
      'METRICS_SERVER_VERSION',
      'TRAEFIK_VERSION',
      'COREDNS_VERSION',
      'KUBE_SCORE_VERSION',
      'KUBECONFORM_VERSION',
      'PAUSE_VERSION',
    ]) {
      expect(v[key], key).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
    expect(v.KUBERNETES_VERSION).toBe('v1.35.4');
  });

  it('keeps CoreDNS to cluster names: no forward, no loop', () => {
    const cm = parse(readFileSync(join(scriptsDir, 'manifests', 'coredns-corefile.yaml'), 'utf8')) as {
      data: { Corefile: string };
    };
    const corefile = cm.data.Corefile;
    expect(corefile).toContain('kubernetes cluster.local');
    expect(corefile).not.toMatch(/^\s*(forward|loop)\b/m);
  });

  it('turns off Traefik calls home and gives it an IngressClass', () => {
    const docs = parseAllDocuments(readFileSync(join(scriptsDir, 'manifests', 'traefik.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; spec?: { controller?: string } },
    );
    expect(docs.find((d) => d.kind === 'IngressClass')?.spec?.controller).toBe(
      'traefik.io/ingress-controller',
    );
    const text = readFileSync(join(scriptsDir, 'manifests', 'traefik.yaml'), 'utf8');
    expect(text).toContain('--global.checkNewVersion=false');
    expect(text).toContain('--global.sendAnonymousUsage=false');
  });
});
