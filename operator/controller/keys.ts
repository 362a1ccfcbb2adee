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
