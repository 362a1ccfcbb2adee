import { describe, expect, it } from 'vitest';
import { hello, settings } from './fixtures.ts';
import { buildIngress, ingressURL } from './ingress.ts';
import { buildService } from './service.ts';

describe('buildIngress', () => {
  it('is absent when not asked for', () => {
    expect(buildIngress(hello(), settings)).toBeUndefined();
    expect(ingressURL(hello())).toBeUndefined();
  });

  it.each([
    ['a host only', { host: 'hello.example.com' }, undefined, '/', undefined, 'http://hello.example.com/'],
    [
      'a class and a path',
      { host: 'hello.example.com', className: 'nginx', path: '/hello' },
      'nginx',
      '/hello',
      undefined,
      'http://hello.example.com/hello',
    ],
    [
      'TLS',
      { host: 'hello.example.com', tls: { secretName: 'hello-tls' } },
      undefined,
      '/',
      [{ hosts: ['hello.example.com'], secretName: 'hello-tls' }],
      'https://hello.example.com/',
    ],
  ])('routes the host to the Service (%s)', (_, ingress, className, path, tls, url) => {
    const hs = hello({ ingress });
    const ing = buildIngress(hs, settings);
    const svc = buildService(hs, settings);
    expect(ing).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' });
    expect(ing?.spec?.ingressClassName).toBe(className);
    expect(ing?.spec?.tls).toEqual(tls);
    const rule = ing?.spec?.rules?.[0];
    expect(rule?.host).toBe(ingress.host);
    expect(rule?.http?.paths).toEqual([
      {
        path,
        pathType: 'Prefix',
        backend: { service: { name: svc.metadata?.name, port: { name: svc.spec?.ports?.[0]?.name } } },
      },
    ]);
    expect(ingressURL(hs)).toBe(url);
  });

  it('carries the given annotations, and none otherwise', () => {
    const annotations = { 'cert-manager.io/cluster-issuer': 'letsencrypt' };
    expect(
      buildIngress(hello({ ingress: { host: 'a.example', annotations } }), settings)?.metadata?.annotations,
    ).toEqual(annotations);
    expect(
      buildIngress(hello({ ingress: { host: 'a.example' } }), settings)?.metadata?.annotations,
    ).toBeUndefined();
  });
});
