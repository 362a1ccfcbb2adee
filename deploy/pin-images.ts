// Released manifests name the images by the digest the release pushed, not by a tag that can be
// moved: `npm run pin-images -- ...` (release.yml) rewrites install.yaml's operator image and adds
// WORKLOAD_IMAGE, and sets the chart's image.repository, image.digest and workloadImage. Everything
// else in both files stays as it is, comments included.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';

export type PinnedImages = {
  /** Where the images were pushed, e.g. ghcr.io/my-org (images hello-operator and hello-workload). */
  registry: string;
  operatorDigest: string;
  workloadDigest: string;
};

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `registry/hello-<app>@digest`, after checking what the release handed over. */
export function pinnedRefs(images: PinnedImages): { operator: string; workload: string } {
  for (const [name, digest] of [
    ['operator', images.operatorDigest],
    ['workload', images.workloadDigest],
  ]) {
    if (!DIGEST.test(digest ?? ''))
      throw new Error(`the ${name} digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
  }
  if (!/^[a-z0-9.:-]+(\/[a-z0-9._-]+)+$/.test(images.registry)) {
    throw new Error(`the registry ${JSON.stringify(images.registry)} is not host/owner in lower case`);
  }
  return {
    operator: `${images.registry}/hello-operator@${images.operatorDigest}`,
    workload: `${images.registry}/hello-workload@${images.workloadDigest}`,
  };
}

/**
 * install.yaml with the operator Deployment's image pinned and WORKLOAD_IMAGE set to the pinned
 * workload. Only that document is rewritten (in kubectl's style); the others keep their bytes.
 */
export function pinInstallYaml(text: string, images: PinnedImages): string {
  const refs = pinnedRefs(images);
  const parts = text.split(/^(?=---$)/m);
  let pinned = 0;
  const out = parts.map((part) => {
    const doc = parseDocument(part);
    if (doc.get('kind') !== 'Deployment' || doc.getIn(['metadata', 'name']) !== 'hello-operator') return part;
    const containers = doc.getIn(['spec', 'template', 'spec', 'containers']);
    const manager = isSeq(containers)
      ? (containers.items.find((c) => isMap(c) && c.get('name') === 'manager') as YAMLMap | undefined)
      : undefined;
    if (!manager) throw new Error('install.yaml: the hello-operator Deployment has no container "manager"');
    manager.set('image', refs.operator);
    const env = manager.get('env');
    if (!isSeq(env)) throw new Error('install.yaml: the manager container has no env list');
    const existing = env.items.find((e) => isMap(e) && e.get('name') === 'WORKLOAD_IMAGE') as
      | YAMLMap
      | undefined;
    if (existing) existing.set('value', refs.workload);
    else env.add(doc.createNode({ name: 'WORKLOAD_IMAGE', value: refs.workload }));
    pinned++;
    return doc.toString({ lineWidth: 0, indentSeq: false });
  });
  if (pinned !== 1) throw new Error(`install.yaml: found ${pinned} hello-operator Deployments, want 1`);
  const note = `# Images pinned by digest at release (deploy/pin-images.ts): ${refs.operator}, ${refs.workload}\n`;
  return note + out.join('');
}

/** The chart's values.yaml with image.repository, image.digest and workloadImage pinned. */
export function pinChartValues(text: string, images: PinnedImages): string {
  const refs = pinnedRefs(images);
  const doc = parseDocument(text);
  doc.setIn(['image', 'repository'], `${images.registry}/hello-operator`);
  doc.setIn(['image', 'digest'], images.operatorDigest);
  doc.set('workloadImage', refs.workload);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

const usage = `usage: pin-images --registry ghcr.io/OWNER --operator-digest sha256:... --workload-digest sha256:...
                  [--install FILE --install-out FILE] [--values FILE (rewritten in place)]`;

export function main(args: string[]): number {
  try {
    const { values } = parseArgs({
      args,
      options: {
        registry: { type: 'string' },
        'operator-digest': { type: 'string' },
        'workload-digest': { type: 'string' },
        install: { type: 'string' },
        'install-out': { type: 'string' },
        values: { type: 'string' },
      },
    });
    const images = {
      registry: values.registry ?? '',
      operatorDigest: values['operator-digest'] ?? '',
      workloadDigest: values['workload-digest'] ?? '',
    };
    if (!values.install !== !values['install-out'])
      throw new Error('--install and --install-out go together');
    if (!values.install && !values.values) throw new Error('nothing to pin: give --install or --values');
    if (values.install && values['install-out']) {
      writeFileSync(values['install-out'], pinInstallYaml(readFileSync(values.install, 'utf8'), images));
      console.log(`wrote ${values['install-out']}`);
    }
    if (values.values) {
      writeFileSync(values.values, pinChartValues(readFileSync(values.values, 'utf8'), images));
      console.log(`wrote ${values.values}`);
    }
  } catch (err) {
    console.error(`pin-images: ${(err as Error).message}\n${usage}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
