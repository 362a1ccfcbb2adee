import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { render } from './render.ts';
import { operatorSettings } from './resources/settings.ts';
import { MAX_DEPTH, MAX_INPUT_BYTES, MAX_TOKENS } from './yaml-input.ts';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `examples/${f}`);

const hs = (name: string, spec: string, extra = '') =>
  `apiVersion: hello.operators.dev/v1alpha1\nkind: HelloService\nmetadata:\n  name: ${name}\n${extra}spec:\n${spec}\n`;

const errorsOf = (text: string) => {
  const result = render(text);
  return result.ok ? [] : result.errors;
};

describe('render', () => {
  it.each(examples)('renders %s as a YAML stream of objects without owner references', (file) => {
    const result = render(readFileSync(file, 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const docs = parseAllDocuments(result.yaml).map((d) => d.toJS());
    expect(docs).toEqual(JSON.parse(JSON.stringify(result.children)));
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Deployment', 'ConfigMap', 'Service']));
    for (const doc of docs) {
      expect(doc.apiVersion).toBeTruthy();
      expect(doc.metadata.name).toBeTruthy();
      expect(doc.metadata.ownerReferences).toBeUndefined();
    }
  });

  it('renders every HelloService of a multi-document stream, keeping their namespaces', () => {
    const text = `${hs('one', '  message: one', 'namespace: a\n'.replace(/^/, '  '))}---\n${hs('two', '  message: two')}`;
    const result = render(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const configMaps = result.children.filter((c) => c.kind === 'ConfigMap');
    expect(configMaps.map((c) => [c.metadata.namespace, c.metadata.name])).toEqual([
      ['a', expect.stringMatching(/^one-[0-9a-f]{10}$/)],
      [undefined, expect.stringMatching(/^two-[0-9a-f]{10}$/)],
    ]);
  });

  it('adds the ServiceMonitor only when spec.monitoring.enabled', () => {
    const doc = (monitoring: unknown) =>
      hs('m', `  message: hi\n  monitoring: ${JSON.stringify(monitoring)}`);
    const kinds = (text: string) => {
      const r = render(text);
      if (!r.ok) throw new Error(r.errors.join('\n'));
      return r.children.map((c) => c.kind);
    };
    expect(kinds(doc({ enabled: true }))).toContain('ServiceMonitor');
    expect(kinds(doc({ enabled: false }))).not.toContain('ServiceMonitor');
  });

  it('uses the operator settings', () => {
    const result = render(hs('x', '  message: hi'), operatorSettings({ workloadImage: 'example/hello:2' }));
    expect(result.ok && result.yaml).toContain('image: example/hello:2');
  });

  it('drops a uid copied from a live object, so that output never depends on the source', () => {
    const result = render(hs('x', '  message: hi', '  uid: 1234\n'));
    expect(result.ok && result.children.every((c) => c.metadata.ownerReferences === undefined)).toBe(true);
  });

  it('skips documents of other API groups with a notice, and empty documents silently', () => {
    const result = render(
      `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\n---\n${hs('x', '  message: hi')}`,
    );
    expect(result.ok && result.notices).toEqual(['document 1 (Namespace "n"): skipped, not a HelloService']);
  });

  it.each([
    [
      'an invalid field, naming the document and the field',
      `${hs('good', '  message: hi')}---\n${hs('bad', '  message: hi\n  autoscaling:\n    minReplicas: 5\n    maxReplicas: 3')}`,
      'document 2 (HelloService "bad"): spec.autoscaling.minReplicas: autoscaling.minReplicas must not be greater than autoscaling.maxReplicas',
    ],
    [
      'a misspelt field',
      hs('x', '  mesage: hi'),
      'document 1 (HelloService "x"): spec.mesage: unknown field',
    ],
    [
      'a missing message',
      hs('x', '  port: 8080'),
      'document 1 (HelloService "x"): spec.message: Required value',
    ],
    ['broken YAML', `${hs('x', '  message: hi')}---\nspec: [unclosed\n`, 'document 2: '],
    ['a document that is not an object', '- a\n- b\n', 'document 1: must be an object'],
    [
      'a wrong kind in our group',
      hs('x', '  message: hi').replace('kind: HelloService', 'kind: Hello'),
      'kind: must be HelloService',
    ],
    [
      'a duplicate',
      `${hs('x', '  message: a')}---\n${hs('x', '  message: b')}`,
      'document 2 (HelloService "x"): metadata.name: a HelloService "/x" appears more than once',
    ],
    [
      'no HelloService at all',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      'no HelloService found',
    ],
    ['nothing', '', 'no HelloService found'],
  ])('rejects %s', (_, text, message) => {
    expect(errorsOf(text).join('\n')).toContain(message);
  });

  it('reports every error of every document, not just the first', () => {
    const text = `${hs('a', '  message: hi\n  port: 1')}---\n${hs('b', '  message: hi\n  replicas: 0')}`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('spec.port');
    expect(errors[1]).toContain('spec.replicas');
  });
});

/** The "billion laughs": nine levels of ten aliases each, 10^9 strings once expanded. */
const aliasBomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => {
    const previous = 'abcdefghi'[i];
    return `${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`;
  }),
].join('\n');

describe('render of hostile YAML', () => {
  const good = hs('good', '  message: hi');

  it('refuses an alias bomb, naming the document, instead of expanding it', () => {
    const result = render(`${good}---\n${aliasBomb}\n`, undefined, 'bomb.yaml');
    expect(result.ok ? [] : result.errors).toEqual([
      expect.stringMatching(/^bomb\.yaml: document 2: its aliases expand to more than 100 nodes/),
    ]);
  });

  it('still reads a document with a few aliases', () => {
    const result = render(hs('a', '  message: *team', '  labels:\n    team: &team web\n'));
    expect(result.ok && result.yaml).toContain('MESSAGES: web');
  });

  it.each([
    ['flow lists', 20_000, (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    [
      'block maps',
      MAX_DEPTH + 1,
      (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    ],
    ['flow lists, just too deep', MAX_DEPTH + 1, (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
  ])('refuses %s nested %i deep, naming the document', (_, depth, nested) => {
    const result = render(`${good}---\n${nested(depth)}\n`, undefined, 'deep.yaml');
    expect(result.ok ? [] : result.errors).toEqual([
      `deep.yaml: document 2: nested more than ${MAX_DEPTH} levels deep`,
    ]);
  });

  it('reads nesting up to the bound', () => {
    const nested = `${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`;
    expect(errorsOf(`${good}---\n${nested}\n`)).toEqual(['document 2: must be an object, not a list']);
  });

  it('refuses an input larger than it reads, before parsing it', () => {
    const huge = `${good}---\n${hs('big', `  message: "${'x'.repeat(MAX_INPUT_BYTES)}"`)}`;
    expect(errorsOf(huge)).toEqual(['larger than 1 MiB, the most render reads']);
  });

  it('refuses a small input of too many nodes (they cost ~500 bytes each), naming where the budget ran out', () => {
    const flat = `[${'1,'.repeat(MAX_TOKENS)}]`;
    expect(Buffer.byteLength(flat)).toBeLessThan(MAX_INPUT_BYTES);
    const result = render(`${good}---\n${flat}\n`, undefined, 'wide.yaml');
    expect(result.ok ? [] : result.errors).toEqual([
      `wide.yaml: document 2: more than ${MAX_TOKENS} YAML tokens in the input, too many for a set of HelloServices`,
    ]);
  });
});

describe('npm run render (render-cli.ts)', () => {
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['operator/render-cli.ts', ...args], { input, encoding: 'utf8' });

  it('renders a file', () => {
    const run = cli(['examples/hello.yaml']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('kind: Deployment');
  });

  it('reads stdin for "-", and takes --image and --label', () => {
    const run = cli(['--image', 'example/hello:3', '--label', 'team=web', '-'], hs('x', '  message: hi'));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('image: example/hello:3');
    expect(run.stdout).toContain('team: web');
  });

  it('exits 1 with the errors on stderr and nothing on stdout when any input is invalid', () => {
    const run = cli(['examples/hello.yaml', '-'], hs('bad', '  message: hi\n  port: 80'));
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'stdin: document 1 (HelloService "bad"): spec.port: should be greater than or equal to 1024',
    );
  });

  it.each([[[]], [['--nope', 'x']], [['--label', 'novalue', '-']]])(
    'exits 2 on a usage error (%j)',
    (args) => {
      expect(cli(args, '').status).toBe(2);
    },
  );

  it('exits 1 with one line naming stdin for an alias bomb: no stack trace', () => {
    const run = cli(['-'], aliasBomb);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^render: stdin: document 1: its aliases expand to more than 100 nodes[^\n]*\n$/,
    );
  });

  it('reads no more of an endless input than it renders: /dev/zero is refused, not read to the end', () => {
    const run = spawnSync(process.execPath, ['operator/render-cli.ts', '/dev/zero'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('render: /dev/zero: larger than 1 MiB, the most render reads\n');
  });

  it('exits 1 naming a file it cannot read', () => {
    const run = cli(['examples/missing.yaml']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('examples/missing.yaml: ENOENT');
  });
});
