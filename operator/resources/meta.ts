// Metadata shared by every child: name, namespace, labels and the owner reference.

import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND } from '../api/schema.ts';
import type { DefaultedHelloService } from '../api/types.ts';
import { childLabels } from './labels.ts';
import { childName } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/**
 * The owner reference that makes a child garbage-collected with its HelloService, or undefined when
 * the HelloService has no uid: `render` works without a cluster, and an owner reference without the
 * owner's uid is rejected, so rendered children carry none (see docs/api.md).
 */
export function ownerReference(hs: DefaultedHelloService): V1OwnerReference | undefined {
  const { uid, name } = hs.metadata;
  if (!uid) return undefined;
  return { apiVersion: API_VERSION, kind: KIND, name, uid, controller: true, blockOwnerDeletion: true };
}

/** The metadata of a child of `hs`. */
export function childMeta(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
  annotations?: Record<string, string>,
): V1ObjectMeta {
  const owner = ownerReference(hs);
  return {
    name: childName(hs.metadata.name),
    ...(hs.metadata.namespace ? { namespace: hs.metadata.namespace } : {}),
    labels: childLabels(hs, settings),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
}
