// The manifest checks shared by the tests: kube-score, and kubeconform with JSON schemas made at test
// time from the cluster's own OpenAPI (built-in kinds) and from crds/ (our CRD): no internet.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tool } from './cli.ts';

export interface KubeScoreFinding {
  object: string;
  check: string;
  grade: number;
  comments: unknown;
}

/** kube-score's findings (grade below 10: 1 critical, 5 warning, 7 almost OK) for a YAML stream. */
export async function kubeScore(
  kubeconfig: string,
  yaml: string,
  ignored: string[],
): Promise<KubeScoreFinding[]> {
  const args = ['score', '-o', 'json', ...ignored.flatMap((id) => ['--ignore-test', id]), '-'];
  const scored = await tool(kubeconfig, 'kube-score', args, yaml);
  if (scored.stderr !== '') throw new Error(`kube-score: ${scored.stderr}`);
  const objects = JSON.parse(scored.stdout) as {
    object_name: string;
    type_meta: { kind: string };
    checks: { check: { id: string }; grade: number; skipped: boolean; comments: unknown }[];
  }[];
  if (objects.length === 0) throw new Error('kube-score saw no object');
  return objects.flatMap((o) =>
    o.checks
      .filter((c) => !c.skipped && c.grade < 10)
      .map((c) => ({
        object: `${o.type_meta.kind}/${o.object_name}`,
        check: c.check.id,
        grade: c.grade,
        comments: c.comments,
      })),
  );
}

type Json = Record<string, unknown>;
type Gvk = { group: string; version: string; kind: string };

/** Where kubeconform finds a kind's schema: `-schema-location dir/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`
 * (kubeconform's Group is the apiVersion's first part: `v1` for the core group). */
export const schemaLocation = (dir: string) =>
  join(dir, '{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json');

function schemaFile(dir: string, { group, version, kind }: Gvk): string {
  return join(dir, group || version, version, `${kind.toLowerCase()}.json`);
}

/** Strict, like kubeconform's own `-strict` schemas: an object with known fields allows no other. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = strict(v);
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** The `#/components/schemas/…` names a schema refers to, transitively. */
function referenced(root: unknown, all: Json): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = decodeURIComponent(v.replace('#/components/schemas/', ''));
        if (!seen.has(name) && all[name] !== undefined) {
          seen.add(name);
          walk(all[name]);
        }
      } else walk(v);
    }
  };
  walk(root);
  return seen;
}

/**
 * Writes a kubeconform schema for every kind the cluster serves (from /openapi/v3, each with the
 * definitions it refers to) and then for each CRD in `crds` (their openAPIV3Schema), which win over
 * whatever version of them the cluster holds. Returns the number of schemas written.
 */
export async function writeSchemas(kubeconfig: string, dir: string, crds: Json[]): Promise<number> {
  const raw = async (path: string): Promise<Json> => {
    const r = await tool(kubeconfig, 'kubectl', ['get', '--raw', path]);
    if (r.code !== 0) throw new Error(`kubectl get --raw ${path}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Json;
  };
  const index = (await raw('/openapi/v3')) as { paths: Record<string, { serverRelativeURL: string }> };
  const groupVersions = Object.entries(index.paths).filter(
    ([p]) => p === 'api/v1' || /^apis\/[^/]+\/[^/]+$/.test(p),
  );
  let written = 0;
  const write = (gvk: Gvk, schema: unknown) => {
    const file = schemaFile(dir, gvk);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(strict(schema)));
    written++;
  };
  for (const [, { serverRelativeURL }] of groupVersions) {
    const doc = await raw(serverRelativeURL);
    const all = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    for (const [name, schema] of Object.entries(all)) {
      const gvks = (schema as Json)['x-kubernetes-group-version-kind'] as Gvk[] | undefined;
      // A kind's own schema: the ones named for a group-version-kind that are not its List.
      const gvk = gvks?.length === 1 ? gvks[0] : undefined;
      if (!gvk || name.endsWith('List')) continue;
      const schemas: Json = {};
      for (const ref of referenced(schema, all)) schemas[ref] = all[ref];
      write(gvk, { ...(schema as Json), components: { schemas } });
    }
  }
  for (const crd of crds) {
    const spec = crd.spec as {
      group: string;
      names: { kind: string };
      versions: { name: string; schema: { openAPIV3Schema: Json } }[];
    };
    for (const v of spec.versions) {
      write({ group: spec.group, version: v.name, kind: spec.names.kind }, v.schema.openAPIV3Schema);
    }
  }
  return written;
}

/** kubeconform -strict of a YAML stream against the schemas in `dir`; every kind must have one. */
export async function kubeconform(kubeconfig: string, dir: string, yaml: string) {
  const args = ['-strict', '-summary', '-output', 'json', '-schema-location', schemaLocation(dir), '-'];
  const r = await tool(kubeconfig, 'kubeconform', args, yaml);
  const report = JSON.parse(r.stdout || '{}') as {
    resources?: { kind: string; name: string; status: string; msg: string }[];
    summary?: { valid: number; invalid: number; errors: number; skipped: number };
  };
  return { code: r.code, stderr: r.stderr, resources: report.resources ?? [], summary: report.summary };
}
