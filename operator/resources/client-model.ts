// Kept apart from children.ts: importing client-node's runtime costs more than a second at start,
// which render (a CLI) does not need.

import { type KubernetesObject, loadYaml } from '@kubernetes/client-node';
import type { Child } from './children.ts';

/**
 * `child` as a client-node model object, for KubernetesObjectApi.create/patch/replace. Builders
 * return the wire format (what the API server and `kubectl` read, what render prints), but those
 * methods pass the body through client-node's typed serializer, which silently drops fields its
 * models rename: a NetworkPolicy's `from` (the model's `_from`) would vanish, turning "only from
 * these peers" into "from anywhere". Send the result of this function instead, or a raw JSON body.
 */
export function toClientModel(child: Child): KubernetesObject {
  return loadYaml(JSON.stringify(child));
}
