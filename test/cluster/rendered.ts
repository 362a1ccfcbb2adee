// The objects of a rendered manifest stream (helm template, kubectl kustomize), typed as far as the
// manifest unit tests read them.
import { parseAllDocuments } from 'yaml';
import type { PolicyRule } from '../../operator/resources/rbac.ts';

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  // biome-ignore lint/suspicious/noExplicitAny: manifests, read field by field in assertions
  spec?: Record<string, any>;
};

export function objectsOf(yaml: string): Obj[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

/** The environment of the operator's container in the Deployment of `objects`. */
export function managerEnv(objects: Obj[]): Record<string, string> {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const env: { name: string; value?: string }[] = deployment?.spec?.template.spec.containers[0].env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? '']));
}
