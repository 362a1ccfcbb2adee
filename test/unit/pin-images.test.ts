// Released manifests pin images by digest (deploy/pin-images.ts, run by release.yml): install.yaml
// and the chart's values name registry/hello-<app>@sha256:..., and nothing else in them changes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, helmTemplate, INSTALL_PATH } from '../../deploy/install.ts';
import { pinChartValues, pinInstallYaml } from '../../deploy/pin-images.ts';
import { managerEnv, type Obj, objectsOf } from '../cluster/rendered.ts';

const images = {
  registry: 'ghcr.io/my-org',
  operatorDigest: `sha256:${'a'.repeat(64)}`,
  workloadDigest: `sha256:${'b'.repeat(64)}`,
};
const operatorRef = `ghcr.io/my-org/hello-operator@sha256:${'a'.repeat(64)}`;
const workloadRef = `ghcr.io/my-org/hello-workload@sha256:${'b'.repeat(64)}`;
const valuesPath = join(CHART_DIR, 'values.yaml');
const dir = mkdtempSync(join(tmpdir(), 'hello-pin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isDeployment = (o: Obj) => o.kind === 'Deployment';
const managerImage = (objects: Obj[]): string =>
  objects.find(isDeployment)?.spec?.template.spec.containers[0].image ?? '';

describe('pinInstallYaml', () => {
  const original = objectsOf(readFileSync(INSTALL_PATH, 'utf8'));
  const pinned = objectsOf(pinInstallYaml(readFileSync(INSTALL_PATH, 'utf8'), images));

  it('names the operator and the workload image by digest', () => {
    expect(managerImage(original)).toMatch(/^ghcr\.io\/hello-operator\/hello-operator:\d/);
    expect(managerImage(pinned)).toBe(operatorRef);
    expect(managerEnv(pinned).WORKLOAD_IMAGE).toBe(workloadRef);
  });

  it('changes nothing else', () => {
    expect(pinned.filter((o) => !isDeployment(o))).toEqual(original.filter((o) => !isDeployment(o)));
    const unpinned = structuredClone(pinned.find(isDeployment)) as Obj;
    const manager = unpinned.spec?.template.spec.containers[0];
    manager.image = managerImage(original);
    manager.env = manager.env.filter((e: { name: string }) => e.name !== 'WORKLOAD_IMAGE');
    expect(unpinned).toEqual(original.find(isDeployment));
  });

  it.each([
    ['a digest that is not sha256', { operatorDigest: 'latest' }, /operator digest "latest"/],
    ['a short digest', { workloadDigest: 'sha256:abc' }, /workload digest/],
    ['a registry in upper case', { registry: 'ghcr.io/My-Org' }, /registry "ghcr.io\/My-Org"/],
  ])('refuses %s', (_, change, message) => {
    expect(() => pinInstallYaml(readFileSync(INSTALL_PATH, 'utf8'), { ...images, ...change })).toThrow(
      message,
    );
  });
});

describe('the chart with pinned values', () => {
  it('renders the operator as repository@digest and sets WORKLOAD_IMAGE to the pinned workload', () => {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, pinChartValues(readFileSync(valuesPath, 'utf8'), images));
    const objects = objectsOf(helmTemplate(['--values', file]));
    expect(managerImage(objects)).toBe(operatorRef);
    expect(managerEnv(objects).WORKLOAD_IMAGE).toBe(workloadRef);
  });

  it('changes no other value', () => {
    const before = parse(readFileSync(valuesPath, 'utf8'));
    const after = parse(pinChartValues(readFileSync(valuesPath, 'utf8'), images));
    expect(after).toEqual({
      ...before,
      image: { ...before.image, repository: 'ghcr.io/my-org/hello-operator', digest: images.operatorDigest },
      workloadImage: workloadRef,
    });
  });

  it('renders repository:tag without a digest, and refuses a digest that is not sha256', () => {
    expect(managerImage(objectsOf(helmTemplate(['--set', 'image.tag=1.2.3'])))).toBe(
      'ghcr.io/hello-operator/hello-operator:1.2.3',
    );
    expect(() => helmTemplate(['--set', 'image.digest=latest'])).toThrow(/image\/digest/);
  });
});

describe('npm run pin-images (the release step)', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['deploy/pin-images.ts', ...args], { encoding: 'utf8' });
  const digests = ['--operator-digest', images.operatorDigest, '--workload-digest', images.workloadDigest];

  it('writes the pinned install.yaml and rewrites the values file in place', () => {
    const out = join(dir, 'install.yaml');
    const values = join(dir, 'values-in-place.yaml');
    writeFileSync(values, readFileSync(valuesPath, 'utf8'));
    const r = run([
      '--registry',
      'ghcr.io/my-org',
      ...digests,
      '--install',
      INSTALL_PATH,
      '--install-out',
      out,
      '--values',
      values,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(managerImage(objectsOf(readFileSync(out, 'utf8')))).toBe(operatorRef);
    expect(parse(readFileSync(values, 'utf8')).image.digest).toBe(images.operatorDigest);
  });

  it('exits 1 with the reason, writing nothing, when a digest is missing', () => {
    const out = join(dir, 'not-written.yaml');
    const r = run([
      '--registry',
      'ghcr.io/my-org',
      '--operator-digest',
      images.operatorDigest,
      '--install',
      INSTALL_PATH,
      '--install-out',
      out,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('pin-images: the workload digest "" is not sha256:<64 hex>');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});

describe('release.yml', () => {
  type Step = { name?: string; run?: string; uses?: string };
  const workflow = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = workflow.jobs.chart?.steps ?? [];
  const at = (what: RegExp) => steps.findIndex((s) => what.test(s.run ?? ''));

  it('pins both pushed digests into install.yaml and the values before packaging and releasing them', () => {
    const pin = at(/npm run pin-images/);
    expect(pin).toBeGreaterThanOrEqual(0);
    const command = steps[pin]?.run ?? '';
    for (const flag of ['--operator-digest', '--workload-digest', '--install-out dist/install.yaml']) {
      expect(command).toContain(flag);
    }
    expect(command).toContain('--values deploy/helm/hello-operator/values.yaml');
    expect(at(/helm package deploy\/helm\/hello-operator/)).toBeGreaterThan(pin);
    expect(at(/gh release create .*dist\/install\.yaml/)).toBeGreaterThan(pin);
    // The images job hands each digest over as an artifact the chart job downloads.
    const uploads = workflow.jobs.images?.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(uploads).toHaveLength(1);
    expect(steps.some((s) => s.uses?.startsWith('actions/download-artifact'))).toBe(true);
  });
});
