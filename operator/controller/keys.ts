// Object keys as client-go's cache spells them: `namespace/name`, or `name` when cluster-scoped.

export type ObjectRef = { namespace?: string | undefined; name: string };

export function objectKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** The key of an object as informers deliver it; undefined when it has no name. */
export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string | undefined {
  const name = obj.metadata?.name;
  return name ? objectKey({ namespace: obj.metadata?.namespace, name }) : undefined;
}

export function parseKey(key: string): ObjectRef {
  const slash = key.indexOf('/');
  if (slash < 0) return { namespace: undefined, name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

type OwnerReference = { apiVersion?: string; kind?: string; name?: string; controller?: boolean };

/**
 * The key of the object's controlling owner of the given kind (same namespace, as owner
 * references require), so a handler on a child can enqueue its parent. Undefined if none.
 */
export function controllerOwnerKey(
  obj: { metadata?: { namespace?: string; ownerReferences?: OwnerReference[] } },
  owner: { group: string; kind: string },
): string | undefined {
  const ref = obj.metadata?.ownerReferences?.find(
    (r) => r.controller === true && r.kind === owner.kind && r.apiVersion?.split('/')[0] === owner.group,
  );
  return ref?.name ? objectKey({ namespace: obj.metadata?.namespace, name: ref.name }) : undefined;
}
