import { describe, expect, it } from 'vitest';
import { hello, LONGEST_NAME, settings } from './fixtures.ts';
import { buildService } from './service.ts';
import { buildServiceMonitor } from './service-monitor.ts';

describe('buildServiceMonitor', () => {
  it('is absent unless spec.monitoring.enabled', () => {
    expect(buildServiceMonitor(hello(), settings)).toBeUndefined();
    expect(buildServiceMonitor(hello({ monitoring: { enabled: false } }), settings)).toBeUndefined();
  });

  it("selects the HelloService's Service and scrapes /metrics on its named port", () => {
    const hs = hello({ monitoring: { enabled: true } });
    const sm = buildServiceMonitor(hs, settings);
    const service = buildService(hs, settings);
    expect(sm).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' });
    expect(sm?.metadata).toMatchObject({ name: service.metadata?.name, namespace: 'demo' });
    expect(sm?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'HelloService', name: 'hello' });
    expect(service.metadata?.labels).toMatchObject(sm?.spec.selector.matchLabels ?? { missing: true });
    const endpoint = sm?.spec.endpoints[0];
    expect(service.spec?.ports?.map((p) => p.name)).toContain(endpoint?.port);
    expect(endpoint).toMatchObject({ path: '/metrics', interval: '30s' });
  });

  it('takes the scrape interval and extra labels from the spec, without losing its own labels', () => {
    const sm = buildServiceMonitor(
      hello({
        monitoring: {
          enabled: true,
          interval: '1m',
          labels: { release: 'kube-prometheus-stack', 'app.kubernetes.io/managed-by': 'someone' },
        },
      }),
      settings,
    );
    expect(sm?.spec.endpoints[0]?.interval).toBe('1m');
    expect(sm?.metadata.labels).toMatchObject({
      release: 'kube-prometheus-stack',
      'app.kubernetes.io/managed-by': 'hello-operator',
    });
  });

  it('labels every scraped series with the HelloService name, even when the child name is hashed', () => {
    const sm = buildServiceMonitor(
      hello({ monitoring: { enabled: true } }, { name: LONGEST_NAME }),
      settings,
    );
    expect(sm?.metadata.name).not.toBe(LONGEST_NAME);
    expect(sm?.spec.endpoints[0]?.relabelings).toEqual([
      { action: 'replace', targetLabel: 'helloservice', replacement: LONGEST_NAME },
    ]);
  });

  it('is rejected by the schema with an interval that is not a Prometheus duration', () => {
    expect(() => hello({ monitoring: { enabled: true, interval: '30 seconds' } })).toThrow(/interval/);
  });
});
