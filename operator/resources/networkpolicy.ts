import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
} from '@kubernetes/client-node';
import type { DefaultedHelloService, DefaultedNetworkPolicyPeer } from '../api/types.ts';
import { selectorLabels } from './labels.ts';
import { childMeta } from './meta.ts';
import type { OperatorSettings } from './settings.ts';

/** V1NetworkPolicy as the API server spells it: client-node's model calls the ingress rule's `from`
 * `_from`, but builders return wire format, which the raw JSON client (kube/rest.ts) sends as is. */
export type NetworkPolicy = Omit<V1NetworkPolicy, 'spec'> & {
  spec: Omit<V1NetworkPolicySpec, 'ingress'> & {
    ingress: Array<Omit<V1NetworkPolicyIngressRule, '_from'> & { from?: V1NetworkPolicyPeer[] }>;
  };
};

function peer(p: DefaultedNetworkPolicyPeer): V1NetworkPolicyPeer {
  return {
    ...(p.namespaceSelector ? { namespaceSelector: { ...p.namespaceSelector } } : {}),
    ...(p.podSelector ? { podSelector: { ...p.podSelector } } : {}),
    ...(p.ipBlock ? { ipBlock: { ...p.ipBlock } } : {}),
  };
}

/**
 * The NetworkPolicy admitting traffic to the pods on their serving port only (which also serves the
 * probes and /metrics), from spec.networkPolicy.from or, when that is empty, from anywhere; every other
 * incoming connection is dropped, and so is every outgoing one. Undefined when disabled.
 */
export function buildNetworkPolicy(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
): NetworkPolicy | undefined {
  const policy = hs.spec.networkPolicy;
  if (!policy.enabled) return undefined;
  const from = policy.from ?? [];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMeta(hs, settings),
    spec: {
      podSelector: { matchLabels: selectorLabels(hs) },
      // The workload opens no connections of its own, so all outgoing traffic is denied (answers to
      // admitted connections still flow): Egress is a policy type and there are no egress rules.
      // No `egress: []`: the API server drops empty lists, so a server-side apply that sends one
      // differs from what is stored every time, bumping the generation on every apply (a reconcile
      // loop, seen on a real cluster).
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          ports: [{ protocol: 'TCP', port: hs.spec.port }],
          ...(from.length > 0 ? { from: from.map(peer) } : {}),
        },
      ],
    },
  };
}
