import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { childName, MESSAGES_KEY } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** Hex digits of the content hash in a ConfigMap's name: 40 bits, no clash among a few revisions. */
const NAME_HASH_LENGTH = 10;

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
 * The name of the current message's ConfigMap: the child name and a hash of it and the content, as
 * kustomize's configMapGenerator names them. A new message is a new ConfigMap; the old one stays as
 * long as a ReplicaSet of the Deployment refers to it, so a pod of an earlier revision that
 * restarts still gets its own message. At most 63 characters, a DNS-1035 label like every child
 * name: the child name is cut, and the hash covers all of it, so two HelloServices never share one.
 */
export function configMapName(hs: DefaultedHelloService): string {
  const name = childName(hs.metadata.name);
  const hash = createHash('sha256')
    .update(`${name}\0${messageHash(hs)}`)
    .digest('hex');
  const prefix = name.slice(0, 63 - NAME_HASH_LENGTH - 1).replace(/-+$/, '');
  return `${prefix}-${hash.slice(0, NAME_HASH_LENGTH)}`;
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
    metadata: { ...childMeta(hs, settings), name: configMapName(hs) },
    // Immutable: never changed once written (the API refuses any change of its data), and the
    // kubelet stops watching it.
    immutable: true,
    data: configData(hs),
  };
}
