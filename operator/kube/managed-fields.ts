// Our field manager's entry in an object's managedFields: what we last server-side applied to the
// object itself (not to a subresource such as status). Up-to-date checks, the replicas hand-off and
// change detection all read it.
import type { KubeObject, ManagedFieldsEntry } from './rest.ts';

/** The `operation: Apply` entry of `manager` on the main resource, if it ever applied. */
export function applyEntry(obj: KubeObject | undefined, manager: string): ManagedFieldsEntry | undefined {
  return obj?.metadata?.managedFields?.find(
    (f) => f.manager === manager && f.operation === 'Apply' && (f.subresource ?? '') === '',
  );
}
