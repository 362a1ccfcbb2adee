// Whether an existing object of a child's name may be applied over. Server-side apply with force
// would take over anything of that name; the operator refuses to, unless the object is this
// HelloService's (its controller owner reference carries the HelloService's uid) or an orphan the
// operator itself rendered (`npm run render | kubectl apply`: our managed-by and instance labels, no
// controller), which it adopts. Pure.
import { applyEntry } from '../kube/managed-fields.ts';
import type { KubeObject } from '../kube/rest.ts';
import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../resources/labels.ts';
import { childName } from '../resources/names.ts';

export type Ownership =
  | { verdict: 'absent' }
  | { verdict: 'owned' }
  | { verdict: 'adoptable' }
  | { verdict: 'foreign'; why: string };

export type Owner = { uid: string; instance: string };

/** What marks a HelloService's children as its own: its uid, and its child name as the instance label. */
export function ownerOf(hs: { metadata?: { uid?: string; name?: string } }): Owner {
  return { uid: hs.metadata?.uid ?? '', instance: childName(hs.metadata?.name ?? '') };
}

export function ownership(existing: KubeObject | undefined, owner: Owner): Ownership {
  if (!existing) return { verdict: 'absent' };
  const controller = existing.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (controller) {
    if (controller.uid === owner.uid) return { verdict: 'owned' };
    return {
      verdict: 'foreign',
      why: `it is controlled by ${controller.kind} ${JSON.stringify(controller.name)} (uid ${controller.uid})`,
    };
  }
  const labels = existing.metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] === MANAGED_BY && labels[INSTANCE_LABEL] === owner.instance) {
    return { verdict: 'adoptable' };
  }
  return { verdict: 'foreign', why: 'it was not created by hello-operator' };
}

/** When our field manager last changed the object (managedFields of operation Apply), if ever. */
export function lastAppliedTime(obj: KubeObject | undefined, manager: string): string | undefined {
  return applyEntry(obj, manager)?.time;
}
