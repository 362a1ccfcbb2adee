import { describe, expect, it } from 'vitest';
import type { NetworkPolicyPeer } from '../api/types.ts';
import { buildDeployment } from './deployment.ts';
import { hello, settings } from './fixtures.ts';
import { buildNetworkPolicy } from './networkpolicy.ts';

const podLabels = (spec = {}) => buildDeployment(hello(spec), settings).spec?.template.metadata?.labels ?? {};

describe('buildNetworkPolicy', () => {
  it.each([[{}], [{ port: 9443 }]])(
    'admits the serving port only, from anywhere by default, and no outgoing traffic (%j)',
    (spec) => {
      const hs = hello(spec);
      const np = buildNetworkPolicy(hs, settings);
      const containerPort = buildDeployment(hs, settings).spec?.template.spec?.containers[0]?.ports?.[0]
        ?.containerPort;
      expect(np).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
      expect(np?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
      // No egress rules at all: deny every outgoing connection. Absent, not [] (which the API server
      // drops, so applying it would change the object on every apply).
      expect(np?.spec).not.toHaveProperty('egress');
      expect(np?.spec?.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: containerPort }] }]);
      expect(podLabels(spec)).toMatchObject(np?.spec?.podSelector?.matchLabels ?? { missing: true });
    },
  );

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
