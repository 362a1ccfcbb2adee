import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_PATH, crd, crdYaml } from './crd.ts';
import { desiredReplicas, withDefaults } from './defaults.ts';
import { invalidCases } from './invalid-cases.ts';
import { messagePreview, PREVIEW_LENGTH } from './message.ts';
import { parseQuantity } from './quantity.ts';
import {
  API_VERSION,
  DEFAULT_REPLICAS,
  GO_SPACE_CLASS,
  KIND,
  MAX_MESSAGE_LENGTH,
  type SchemaNode,
  specSchema,
} from './schema.ts';
import { TYPES_PATH, typesSource } from './typegen.ts';
import { formatErrors, validateHelloService } from './validate.ts';

const hs = (spec: unknown, name = 'hello') => ({
  apiVersion: API_VERSION,
  kind: KIND,
  metadata: { name },
  spec,
});

describe('generated files', () => {
  it('the committed CRD is the one schema.ts generates (run `npm run generate` when this fails)', () => {
    expect(readFileSync(CRD_PATH, 'utf8')).toBe(crdYaml());
  });

  it('the committed types are the ones schema.ts generates (run `npm run generate` when this fails)', () => {
    // types.gen.ts is formatted by Biome after generation; compare ignoring layout.
    const squash = (s: string) => s.replace(/\s+/g, '');
    expect(squash(readFileSync(TYPES_PATH, 'utf8'))).toBe(squash(typesSource()));
  });
});

describe('the CRD', () => {
  const doc = parse(readFileSync(CRD_PATH, 'utf8'));
  const version = doc.spec.versions[0];
  const root = version.schema.openAPIV3Schema;

  // Walks every schema node below spec and status with its path.
  function* nodes(node: Record<string, unknown>, path: string): Generator<[string, Record<string, unknown>]> {
    yield [path, node];
    const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(props)) yield* nodes(v, `${path}.${k}`);
    if (node.items) yield* nodes(node.items as Record<string, unknown>, `${path}[]`);
    if (typeof node.additionalProperties === 'object') {
      yield* nodes(node.additionalProperties as Record<string, unknown>, `${path}{}`);
    }
  }
  const all = [...nodes(root.properties.spec, 'spec'), ...nodes(root.properties.status, 'status')];

  it('names the resource as the design says', () => {
    expect(doc.metadata.name).toBe('helloservices.hello.operators.dev');
    expect(doc.spec.scope).toBe('Namespaced');
    expect(doc.spec.names).toMatchObject({
      kind: 'HelloService',
      plural: 'helloservices',
      categories: ['all'],
    });
    expect(doc.spec.names.shortNames).toEqual(['hs', 'hello']);
    expect(version).toMatchObject({
      name: 'v1alpha1',
      served: true,
      storage: true,
    });
    expect(version.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
    });
  });

  it('describes every field, so that kubectl explain teaches the API', () => {
    const undocumented = all.filter(([, n]) => typeof n.description !== 'string' || n.description === '');
    expect(undocumented.map(([p]) => p)).toEqual([]);
  });

  it('bounds every string, list and map, so that CEL cost estimates stay within the API server budget', () => {
    const unbounded = all.filter(
      ([, n]) =>
        (n.type === 'string' &&
          n.maxLength === undefined &&
          n.enum === undefined &&
          n.format !== 'date-time') ||
        (n.type === 'array' && n.maxItems === undefined) ||
        (n.type === 'object' && n.additionalProperties !== undefined && n.maxProperties === undefined),
    );
    expect(unbounded.map(([p]) => p)).toEqual([]);
  });

  it('has the printer columns kubectl get shows', () => {
    const columns = version.additionalPrinterColumns.map((c: { name: string }) => c.name);
    expect(columns).toEqual(['Ready', 'Reason', 'Replicas', 'URL', 'Revision', 'Message', 'Age']);
    for (const c of version.additionalPrinterColumns) {
      const path = c.jsonPath as string;
      if (path.startsWith('.status.') && !path.includes('conditions')) {
        expect(root.properties.status.properties[path.slice('.status.'.length)]).toBeDefined();
      }
    }
  });

  it('is the object crd() builds', () => {
    expect(doc).toEqual(crd());
  });
});

describe('white space in patterns', () => {
  it("GO_SPACE_CLASS is exactly Go's unicode.IsSpace, in escapes both RE2 and JavaScript read", () => {
    // Go's unicode.IsSpace: the ASCII ones, NEL, NBSP, and Unicode's White_Space above U+00FF.
    const go = new Set([
      0x09,
      0x0a,
      0x0b,
      0x0c,
      0x0d,
      0x20,
      0x85,
      0xa0,
      0x1680,
      0x2028,
      0x2029,
      0x202f,
      0x205f,
      0x3000,
      ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
    ]);
    const cls = new RegExp(`^[${GO_SPACE_CLASS}]$`, 'u');
    const differ: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (cls.test(String.fromCodePoint(c)) !== go.has(c)) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
    // Plain ASCII in the CRD: no YAML reader can fold or drop it.
    expect(GO_SPACE_CLASS).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('validateHelloService accepts', () => {
  const cases: [string, unknown][] = [
    ['just a message', { message: 'Hello, world!' }],
    [
      'except ranges inside cidr, with host bits set',
      {
        message: 'hi',
        networkPolicy: {
          from: [
            { ipBlock: { cidr: '10.0.0.1/8', except: ['10.1.2.3/16', '10.255.255.255/32'] } },
            { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } },
          ],
        },
      },
    ],
    ['a multi-line message', { message: 'Hello,\nworld!\n' }],
    ['a non-ASCII message', { message: 'Grüß Gott, 世界! 👋' }],
    ['a message at the bound', { message: 'x'.repeat(MAX_MESSAGE_LENGTH) }],
    // maxLength counts characters, as the API server does, not UTF-16 units or bytes.
    ['a message of 4-byte characters at the bound', { message: '👋'.repeat(MAX_MESSAGE_LENGTH) }],
    ['explicit replicas', { message: 'hi', replicas: 5 }],
    ['autoscaling with min = max', { message: 'hi', autoscaling: { minReplicas: 3, maxReplicas: 3 } }],
    [
      'a wildcard ingress host with TLS',
      { message: 'hi', ingress: { host: '*.example.com', tls: { secretName: 'tls' } } },
    ],
    ['a memory /tmp at the memory limit', { message: 'hi', tmp: { medium: 'Memory', sizeLimit: '128Mi' } }],
    ['requests equal to limits', { message: 'hi', resources: { requests: { cpu: '0.5', memory: '128Mi' } } }],
    // Found by the differential test: the API server's trim() (Go's) keeps the byte-order mark...
    ['a message of a byte-order mark', { message: '\ufeff' }],
    // ...and its quantities round up to a nano-unit, and cap binary ones at 2^63-1.
    [
      'a request above its limit only below a nano-unit',
      { message: 'hi', resources: { requests: { cpu: '0.0000000002' }, limits: { cpu: '1n' } } },
    ],
    [
      'a request above its limit only past 2^63-1 with a binary suffix',
      { message: 'hi', resources: { requests: { memory: '9Ei' }, limits: { memory: '8Ei' } } },
    ],
    [
      'network peers of each kind',
      {
        message: 'hi',
        networkPolicy: {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
            { podSelector: {} },
            { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8::/64'] } },
          ],
        },
      },
    ],
  ];
  it.each(cases)('%s', (_, spec) => {
    const result = validateHelloService(hs(spec));
    expect(result.ok ? '' : formatErrors(result.errors)).toBe('');
  });

  it('a 253-character name, the longest Kubernetes allows', () => {
    expect(
      validateHelloService(hs({ message: 'hi' }, `${'a'.repeat(63)}.`.repeat(3) + 'b'.repeat(61))).ok,
    ).toBe(true);
  });
});

describe('the fields of issue 20 (placement, metadata, images, env)', () => {
  it.each([
    ['a toleration without a key, Exists', { tolerations: [{ operator: 'Exists' }] }],
    [
      "a toleration replacing the operator's for unreachable",
      {
        tolerations: [
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 0,
          },
        ],
      },
    ],
    [
      'a node requirement Gt with one whole number',
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }],
            },
          },
        },
      },
    ],
    [
      'one topology key twice, with different whenUnsatisfiable',
      {
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2 },
          { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' },
        ],
      },
    ],
    [
      'app.kubernetes.io/version in podLabels (not the operator’s)',
      { podLabels: { 'app.kubernetes.io/version': '1' } },
    ],
    [
      'an optional Secret key',
      { env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 's', key: '.k', optional: true } } }] },
    ],
    ['an empty env value', { env: [{ name: 'EMPTY', value: '' }] }],
  ])('accepts %s', (_, spec) => {
    const result = validateHelloService(hs({ message: 'hi', ...spec }));
    expect(result.ok ? '' : formatErrors(result.errors)).toBe('');
  });

  it.each(['PORT', 'MESSAGES', 'TMPDIR', 'SCRATCH_VOLUME_BYTES', 'WORK_MAX_CONCURRENT'])(
    'refuses env %s with a message naming it',
    (name) => {
      const result = validateHelloService(
        hs({
          message: 'hi',
          env: [
            { name: 'OK', value: '1' },
            { name, value: '1' },
          ],
        }),
      );
      expect(result.ok ? [] : result.errors).toEqual([
        {
          path: 'spec.env[1].name',
          message: expect.stringMatching(new RegExp(`^env ${name} is set by the operator`)),
        },
      ]);
    },
  );

  it('names the same variable in the CRD (messageExpression), where the API server reports it', () => {
    const spec = parse(readFileSync(CRD_PATH, 'utf8')).spec.versions[0].schema.openAPIV3Schema.properties
      .spec;
    const name = spec.properties.env.items.properties.name;
    expect(name['x-kubernetes-validations'][0].messageExpression).toMatch(
      /^'env ' \+ self \+ ' is set by the operator/,
    );
  });
});

describe('validateHelloService rejects', () => {
  it.each(invalidCases)('$name', ({ spec, path, message }) => {
    const result = validateHelloService(hs(spec));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('has a case for every CEL rule, so that the cluster tests exercise each of them', () => {
    const rules: string[] = [];
    const walk = (node: SchemaNode) => {
      rules.push(...(node.rules ?? []).map((r) => r.message));
      for (const child of Object.values(node.properties ?? {})) walk(child);
      if (node.items) walk(node.items);
    };
    walk(specSchema);
    const untested = rules.filter((message) => !invalidCases.some((c) => message.includes(c.message)));
    expect(untested).toEqual([]);
  });

  it.each([
    ['wrong apiVersion', { ...hs({ message: 'hi' }), apiVersion: 'v1' }, 'apiVersion'],
    ['wrong kind', { ...hs({ message: 'hi' }), kind: 'Pod' }, 'kind'],
    ['no metadata', { apiVersion: API_VERSION, kind: KIND, spec: { message: 'hi' } }, 'metadata'],
    ['an upper-case name', hs({ message: 'hi' }, 'Hello'), 'metadata.name'],
    ['a 254-character name', hs({ message: 'hi' }, 'a'.repeat(254)), 'metadata.name'],
    ['no spec', { apiVersion: API_VERSION, kind: KIND, metadata: { name: 'x' } }, 'spec'],
    ['a spec that is a string', hs('hello'), 'spec'],
  ])('%s', (_, doc, path) => {
    const result = validateHelloService(doc);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toContain(path);
  });
});

describe('defaults', () => {
  it('fill in everything a one-line HelloService leaves out', () => {
    const { spec } = withDefaults(hs({ message: 'hi' }) as never);
    expect(spec).toEqual({
      message: 'hi',
      port: 8080,
      nodeLossToleranceSeconds: 30,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      service: { type: 'ClusterIP', port: 80 },
      tmp: { sizeLimit: '64Mi', medium: 'Disk' },
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      networkPolicy: { enabled: true },
      rollout: { progressDeadlineSeconds: 600, autoRollback: false },
    });
    expect(desiredReplicas(spec)).toBe(DEFAULT_REPLICAS);
  });

  it('fill in the inside of objects the user gave, keeping what was set', () => {
    const { spec } = withDefaults(
      hs({
        message: 'hi',
        autoscaling: { maxReplicas: 4 },
        ingress: { host: 'a.example' },
        resources: { limits: { cpu: '2' } },
      }) as never,
    );
    expect(spec.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 80 });
    expect(spec.ingress).toEqual({ host: 'a.example', path: '/' });
    expect(spec.resources.limits).toEqual({ cpu: '2', memory: '128Mi' });
    expect(desiredReplicas(spec)).toBeUndefined();
  });

  it('do not change the input', () => {
    const input = hs({ message: 'hi' });
    withDefaults(input as never);
    expect(input.spec).toEqual({ message: 'hi' });
  });
});

describe('messagePreview', () => {
  it.each([
    ['Hello, world!', 'Hello, world!'],
    ['\n  Hello\nsecond line', 'Hello…'],
    ['x'.repeat(PREVIEW_LENGTH), 'x'.repeat(PREVIEW_LENGTH)],
    ['x'.repeat(PREVIEW_LENGTH + 1), `${'x'.repeat(PREVIEW_LENGTH - 1)}…`],
    ['👋'.repeat(PREVIEW_LENGTH + 5), `${'👋'.repeat(PREVIEW_LENGTH - 1)}…`],
    ['Grüß\r\nGott', 'Grüß…'],
  ])('%j → %j', (message, preview) => {
    expect(messagePreview(message)).toBe(preview);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['64Mi', 64 * 2 ** 20],
    ['1G', 1e9],
    ['1E', 1e18],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1.', 1],
    ['1n', 1e-9],
    ['0.0000000001', 1e-9],
    ['9Ei', 2 ** 63 - 1],
    ['1e100', undefined],
    ['lots', undefined],
    ['-1', undefined],
  ])('%s → %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
});
