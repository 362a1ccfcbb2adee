// Table tests for the small builders: ConfigMap, ServiceAccount, Service, Ingress, HPA, PDB,
// NetworkPolicy. Each checks what a user would see in the cluster, and that the pieces fit together
// (ports and names that refer to the Deployment's).

import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../api/schema.ts';
import type { NetworkPolicyPeer } from '../api/types.ts';
import { buildConfigMap } from './configmap.ts';
import { buildDeployment } from './deployment.ts';
import { hello, LONGEST_NAME, settings } from './fixtures.ts';
import { buildHorizontalPodAutoscaler } from './hpa.ts';
import { buildIngress, ingressURL } from './ingress.ts';
import { buildNetworkPolicy } from './networkpolicy.ts';
import { buildPodDisruptionBudget } from './pdb.ts';
import { buildService, serviceURL } from './service.ts';
import { buildServiceAccount } from './serviceaccount.ts';

const podLabels = (spec = {}) => buildDeployment(hello(spec), settings).spec?.template.metadata?.labels ?? {};

describe('buildConfigMap', () => {
  it.each([
    ['ASCII', 'Hello, world!'],
    ['non-ASCII', 'Grüß Gott, 世界! 👋 مرحبا'],
    ['multi-line with a trailing newline', 'line one\n  line two\n\nline four\n'],
    ['Windows line ends', 'one\r\ntwo'],
    ['at the size bound', 'x'.repeat(MAX_MESSAGE_LENGTH)],
    ['at the bound in 4-byte characters', '👋'.repeat(MAX_MESSAGE_LENGTH)],
    ['YAML-looking text', 'key: value\n- item\n---\n'],
  ])('holds the message as MESSAGES, unchanged (%s)', (_, message) => {
    const cm = buildConfigMap(hello({ message }), settings);
    expect(cm).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'hello', namespace: 'demo' },
    });
    expect(cm.data).toEqual({ MESSAGES: message });
  });
});

describe('buildServiceAccount', () => {
  it('mounts no API token, and is the one the pods run as', () => {
    const sa = buildServiceAccount(hello(), settings);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(buildDeployment(hello(), settings).spec?.template.spec?.serviceAccountName).toBe(
      sa.metadata?.name,
    );
  });
});

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

describe('buildHorizontalPodAutoscaler', () => {
  it('is absent without autoscaling', () => {
    expect(buildHorizontalPodAutoscaler(hello(), settings)).toBeUndefined();
    expect(buildHorizontalPodAutoscaler(hello({ replicas: 3 }), settings)).toBeUndefined();
  });

  it.each([
    ['defaults', { maxReplicas: 5 }, 2, 5, 80],
    ['given values', { minReplicas: 1, maxReplicas: 20, targetCPUUtilizationPercentage: 60 }, 1, 20, 60],
  ])('scales the Deployment on CPU (%s)', (_, autoscaling, min, max, target) => {
    const hs = hello({ autoscaling });
    const hpa = buildHorizontalPodAutoscaler(hs, settings);
    const deployment = buildDeployment(hs, settings);
    expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' });
    expect(hpa?.spec?.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: deployment.kind,
      name: deployment.metadata?.name,
    });
    expect(hpa?.spec?.minReplicas).toBe(min);
    expect(hpa?.spec?.maxReplicas).toBe(max);
    expect(hpa?.spec?.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
      },
    ]);
  });
});

describe('buildPodDisruptionBudget', () => {
  it.each([
    ['by default', {}, 1],
    ['with a larger budget', { podDisruptionBudget: { maxUnavailable: 3 } }, 3],
  ])('lets evictions take a bounded number of pods (%s)', (_, spec, maxUnavailable) => {
    const pdb = buildPodDisruptionBudget(hello(spec), settings);
    expect(pdb).toMatchObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' });
    expect(pdb?.spec?.maxUnavailable).toBe(maxUnavailable);
    expect(pdb?.spec?.minAvailable).toBeUndefined();
    expect(podLabels(spec)).toMatchObject(pdb?.spec?.selector?.matchLabels ?? { missing: true });
  });

  it('never lets unhealthy pods block a drain', () => {
    expect(buildPodDisruptionBudget(hello(), settings)?.spec?.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  it('is absent when disabled', () => {
    expect(
      buildPodDisruptionBudget(hello({ podDisruptionBudget: { enabled: false } }), settings),
    ).toBeUndefined();
  });
});

describe('buildNetworkPolicy', () => {
  it.each([[{}], [{ port: 9443 }]])('admits the serving port only, from anywhere by default (%j)', (spec) => {
    const hs = hello(spec);
    const np = buildNetworkPolicy(hs, settings);
    const containerPort = buildDeployment(hs, settings).spec?.template.spec?.containers[0]?.ports?.[0]
      ?.containerPort;
    expect(np).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
    expect(np?.spec?.policyTypes).toEqual(['Ingress']);
    expect(np?.spec?.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: containerPort }] }]);
    expect(podLabels(spec)).toMatchObject(np?.spec?.podSelector?.matchLabels ?? { missing: true });
  });

  it('admits only the given peers when networkPolicy.from is set', () => {
    const from: NetworkPolicyPeer[] = [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      {
        namespaceSelector: { matchLabels: { team: 'obs' } },
        podSelector: { matchLabels: { app: 'prometheus' } },
      },
      { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
    ];
    const np = buildNetworkPolicy(hello({ networkPolicy: { from } }), settings);
    expect(np?.spec?.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }], from }]);
  });

  it('treats an empty from list as from anywhere', () => {
    const np = buildNetworkPolicy(hello({ networkPolicy: { from: [] } }), settings);
    expect(np?.spec?.ingress?.[0]?.from).toBeUndefined();
  });

  it('is absent when disabled', () => {
    expect(buildNetworkPolicy(hello({ networkPolicy: { enabled: false } }), settings)).toBeUndefined();
  });
});
