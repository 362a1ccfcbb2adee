import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { childMeta } from './meta.ts';
import { MESSAGES_KEY } from './names.ts';
import type { OperatorSettings } from './settings.ts';

/** The ConfigMap holding the message as MESSAGES, byte for byte. */
export function buildConfigMap(hs: DefaultedHelloService, settings: OperatorSettings): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(hs, settings),
    data: { [MESSAGES_KEY]: hs.spec.message },
  };
}

/** A hash of the ConfigMap's data (sha256, hex): it changes exactly when the content does. */
export function configHash(configMap: V1ConfigMap): string {
  const data = configMap.data ?? {};
  const sorted = Object.keys(data)
    .sort()
    .map((key) => [key, data[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
