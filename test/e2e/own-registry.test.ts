// Your own cluster with your own registry (issue 21): `npm start` with KUBECONFIG and HELLO_REGISTRY
// builds our images, pushes them to a real registry (the CNCF distribution registry, on loopback;
// containerd pulls from loopback over plain HTTP), and installs the operator with both images pinned
// by digest. The references are new to the node (a registry name and a digest it has never seen), so
// every pod here runs a pulled image: the pods' imageID proves it. Then the same with a registry that
// needs credentials: the documented pull Secret makes it work, and without it the pull is refused.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { restrictedContainer } from '../cluster/kube.ts';
import { registryBinary, repoRoot } from '../cluster/paths.ts';
import { eventually, type Kubectl, kubectlFor, must, type Obj } from '../operator/operator-process.ts';
import { type ConfinedInstall, prepareConfined } from './in-cluster-operator.ts';

type Registry = { address: string; stop(): void };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A registry on loopback with its storage in `dir`; with `htpasswd`, basic auth against it. */
async function startRegistry(dir: string, htpasswd?: string): Promise<Registry> {
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}}`,
    `http: {addr: "127.0.0.1:${port}"}`,
    ...(htpasswd ? [`auth: {htpasswd: {realm: hello-test, path: ${htpasswd}}}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(registryBinary(), ['serve', join(dir, 'config.yml')], {
    stdio: 'ignore',
  });
  const address = `127.0.0.1:${port}`;
  await eventually(`registry at ${address}`, async () => {
    const r = await fetch(`http://${address}/v2/`).catch(() => undefined);
    return r && (r.status === 200 || r.status === 401) ? true : undefined;
  });
  return { address, stop: () => child.kill('SIGKILL') };
}

/** `npm start` (deploy/local/run.sh) as a user with a cluster of their own runs it. */
function npmStart(env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync('bash', [join(repoRoot, 'deploy/local/run.sh')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The references run.sh says it pushed, `REGISTRY/PREFIX/hello-APP:TAG@sha256:…`. */
function pushed(output: string, app: 'operator' | 'workload'): string {
  const ref = new RegExp(`\\[start\\] pushed: (\\S+/hello-${app}:\\S+@sha256:[0-9a-f]{64})`).exec(
    output,
  )?.[1];
  if (!ref) throw new Error(`no pushed ${app} image in:\n${output}`);
  return ref;
}
/** What a pod's status calls a pulled image: the repository without the tag, and the digest. */
const imageId = (ref: string) =>
  `${ref.slice(0, ref.lastIndexOf(':', ref.indexOf('@')))}@${ref.split('@')[1]}`;

describe('your own cluster and registry: npm start with KUBECONFIG and HELLO_REGISTRY', () => {
  const kubeconfig = inject('kubeconfig');
  const kubectl: Kubectl = kubectlFor(kubeconfig);
  const suffix = randomBytes(3).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'hello-registry-'));
  const registries: Registry[] = [];
  const cleanups: (() => void)[] = [];

  const podsOf = (ns: string, selector: string) =>
    (JSON.parse(must(kubectl, ['-n', ns, 'get', 'pods', '-l', selector, '-o', 'json'])) as { items: Obj[] })
      .items;
  const imageIds = (pods: Obj[]) =>
    pods.flatMap((p) => (p.status?.containerStatuses ?? []).map((c: { imageID: string }) => c.imageID));

  /** A confined copy of deploy/ (its own namespaces and names, watching one namespace) to install. */
  function confinedDeploy(tag: string): ConfinedInstall {
    const install = prepareConfined(kubectl, tag, suffix);
    cleanups.push(install.uninstall);
    return install;
  }

  afterAll(() => {
    for (const c of cleanups) c();
    for (const r of registries) r.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes both images, installs them pinned by digest, and every pod runs the pulled image', async () => {
    const registry = await startRegistry(mkdtempSync(join(dir, 'open-')));
    registries.push(registry);
    const target = confinedDeploy('reg');
    const run = npmStart({
      KUBECONFIG: kubeconfig,
      HELLO_REGISTRY: `${registry.address}/team`,
      HELLO_DEPLOY: target.dir,
      HELLO_EXAMPLE_NAMESPACE: target.ns,
    });
    expect(run.status, run.output).toBe(0);
    const operator = pushed(run.output, 'operator');
    const workload = pushed(run.output, 'workload');
    expect(operator.startsWith(`${registry.address}/team/hello-operator:`)).toBe(true);

    const deployment = JSON.parse(
      must(kubectl, [
        '-n',
        target.opNs,
        'get',
        'deployment',
        '-l',
        'app.kubernetes.io/name=hello-operator',
        '-o',
        'json',
      ]),
    ) as { items: Obj[] };
    const container = deployment.items[0]?.spec?.template.spec.containers[0];
    expect(container.image).toBe(imageId(operator));
    expect(container.env).toContainEqual({ name: 'WORKLOAD_IMAGE', value: imageId(workload) });

    const operatorPods = podsOf(target.opNs, 'app.kubernetes.io/name=hello-operator');
    expect(operatorPods.length).toBeGreaterThan(0);
    expect(new Set(imageIds(operatorPods))).toEqual(new Set([imageId(operator)]));
    const hs = JSON.parse(must(kubectl, ['-n', target.ns, 'get', 'hs', 'hello', '-o', 'json'])) as Obj;
    expect(hs.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    const workloadPods = podsOf(target.ns, 'app.kubernetes.io/instance=hello');
    expect(workloadPods.length).toBeGreaterThan(0);
    expect(new Set(imageIds(workloadPods))).toEqual(new Set([imageId(workload)]));
  }, 900_000);

  it('an image the cluster cannot pull: npm start stops at once and says what to do', () => {
    const target = confinedDeploy('nopull');
    // The release's case: images nobody pushed. Here a registry on a closed loopback port, so that
    // the pull fails without leaving the machine.
    const outer = mkdtempSync(join(dir, 'nopull-'));
    writeFileSync(
      join(outer, 'kustomization.yaml'),
      stringify({
        resources: [relative(outer, target.dir)],
        images: [
          { name: 'localhost/hello-operator', newName: '127.0.0.1:9/nobody/hello-operator', newTag: '0.1.0' },
        ],
        patches: [
          {
            target: { kind: 'Deployment' },
            patch: JSON.stringify([
              {
                op: 'replace',
                path: '/spec/template/spec/containers/0/imagePullPolicy',
                value: 'IfNotPresent',
              },
            ]),
          },
        ],
      }),
    );
    const t0 = Date.now();
    const run = npmStart({ KUBECONFIG: kubeconfig, HELLO_DEPLOY: outer, HELLO_EXAMPLE_NAMESPACE: target.ns });
    process.stdout.write(
      `[registry] npm start stopped on an unpullable image after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    expect(run.status).toBe(1);
    expect(run.output).toMatch(
      /the cluster cannot pull 127\.0\.0\.1:9\/nobody\/hello-operator:0\.1\.0: (ErrImagePull|ImagePullBackOff) /,
    );
    expect(run.output).toContain('HELLO_REGISTRY=');
    expect(run.output).not.toContain('did not become ready in 180 s');
  }, 600_000);

  it('a registry that needs credentials: works with the documented pull Secret, refuses without it', async () => {
    const regDir = mkdtempSync(join(dir, 'auth-'));
    const password = randomBytes(12).toString('hex');
    const htpasswd = join(regDir, 'htpasswd');
    writeFileSync(htpasswd, execFileSync('htpasswd', ['-Bbn', 'tester', password], { encoding: 'utf8' }));
    const registry = await startRegistry(regDir, htpasswd);
    registries.push(registry);
    // buildah's own login, into an auth file of this test's (README: `buildah login REGISTRY`).
    const authFile = join(regDir, 'auth.json');
    execFileSync(
      'buildah',
      [
        'login',
        '--tls-verify=false',
        '--authfile',
        authFile,
        '-u',
        'tester',
        '--password-stdin',
        registry.address,
      ],
      {
        input: password,
      },
    );
    const target = confinedDeploy('auth');
    must(kubectl, ['create', 'namespace', target.opNs]);
    for (const ns of [target.opNs, target.ns]) {
      must(kubectl, [
        '-n',
        ns,
        'create',
        'secret',
        'docker-registry',
        'regcred',
        `--docker-server=${registry.address}`,
        '--docker-username=tester',
        `--docker-password=${password}`,
      ]);
    }
    const run = npmStart({
      KUBECONFIG: kubeconfig,
      HELLO_REGISTRY: `${registry.address}/team`,
      HELLO_PULL_SECRET: 'regcred',
      HELLO_DEPLOY: target.dir,
      HELLO_EXAMPLE_NAMESPACE: target.ns,
      REGISTRY_AUTH_FILE: authFile,
    });
    expect(run.status, run.output).toBe(0);
    const workload = pushed(run.output, 'workload');
    expect(new Set(imageIds(podsOf(target.opNs, 'app.kubernetes.io/name=hello-operator')))).toEqual(
      new Set([imageId(pushed(run.output, 'operator'))]),
    );
    expect(new Set(imageIds(podsOf(target.ns, 'app.kubernetes.io/instance=hello')))).toEqual(
      new Set([imageId(workload)]),
    );

    // Without the Secret: a pod of the same image is refused by the registry, and says so.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'no-credentials' },
      spec: {
        automountServiceAccountToken: false,
        // Always: the node has the image already (pulled with the Secret above); a pull must ask.
        containers: [
          { ...restrictedContainer, name: 'c', image: imageId(workload), imagePullPolicy: 'Always' },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    };
    must(kubectl, ['-n', target.opNs, 'apply', '-f', '-'], JSON.stringify(pod));
    const waiting = await eventually('the pull refused', () => {
      const p = JSON.parse(
        must(kubectl, ['-n', target.opNs, 'get', 'pod', 'no-credentials', '-o', 'json']),
      ) as Obj;
      const w = p.status?.containerStatuses?.[0]?.state?.waiting as
        | { reason?: string; message?: string }
        | undefined;
      return w?.message ? w : undefined;
    });
    expect(waiting.reason).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
    expect(waiting.message).toMatch(/401 Unauthorized/);

    // A HelloService whose pods cannot pull says why in Ready, long before the progress deadline.
    must(kubectl, ['-n', target.ns, 'delete', 'secret', 'regcred']);
    must(
      kubectl,
      ['-n', target.ns, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'hello.operators.dev/v1alpha1',
        kind: 'HelloService',
        metadata: { name: 'no-credentials' },
        spec: { message: 'unreachable', image: imageId(workload), imagePullPolicy: 'Always', replicas: 1 },
      }),
    );
    const ready = await eventually(
      'the HelloService saying why its pods do not start',
      () => {
        const hs = JSON.parse(
          must(kubectl, ['-n', target.ns, 'get', 'hs', 'no-credentials', '-o', 'json']),
        ) as Obj;
        const c = (hs.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Ready');
        return c?.status === 'False' && /ImagePull/.test(c.reason) ? c : undefined;
      },
      120_000,
    );
    expect(ready.message).toMatch(/cannot start: .*401 Unauthorized/);
    const stalled = must(kubectl, [
      '-n',
      target.ns,
      'get',
      'hs',
      'no-credentials',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Stalled")].status}',
    ]);
    // Not stuck: it heals by itself once the credentials are there (kstatus: in progress, not failed).
    expect(stalled).toBe('False');
  }, 900_000);
});
