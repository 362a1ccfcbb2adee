import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { MESSAGES_KEY } from './names.ts';
import { revisionOf } from './revision.ts';
import type { OperatorSettings } from './settings.ts';

/** What the pods of the HelloService's current revision read: the message as MESSAGES. */
function configData(hs: DefaultedHelloService): Record<string, string> {
  return { [MESSAGES_KEY]: hs.spec.message };
}

/** A hash of a ConfigMap's data (sha256, hex): it changes exactly when the content does. */
function configHash(data: Record<string, string>): string {
  const sorted = Object.keys(data)
    .sort()
    .map((key) => [key, data[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * The name of the ConfigMap of the current revision (message and image): the revision's name, as
 * kustomize's configMapGenerator names by content. A new revision is a new ConfigMap; the old one
 * stays as long as a ReplicaSet of the Deployment refers to it, so a pod of an earlier revision that
 * restarts still gets its own message.
 */
export function configMapName(hs: DefaultedHelloService, settings: OperatorSettings): string {
  return revisionOf(hs, settings).name;
}

/** The hash of the message's ConfigMap data: the pod template's config-hash annotation. */
export function messageHash(hs: DefaultedHelloService): string {
  return configHash(configData(hs));
}

/** The immutable ConfigMap of the current message, byte for byte in MESSAGES. */
export function buildConfigMap(hs: DefaultedHelloService, settings: OperatorSettings): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...childMeta(hs, settings), name: configMapName(hs, settings) },
    // Immutable: never changed once written (the API refuses any change of its data), and the
    // kubelet stops watching it.
    immutable: true,
    data: configData(hs),
  };
}
