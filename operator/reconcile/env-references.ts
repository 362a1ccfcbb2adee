// The Secret and ConfigMap keys a HelloService's spec.env reads. Their values reach the pods only
// when a pod starts, so the reconciler hashes them into the pod template (ENV_HASH_ANNOTATION): a
// changed value rolls the pods like a new message. A reference that cannot be resolved stops the
// reconcile before anything is applied, as a cluster check does: the running pods stay, and the
// status names what is missing. The objects are read by name each reconcile (never listed or
// watched: the operator reads only the Secrets a HelloService names) and looked at again every
// ENV_RECHECK_MS, since a change to them enqueues nothing.
import { createHash } from 'node:crypto';
import type { DefaultedHelloService } from '../api/types.ts';
import { ReconcileError } from '../controller/index.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import type { ReconcilerDeps } from './deps.ts';

/** How soon a HelloService whose env reads Secrets or ConfigMaps is looked at again. */
export const ENV_RECHECK_MS = 30_000;

const KINDS = {
  Secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
} as const satisfies Record<string, KindInfo>;

export type EnvReference = {
  kind: keyof typeof KINDS;
  name: string;
  key: string;
  optional: boolean;
  /** The variable that reads it, for messages. */
  env: string;
};

export function envReferences(hs: DefaultedHelloService): EnvReference[] {
  return (hs.spec.env ?? []).flatMap((v): EnvReference[] => {
    const from = v.valueFrom;
    const ref = from?.secretKeyRef ?? from?.configMapKeyRef;
    if (!ref) return [];
    const kind = from?.secretKeyRef ? 'Secret' : 'ConfigMap';
    return [{ kind, name: ref.name, key: ref.key, optional: ref.optional === true, env: v.name }];
  });
}

type DataObject = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

/**
 * The hash of every referenced key's value (absent ones of optional references count as absent),
 * or undefined when spec.env reads none. Throws when a required Secret, ConfigMap or key is missing.
 */
export async function envHash(
  deps: Pick<ReconcilerDeps, 'read'>,
  hs: DefaultedHelloService,
  signal: AbortSignal,
): Promise<string | undefined> {
  const refs = envReferences(hs);
  if (refs.length === 0) return undefined;
  const namespace = hs.metadata.namespace;
  // Each object once, however many variables read it.
  const objects = new Map<string, Promise<DataObject | undefined>>();
  const read = (r: EnvReference) => {
    const id = `${r.kind}/${r.name}`;
    let got = objects.get(id);
    if (!got) {
      got = deps.read(KINDS[r.kind], r.name, namespace, signal) as Promise<DataObject | undefined>;
      objects.set(id, got);
    }
    return got;
  };
  const hash = createHash('sha256');
  for (const r of refs) {
    const obj = await read(r);
    const value = obj?.data?.[r.key] ?? obj?.binaryData?.[r.key];
    if (value === undefined && !r.optional) throw missing(r, namespace, obj !== undefined);
    // The values themselves never leave this function: only their hash goes on the pods.
    hash.update(JSON.stringify([r.kind, r.name, r.key, value ?? null]));
  }
  return hash.digest('hex').slice(0, 16);
}

function missing(r: EnvReference, namespace: string | undefined, objectExists: boolean): ReconcileError {
  const what = objectExists
    ? `${r.kind} ${JSON.stringify(r.name)} has no key ${JSON.stringify(r.key)}`
    : `there is no ${r.kind} ${JSON.stringify(r.name)} in namespace ${namespace ?? 'default'}`;
  return new ReconcileError(
    'EnvReferenceNotFound',
    `spec.env ${r.env}: ${what}; create it, or mark the reference optional. The running pods are left as they are.`,
    { retryAfterMs: ENV_RECHECK_MS },
  );
}
