import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDeployment } from './deployment.ts';
import { hello, LONGEST_NAME, settings } from './fixtures.ts';
import { buildService, serviceURL } from './service.ts';

const podLabels = (spec = {}) => buildDeployment(hello(spec), settings).spec?.template.metadata?.labels ?? {};

describe('buildService', () => {
  it.each([
    ['defaults', {}, 'ClusterIP', 80],
    ['NodePort', { service: { type: 'NodePort' as const } }, 'NodePort', 80],
    [
      'LoadBalancer on 8443',
      { service: { type: 'LoadBalancer' as const, port: 8443 } },
      'LoadBalancer',
      8443,
    ],
  ])('exposes the pods (%s)', (_, spec, type, port) => {
    const svc = buildService(hello(spec), settings);
    expect(svc.spec?.type).toBe(type);
    expect(svc.spec?.ports).toEqual([
      { name: 'http', protocol: 'TCP', appProtocol: 'http', port, targetPort: 'http' },
    ]);
  });

  it('targets a port the container declares, and selects the pods', () => {
    const svc = buildService(hello({ port: 9000 }), settings);
    const container = buildDeployment(hello({ port: 9000 }), settings).spec?.template.spec?.containers[0];
    expect(container?.ports?.map((p) => p.name)).toContain(svc.spec?.ports?.[0]?.targetPort);
    expect(podLabels({ port: 9000 })).toMatchObject(svc.spec?.selector ?? { missing: true });
  });

  it('has an in-cluster URL', () => {
    expect(serviceURL(hello({ service: { port: 8000 } }))).toBe('http://hello.demo.svc:8000/');
  });

  it('has a DNS-1035 name for the longest HelloService name', () => {
    expect(buildService(hello({}, { name: LONGEST_NAME }), settings).metadata?.name).toMatch(
      /^[a-z][-a-z0-9]{0,62}$/,
    );
  });
});

describe('buildService: labels and annotations (issue 20)', () => {
  it('renders a Service without them exactly as before them', () => {
    const before = JSON.parse(readFileSync('operator/resources/testdata/minimal-children.json', 'utf8'));
    expect(JSON.parse(JSON.stringify(buildService(hello(), settings)))).toEqual(before.service);
  });

  it('adds service.labels under the operator’s own and copies service.annotations', () => {
    const annotations = { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' };
    const svc = buildService(hello({ service: { labels: { team: 'a' }, annotations } }), settings);
    expect(svc.metadata?.labels).toEqual({ team: 'a', ...buildService(hello(), settings).metadata?.labels });
    expect(svc.metadata?.annotations).toEqual(annotations);
  });
});
