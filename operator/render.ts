// render: HelloService YAML in, the children the operator would apply out, with no cluster.
// Pure: the CLI (render-cli.ts) and the operator's `render` subcommand do the reading and printing.

import { stringify } from 'yaml';
import { GROUP } from './api/schema.ts';
import { formatErrors, validateHelloService } from './api/validate.ts';
import { type Child, desiredChildren } from './resources/children.ts';
import { defaultOperatorSettings, type OperatorSettings } from './resources/settings.ts';
import { readYamlStream } from './yaml-input.ts';

export type RenderResult =
  | { ok: true; children: Child[]; yaml: string; notices: string[] }
  | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a document is named in messages: its 1-based position, and its kind and name when it has them. */
function documentLabel(source: string, index: number, doc: unknown): string {
  const where = `${source}document ${index + 1}`;
  if (!isObject(doc)) return where;
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const kind = typeof doc.kind === 'string' ? doc.kind : undefined;
  return kind || name
    ? `${where} (${[kind, name && JSON.stringify(name)].filter(Boolean).join(' ')})`
    : where;
}

/**
 * The children of every HelloService in `text` (one or more YAML documents), as objects and as one
 * YAML stream for `kubectl apply --server-side`. Rendered children carry no owner references: there is
 * no live HelloService, hence no uid, to point at (see docs/api.md). Documents of other API groups
 * are skipped with a notice; anything invalid fails the whole render, each error naming the document
 * and the field.
 */
export function render(
  text: string,
  settings: OperatorSettings = defaultOperatorSettings,
  source = '',
): RenderResult {
  const prefix = source ? `${source}: ` : '';
  const errors: string[] = [];
  const notices: string[] = [];
  const children: Child[] = [];
  const seen = new Set<string>();
  const stream = readYamlStream(text);
  if ('error' in stream) return { ok: false, errors: [`${prefix}${stream.error}`] };
  for (const document of stream.documents) {
    const { index } = document;
    if ('error' in document) {
      errors.push(`${prefix}document ${index + 1}: ${document.error}`);
      continue;
    }
    const doc = document.value;
    if (doc === null || doc === undefined) continue;
    const label = documentLabel(prefix, index, doc);
    const apiVersion = isObject(doc) ? doc.apiVersion : undefined;
    if (typeof apiVersion === 'string' && !apiVersion.startsWith(`${GROUP}/`)) {
      notices.push(`${label}: skipped, not a HelloService`);
      continue;
    }
    const result = validateHelloService(doc);
    if (!result.ok) {
      errors.push(
        ...formatErrors(result.errors)
          .split('\n')
          .map((line) => `${label}: ${line}`),
      );
      continue;
    }
    const hs = result.value;
    // Rendering never has the live object; drop a uid copied from `kubectl get -o yaml` so that the
    // output does not depend on where the input came from.
    const { uid: _uid, ...metadata } = hs.metadata;
    const key = `${metadata.namespace ?? ''}/${metadata.name}`;
    if (seen.has(key)) {
      errors.push(`${label}: metadata.name: a HelloService ${JSON.stringify(key)} appears more than once`);
      continue;
    }
    seen.add(key);
    // A ServiceMonitor is shown whenever asked for; the operator applies it only where the cluster
    // serves its CRD.
    children.push(...desiredChildren({ ...hs, metadata }, settings));
  }
  if (errors.length > 0) return { ok: false, errors };
  if (children.length === 0) return { ok: false, errors: [`${prefix}no HelloService found`] };
  const yaml = children.map((child) => `---\n${stringify(child, { lineWidth: 0 })}`).join('');
  return { ok: true, children, yaml, notices };
}
