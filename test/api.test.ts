// The HelloService API and the rendered children, proved against the real API server and kube-score:
//
// 1. crds/ installs (server-side apply) and becomes Established, so every CEL rule compiles and fits
//    the cost budget on a real API server; every example HelloService is accepted (server-side dry
//    run) and defaulted exactly as operator/api/defaults.ts does; every case of
//    operator/api/invalid-cases.ts is refused with the case's words and field, as validate.ts does.
// 2. Every example's rendered children pass a server-side dry run (create) in a namespace enforcing
//    Pod Security "restricted:latest", without a warning; so does a Pod made from each Deployment's
//    pod template (PSA enforces on Pods only; for a Deployment it only warns).
// 3. kube-score v1.20.0 finds nothing critical in any example's rendered children, with exactly the
//    checks switched off that docs/api.md lists, and no warning but the one docs/api.md accepts.
//
// Not here: kube-linter (its module cannot be fetched through the Go module proxy, so the cluster
// scripts cannot build it). kubeconform, and the same checks on the install manifests and the Helm
// chart, are in test/manifests.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { CRD_PATH, crd } from '../operator/api/crd.ts';
import { invalidCases } from '../operator/api/invalid-cases.ts';
import { GROUP, MAX_MESSAGE_LENGTH, PLURAL, VERSION } from '../operator/api/schema.ts';
import { validateHelloService } from '../operator/api/validate.ts';
import { render } from '../operator/render.ts';
import type { Child } from '../operator/resources/children.ts';
import { tool } from './cluster/cli.ts';
import { apiStatus, createNamespace, deleteNamespace, eventually, kubeConfig } from './cluster/kube.ts';
import { kubeScore } from './cluster/manifest-lint.ts';
import { repoRoot } from './cluster/paths.ts';

const kubeconfig = inject('kubeconfig');
const kc = kubeConfig(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const kubectl = (args: string[], input = '') => tool(kubeconfig, 'kubectl', args, input);

type Doc = Record<string, unknown> & { metadata?: Record<string, unknown> };
const examplesDir = join(repoRoot, 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Doc);
    return { file, text, helloServices: docs.filter((d) => d.apiVersion === `${GROUP}/${VERSION}`) };
  });

/** The example with every HelloService moved into `namespace`, as YAML. */
function inNamespace(example: (typeof examples)[number], namespace: string): string {
  return example.helloServices
    .map((hs) => `---\n${stringify({ ...hs, metadata: { ...hs.metadata, namespace } })}`)
    .join('');
}

/** `kubectl create --dry-run=server -o name` of a YAML stream: every object goes through admission. */
const dryRunCreate = (namespace: string, yaml: string) =>
  kubectl(['create', '--dry-run=server', '-n', namespace, '-o', 'name', '-f', '-'], yaml);

/** Creates a HelloService with dryRun=All and Strict field validation, as `kubectl create
 * --dry-run=server` does (the API server's default only warns about, and drops, an unknown field). */
function dryRunHelloService(namespace: string, body: object): Promise<unknown> {
  return custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    body,
    dryRun: 'All',
    fieldValidation: 'Strict',
  });
}

/** The `details.causes` of the Status an API call failed with: each names a field, when it has one. */
function statusCauses(err: unknown): { field?: string; message?: string }[] {
  if (!(err instanceof k8s.ApiException)) throw err;
  const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  return (body as { details?: { causes?: { field?: string; message?: string }[] } }).details?.causes ?? [];
}

/** A Pod with a Deployment's pod template, as the ReplicaSet controller would create it. */
function podOf(deployment: Child): Child {
  const template = (deployment as unknown as { spec: { template: { metadata: Doc; spec: unknown } } }).spec
    .template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name: `${deployment.metadata.name}-pod`, namespace: undefined },
    spec: template.spec,
  } as Child;
}

describe('the HelloService CRD on the real API server', () => {
  let ns = '';

  beforeAll(async () => {
    // This commit's CRD, forced: a cluster reused from an earlier run may hold an older version, and
    // the checks below are about this one.
    const applied = await kubectl([
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=hello-operator-tests',
      '-f',
      join(repoRoot, CRD_PATH),
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    ns = await createNamespace(core, 'api-hs');
    await eventually(
      'the HelloService API to serve', // 404 until discovery has the type
      async () =>
        (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns,
          plural: PLURAL,
        }))
          ? true
          : undefined,
      30_000,
    );
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('is Established: the names are accepted and every CEL rule compiles', async () => {
    const established = await eventually('CRD established', async () => {
      const c = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')
        ? c
        : undefined;
    });
    const conditions = Object.fromEntries((established.status?.conditions ?? []).map((x) => [x.type, x]));
    expect(conditions.NamesAccepted?.status).toBe('True');
    // The served versions are ours, byte for byte (read as raw JSON: the typed client renames fields).
    const served = await kubectl(['get', 'crd', `${PLURAL}.${GROUP}`, '-o', 'json']);
    expect(served.code).toBe(0);
    const servedVersions = (JSON.parse(served.stdout) as { spec: { versions: unknown[] } }).spec.versions;
    const ourVersions = (crd() as { spec: { versions: unknown[] } }).spec.versions;
    expect(servedVersions).toEqual(ourVersions);
  });

  for (const example of examples) {
    for (const hs of example.helloServices) {
      it(`accepts ${example.file} (${String(hs.metadata?.name)}) and defaults it as defaults.ts does`, async () => {
        const body = { ...hs, metadata: { ...hs.metadata, namespace: ns } };
        const stored = (await dryRunHelloService(ns, body)) as { spec: unknown };
        const local = validateHelloService(body);
        if (!local.ok) throw new Error(`validate.ts refuses ${example.file}`);
        expect(stored.spec).toEqual(local.value.spec);
      });
    }
  }

  it(`accepts a message of ${MAX_MESSAGE_LENGTH} characters of two bytes each: maxLength counts characters`, async () => {
    const message = 'ü'.repeat(MAX_MESSAGE_LENGTH);
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'HelloService',
      metadata: { name: 'long' },
      spec: { message },
    };
    expect(validateHelloService(body).ok).toBe(true);
    const stored = (await dryRunHelloService(ns, body)) as { spec: { message: string } };
    expect(stored.spec.message).toBe(message);
  });

  for (const c of invalidCases) {
    it(`refuses ${c.name}: ${c.path}: …${c.message}…`, async () => {
      const err = await dryRunHelloService(ns, {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'HelloService',
        metadata: { name: 'bad' },
        spec: c.spec,
      }).then(
        () => new Error(`${c.name}: accepted`),
        (e: unknown) => e,
      );
      const { code, message } = apiStatus(err);
      expect([400, 422]).toContain(code); // 400 for an unknown field (Strict), 422 for the rest
      expect(message).toContain(c.message);
      // The field: in the structured causes when the API server gives them, else at the start of a
      // line of the message ("...: spec.port: Invalid value: ...", "unknown field \"spec.replica\"").
      const causes = statusCauses(err);
      const fields = causes.map((x) => x.field).filter(Boolean);
      if (fields.length > 0) {
        const cause = causes.find((x) => x.message?.includes(c.message));
        expect(cause?.field).toBe(c.path);
      } else {
        expect(message).toContain(c.path);
      }
    });
  }
});

describe('rendered children in a namespace enforcing Pod Security "restricted"', () => {
  let ns = '';

  beforeAll(async () => {
    ns = await createNamespace(core, 'api-psa', {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('refuses a Pod and warns about a Deployment that break "restricted" (the checks below can fail)', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'loose' },
      spec: { containers: [{ name: 'c', image: 'localhost/hello-workload:dev' }] },
    };
    const refused = await dryRunCreate(ns, JSON.stringify(pod));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('violates PodSecurity "restricted:latest"');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'loose' },
      spec: {
        selector: { matchLabels: { app: 'loose' } },
        template: { metadata: { labels: { app: 'loose' } }, spec: pod.spec },
      },
    };
    const warned = await dryRunCreate(ns, JSON.stringify(deployment));
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('would violate PodSecurity "restricted:latest"');
  });

  for (const example of examples) {
    it(`admits the children of ${example.file}, and pods of their Deployments, without a warning`, async () => {
      const result = render(inNamespace(example, ns), undefined, example.file);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      // A ServiceMonitor's CRD is in this cluster only while a monitoring test runs (beside this
      // one, or not): test/monitoring.test.ts checks the operator's against the real CRD.
      const children = result.children.filter((c) => c.kind !== 'ServiceMonitor');
      const created = await dryRunCreate(ns, children.map((c) => `---\n${stringify(c)}`).join(''));
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout.trim().split('\n')).toHaveLength(children.length);

      const deployments = children.filter((c) => c.kind === 'Deployment');
      expect(deployments.length).toBeGreaterThan(0);
      // A Pod names its ServiceAccount, which admission looks up: create those for real (nothing
      // else is persisted), and delete them again: two examples share the name hello.
      const accounts = children.filter((c) => c.kind === 'ServiceAccount');
      const accountsYaml = accounts.map((a) => `---\n${stringify(a)}`).join('');
      const sa = await kubectl(['create', '-n', ns, '-f', '-'], accountsYaml);
      expect(sa.stderr).toBe('');
      // So does a PriorityClass a pod names (examples/platform.yaml says it must exist): made for
      // the test when the cluster has none of that name, and removed again.
      const priorityClasses = [
        ...new Set(
          deployments.flatMap((d) => {
            const name = (d as { spec?: { template?: { spec?: { priorityClassName?: string } } } }).spec
              ?.template?.spec?.priorityClassName;
            return name ? [name] : [];
          }),
        ),
      ];
      const made: string[] = [];
      for (const name of priorityClasses) {
        if ((await kubectl(['get', 'priorityclass', name])).code === 0) continue;
        expect((await kubectl(['create', 'priorityclass', name, '--value=1000'])).code).toBe(0);
        made.push(name);
      }
      try {
        for (const deployment of deployments) {
          const pod = await dryRunCreate(ns, JSON.stringify(podOf(deployment)));
          expect(pod.stderr).toBe('');
          expect(pod.code).toBe(0);
          expect(pod.stdout.trim()).toBe(`pod/${deployment.metadata.name}-pod`);
        }
      } finally {
        await kubectl(['delete', '-n', ns, '--wait=false', '-f', '-'], accountsYaml);
        for (const name of made) await kubectl(['delete', 'priorityclass', name, '--wait=false']);
      }
    });
  }
});

describe('kube-score on the rendered children', () => {
  const docs = readFileSync(join(repoRoot, 'docs', 'api.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Linting the rendered children'));
  // The checks switched off: the first column of the table in docs/api.md, each with its reason.
  const ignored = [...section.matchAll(/^\| `([a-z-]+)`.*\| (.+) \|$/gm)].map((m) => m[1] as string);
  // The one warning docs/api.md accepts (the pods are spread by a topology spread constraint).
  const acceptedWarnings = ['deployment-has-host-podantiaffinity'];

  it('docs/api.md lists the switched-off checks and the accepted warning', () => {
    // Spelled out so that switching off another check takes a change here, not only a docs row.
    expect(ignored).toEqual(['container-image-pull-policy']);
    for (const id of acceptedWarnings) expect(section).toContain(`\`${id}\``);
  });

  for (const example of examples) {
    it(`finds nothing critical in ${example.file}`, async () => {
      const result = render(example.text, undefined, example.file);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      const findings = await kubeScore(kubeconfig, result.yaml, ignored);
      // kube-score grades: 1 critical, 5 warning, 7 almost OK, 10 OK.
      expect(findings.filter((f) => f.grade <= 1)).toEqual([]);
      expect(findings.filter((f) => !acceptedWarnings.includes(f.check))).toEqual([]);
    });
  }
});
