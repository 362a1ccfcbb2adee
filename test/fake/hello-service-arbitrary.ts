// Generated HelloService specs for the differential test (differential.test.ts): every field of
// operator/api/schema.ts, each value drawn mostly from the edges of its bound (just inside, just
// outside) and from the places where two implementations of one rule tend to part: Unicode white
// space, regular-expression classes, quantity arithmetic, label and annotation key syntax.
import fc from 'fast-check';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
/** Mostly edge values, sometimes anything of the type. */
const edgeOr = <T>(edges: fc.Arbitrary<T>, any: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: edges, weight: 3 }, { arbitrary: any, weight: 1 });
// Also a fraction and an int32 overflow: an integer field's type check is an edge too.
const intAround = (...bounds: number[]) =>
  edgeOr(
    pick(...bounds.flatMap((b) => [b - 1, b, b + 1]), (bounds[0] ?? 0) + 0.5, 2 ** 31),
    fc.integer({ min: -10, max: 100_000 }),
  );
/** A value of another type than the field's, or null (which the API server drops, like an absent field). */
const otherType = pick<unknown>(null, '3', 2.5, true, [], {}, 'true');

// White space as Go's strings.TrimSpace (CEL's trim()), JavaScript's trim() and RE2's / JavaScript's
// \s each see it: they differ on NEL, the BOM, the vertical tab and the Unicode spaces.
const SPACES = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2028',
  '\u2029',
];
const ODD = [
  ...SPACES,
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\u180e',
  '\u0000',
  'é',
  '😀',
  '\ud800',
];
const oddChar = pick(...ODD);
const text = (maxLength: number) =>
  fc
    .array(fc.oneof(oddChar, fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme' })), { maxLength })
    .map((parts) => parts.join(''));

// Mostly a plain message, so that the other fields decide the verdict; else its own edges.
const message = fc.oneof(
  { arbitrary: fc.constant('Hello, world!'), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(null, 42, true, ['a'], {}), weight: 1 },
  { arbitrary: fc.array(oddChar, { minLength: 1, maxLength: 3 }).map((c) => c.join('')), weight: 2 },
  { arbitrary: text(4).map((t) => ` ${t} `), weight: 1 },
  { arbitrary: text(40).filter((t) => t.length > 0), weight: 1 },
  // Around the 16384-character bound, counted in code points, with a character of 4 UTF-8 bytes.
  {
    arbitrary: pick(16383, 16384, 16385).chain((n) =>
      pick('x'.repeat(n), '😀'.repeat(n), `${'x'.repeat(n - 1)}\u0085`),
    ),
    weight: 1,
  },
);

const QUANTITIES = [
  '0',
  '1',
  '1.',
  '.5',
  '0.1',
  '100m',
  '1000m',
  '1n',
  '1u',
  '0.0000000001',
  '0.0000000002',
  '1e3',
  '1E3',
  '1e-3',
  '1e+3',
  '1k',
  '1K',
  '1Ki',
  '64Mi',
  '128Mi',
  '1Gi',
  '1G',
  '1000000000000000000',
  '1000000000000000001',
  '9223372036854775807',
  '9223372036854775808',
  '8Ei',
  '9Ei',
  '1e100',
  '-1',
  '+1',
  '',
  ' 1',
  '1 ',
  '1Mb',
  '1.5.5',
];
const quantity = edgeOr(
  pick(...QUANTITIES),
  fc
    .tuple(
      fc.integer({ min: 0, max: 99999 }),
      pick('', 'm', 'n', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'e2', 'e-2'),
      fc.boolean(),
    )
    .map(([n, suffix, fraction]) => `${fraction ? (n / 100).toFixed(2) : n}${suffix}`),
);

const LABEL_KEYS = [
  'app',
  'a',
  'team',
  'example.com/team',
  'Example.com/x',
  'a.b/c',
  'a/b/c',
  '/a',
  'a/',
  '-a',
  'a-',
  '_a',
  'a_b',
  'a.b',
  'a b',
  'k'.repeat(63),
  'k'.repeat(64),
  `${'d'.repeat(253)}/x`,
  `${'d'.repeat(254)}/x`,
  'kubernetes.io/x',
  '',
];
const LABEL_VALUES = ['', 'a', 'A-b_c.d', '-a', 'a-', 'a b', 'a/b', 'v'.repeat(63), 'v'.repeat(64), 'é', '1'];
const labels = fc.dictionary(pick(...LABEL_KEYS), pick(...LABEL_VALUES), { maxKeys: 3 });
const ANNOTATION_KEYS = [...LABEL_KEYS, 'cert-manager.io/cluster-issuer', 'nginx.ingress.kubernetes.io/x'];
const annotations = fc.dictionary(pick(...ANNOTATION_KEYS), edgeOr(pick('', 'true', 'a\nb'), text(8)), {
  maxKeys: 3,
});

const DNS_NAMES = [
  'hello.example.com',
  'a',
  '*.example.com',
  '*.a',
  '*',
  'a.*.com',
  'Hello.example.com',
  '10.0.0.1',
  '10.0.0.1.nip.io',
  '1.2.3',
  'a..b',
  '.a',
  'a.',
  '-a.com',
  'a-.com',
  'xn--bcher-kva.example',
  `${'l'.repeat(63)}.com`,
  `${'l'.repeat(64)}.com`,
  `${'l.'.repeat(126)}a`,
  `${'l.'.repeat(127)}a`,
  'a_b.com',
  'ü.com',
];
const name = edgeOr(pick(...DNS_NAMES), fc.domain());

const PATHS = [
  '/',
  '/a',
  '//',
  '/a//b',
  '/./',
  '/a/.',
  '/a/..',
  '/..',
  '/%2f',
  '/%2F',
  '/a b',
  '/a\tb',
  '/a\u00a0b',
  '/a\vb',
  '/a\u2028b',
  '/é',
  'a',
  '',
  `/${'p'.repeat(255)}`,
  `/${'p'.repeat(256)}`,
  '/a?b',
  '/a#b',
  '/{a}',
  '/a;b',
];
const DURATIONS = [
  '30s',
  '1m30s',
  '30s1m',
  '0',
  '1h0m0s',
  '0s',
  '5ms',
  '1d',
  '1w',
  '1y',
  '1h1h',
  '30',
  '',
  's',
  '1.5s',
  '-1s',
  '999999999999999999999s',
  '1µs',
  '1us',
];
const CIDRS = [
  '10.0.0.0/8',
  '10.0.0.1/32',
  '0.0.0.0/0',
  '10.0.0.0/33',
  '10.0.0.0',
  '10.0.0.0/08',
  '2001:db8::/32',
  '::/0',
  '2001:db8::/129',
  '::ffff:10.0.0.0/104',
  '10.0.0.1/8',
  'fe80::1%eth0/64',
  '10.0.0.0/-1',
  ' 10.0.0.0/8',
];
const IMAGES = [
  'nginx',
  'registry.example/hello:1.0',
  `a@sha256:${'a'.repeat(64)}`,
  'a b',
  ' a',
  'a ',
  'a\u00a0',
  '\u00a0a',
  'a\u00a0b',
  'a\vb',
  'a\u2028',
  'UPPER',
  '',
];

const selector = fc.record({ matchLabels: labels }, { requiredKeys: [] });
const peer = fc.oneof(
  fc.record(
    {
      ipBlock: fc.record(
        { cidr: pick(...CIDRS), except: fc.array(pick(...CIDRS), { maxLength: 2 }) },
        { requiredKeys: ['cidr'] },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record({ namespaceSelector: selector, podSelector: selector }, { requiredKeys: [] }),
  fc.record({ ipBlock: fc.record({ cidr: pick(...CIDRS) }), podSelector: selector }),
);

/** Mostly one of `good` (valid values, so that nested lists are often valid as a whole and their
 * Deployment gets checked too), else one of `bad`. */
const mostly = <T>(good: T[], bad: T[]) =>
  fc.oneof({ arbitrary: pick(...good), weight: 5 }, { arbitrary: pick(...bad), weight: 1 });
/** Mostly a short list, sometimes one at `max` items or just past it. */
const list = <T>(item: fc.Arbitrary<T>, max: number, maxLength = 2) =>
  fc.oneof(
    { arbitrary: fc.array(item, { maxLength }), weight: 8 },
    { arbitrary: pick(max, max + 1).chain((n) => fc.array(item, { minLength: n, maxLength: n })), weight: 1 },
  );
const optional = { requiredKeys: [] as never[] };
/** The HPA's scaling rules for one direction: edges of every bound, an unknown policy type. */
const scalingRules = fc.record(
  {
    stabilizationWindowSeconds: intAround(0, 3600),
    selectPolicy: pick('Max', 'Min', 'Disabled', 'max'),
    policies: list(
      fc.record(
        {
          type: pick('Pods', 'Percent', 'Replicas'),
          value: intAround(1, 1000),
          periodSeconds: intAround(1, 1800),
        },
        { requiredKeys: ['type', 'value'] },
      ),
      10,
    ),
  },
  optional,
);
const GOOD_KEYS = ['app', 'team', 'example.com/team', 'a.b/c', 'k'.repeat(63), `${'d'.repeat(253)}/x`];
const BAD_KEYS = LABEL_KEYS.filter((k) => !GOOD_KEYS.includes(k));
const labelKey = mostly(GOOD_KEYS, BAD_KEYS);
const GOOD_VALUES = ['', 'a', 'A-b_c.d', 'v'.repeat(63), '1', '10'];
const labelValue = mostly(GOOD_VALUES, ['-a', 'a-', 'a b', 'a/b', 'v'.repeat(64), 'é', '-1', '1.5']);
const goodLabels = fc.dictionary(labelKey, labelValue, { maxKeys: 2 });

// Placement, in Kubernetes' own shapes: the pod validation's rules (operators and values, keys,
// effects) are where the two implementations can part.
/** Mostly a value of the right shape (required fields present, values that fit the operator), else
 * anything of `random`. */
const shaped = <T, U>(valid: fc.Arbitrary<T>, random: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: random, weight: 1 });
const requirement = shaped(
  fc.oneof(
    fc.record({
      key: labelKey,
      operator: pick('In', 'NotIn'),
      values: fc.array(labelValue, { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ key: labelKey, operator: pick('Exists', 'DoesNotExist') }),
    fc.record({
      key: labelKey,
      operator: pick('Gt', 'Lt'),
      values: fc.tuple(pick('1', '10', '0', '-1', '1.5', 'a')),
    }),
  ),
  fc.record(
    {
      key: labelKey,
      operator: mostly(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'], ['in', '']),
      values: fc.array(labelValue, { maxLength: 2 }),
    },
    { requiredKeys: ['operator'] },
  ),
);
const fullSelector = fc.record(
  { matchLabels: goodLabels, matchExpressions: fc.array(requirement, { maxLength: 1 }) },
  optional,
);
const nodeSelectorTerm = shaped(
  fc.record({ matchExpressions: fc.array(requirement, { minLength: 1, maxLength: 2 }) }),
  fc.record({ matchExpressions: list(requirement, 8, 1) }, optional),
);
const namespace = mostly(['default', 'a', 'l'.repeat(63)], ['A', '-a', 'a.b', 'l'.repeat(64), '']);
const topologyKey = mostly(['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'rack'], BAD_KEYS);
const podAffinityTerm = fc.record(
  {
    labelSelector: fullSelector,
    namespaceSelector: fullSelector,
    namespaces: fc.array(namespace, { maxLength: 1 }),
    topologyKey,
  },
  { requiredKeys: ['topologyKey'] },
);
const weight = intAround(1, 100);
const podAffinity = fc.record(
  {
    requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm, 8, 1),
    preferredDuringSchedulingIgnoredDuringExecution: list(
      shaped(
        fc.record({ weight: pick(1, 50, 100), podAffinityTerm }),
        fc.record({ weight, podAffinityTerm }, optional),
      ),
      8,
      1,
    ),
  },
  optional,
);
const affinity = fc.record(
  {
    nodeAffinity: fc.record(
      {
        requiredDuringSchedulingIgnoredDuringExecution: shaped(
          fc.record({ nodeSelectorTerms: fc.array(nodeSelectorTerm, { minLength: 1, maxLength: 2 }) }),
          fc.record({ nodeSelectorTerms: list(nodeSelectorTerm, 8, 2) }, optional),
        ),
        preferredDuringSchedulingIgnoredDuringExecution: list(
          shaped(
            fc.record({ weight: pick(1, 50, 100), preference: nodeSelectorTerm }),
            fc.record({ weight, preference: nodeSelectorTerm }, optional),
          ),
          8,
          1,
        ),
      },
      optional,
    ),
    podAffinity,
    podAntiAffinity: podAffinity,
  },
  optional,
);
const toleration = fc.record(
  {
    key: mostly([...GOOD_KEYS, 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'], BAD_KEYS),
    operator: mostly(['Equal', 'Exists'], ['Lt', '']),
    value: labelValue,
    effect: mostly(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], ['', 'noexecute']),
    tolerationSeconds: intAround(0, 86400),
  },
  optional,
);
const spreadConstraint = fc.record(
  {
    maxSkew: intAround(1, 100),
    topologyKey,
    whenUnsatisfiable: mostly(['DoNotSchedule', 'ScheduleAnyway'], ['Never']),
    labelSelector: fullSelector,
    minDomains: intAround(1, 100),
    nodeAffinityPolicy: mostly(['Honor', 'Ignore'], ['honor']),
    nodeTaintsPolicy: mostly(['Honor', 'Ignore'], ['']),
  },
  { requiredKeys: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
);

// Metadata: the operator's own keys are refused wherever a user may add labels or annotations.
const OWN_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
  'hello.operators.dev/revision',
  'pod-template-hash',
];
const podLabels = fc.dictionary(
  fc.oneof(
    { arbitrary: labelKey, weight: 4 },
    { arbitrary: pick(...OWN_LABELS, 'app.kubernetes.io/version'), weight: 1 },
  ),
  labelValue,
  { maxKeys: 3 },
);
const podAnnotations = fc.dictionary(
  fc.oneof(
    { arbitrary: labelKey, weight: 4 },
    {
      arbitrary: pick(
        'hello.operators.dev/config-hash',
        'sidecar.istio.io/inject',
        // Annotations the pod validation reads.
        'kubernetes.io/config.mirror',
        'scheduler.alpha.kubernetes.io/tolerations',
        'controller.kubernetes.io/pod-deletion-cost',
        'seccomp.security.alpha.kubernetes.io/pod',
        'container.seccomp.security.alpha.kubernetes.io/hello',
        'container.apparmor.security.beta.kubernetes.io/hello',
        'container.apparmor.security.beta.kubernetes.io/other',
        'kubectl.kubernetes.io/default-container',
      ),
      weight: 1,
    },
  ),
  edgeOr(pick('', 'true', 'a\nb'), text(8)),
  { maxKeys: 3 },
);

// Configuration.
const envName = mostly(
  ['MODE', '_a', 'a1', 'port', 'x'.repeat(128)],
  [
    '1a',
    'A-B',
    'A.B',
    'PORT',
    'MESSAGES',
    'TMPDIR',
    'SCRATCH_VOLUME_BYTES',
    'WORK_MAX_CONCURRENT',
    '',
    'x'.repeat(129),
  ],
);
const configKey = mostly(
  ['token', '.a', 'a..b', '-', '_', 'k'.repeat(253)],
  ['.', '..', '..a', 'a/b', 'a b', 'k'.repeat(254), ''],
);
const objectName = mostly(['a', 'token', 'hello.example.com', `${'l'.repeat(63)}.com`], DNS_NAMES);
const keyRef = fc.record(
  { name: objectName, key: configKey, optional: fc.boolean() },
  { requiredKeys: ['name', 'key'] },
);
const envVar = fc.oneof(
  fc.record(
    { name: envName, value: edgeOr(pick('', 'x', 'a\u0000b', 'x'.repeat(4096), 'x'.repeat(4097)), text(8)) },
    { requiredKeys: ['name'] },
  ),
  fc.record(
    {
      name: envName,
      valueFrom: fc.oneof(fc.record({ secretKeyRef: keyRef }), fc.record({ configMapKeyRef: keyRef })),
    },
    { requiredKeys: ['name'] },
  ),
  // Both, or neither: refused.
  fc.record(
    {
      name: envName,
      value: pick('', 'x'),
      valueFrom: fc.record({ secretKeyRef: keyRef, configMapKeyRef: keyRef }, optional),
    },
    { requiredKeys: ['name'] },
  ),
);

/** Every optional field of the spec, each present. */
const FIELDS = {
  image: edgeOr(pick(...IMAGES), fc.string({ minLength: 1, maxLength: 20 })),
  replicas: intAround(1, 100),
  port: intAround(1024, 65535),
  resources: fc.record(
    {
      requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
      limits: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
  autoscaling: fc.record(
    {
      minReplicas: intAround(1, 100),
      maxReplicas: intAround(1, 100),
      targetCPUUtilizationPercentage: intAround(1, 100),
      targetMemoryUtilizationPercentage: intAround(1, 100),
      targetRequestsPerSecond: intAround(1, 100_000),
      scaleDownStabilizationWindowSeconds: intAround(0, 3600),
      behavior: fc.record({ scaleUp: scalingRules, scaleDown: scalingRules }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
  service: fc.record(
    {
      type: pick('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'clusterip'),
      port: intAround(1, 65535),
      labels: podLabels,
      annotations: fc.oneof(
        { arbitrary: annotations, weight: 4 },
        {
          // An annotation the Service validation reads.
          arbitrary: fc.record({
            'service.beta.kubernetes.io/load-balancer-source-ranges': pick('10.0.0.0/8', 'x', ''),
          }),
          weight: 1,
        },
      ),
    },
    { requiredKeys: [] },
  ),
  ingress: fc.record(
    {
      host: name,
      className: name,
      path: pick(...PATHS),
      tls: fc.record({ secretName: name }, { requiredKeys: [] }),
      annotations,
    },
    { requiredKeys: [] },
  ),
  tmp: fc.record({ sizeLimit: quantity, medium: pick('Disk', 'Memory', 'memory') }, { requiredKeys: [] }),
  podDisruptionBudget: fc.record(
    { enabled: fc.boolean(), maxUnavailable: intAround(1, 100) },
    { requiredKeys: [] },
  ),
  networkPolicy: fc.record(
    { enabled: fc.boolean(), from: fc.array(peer, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  monitoring: fc.record(
    { enabled: fc.boolean(), interval: pick(...DURATIONS), labels },
    { requiredKeys: [] },
  ),
  rollout: fc.record({ progressDeadlineSeconds: intAround(10, 3600) }, { requiredKeys: [] }),
  work: fc.record({ enabled: fc.boolean(), maxConcurrent: intAround(1, 32) }, { requiredKeys: [] }),
  nodeSelector: fc.oneof(goodLabels, labels),
  tolerations: list(toleration, 16),
  affinity,
  priorityClassName: objectName,
  topologySpreadConstraints: list(spreadConstraint, 8),
  podLabels,
  podAnnotations,
  imagePullSecrets: list(fc.record({ name: objectName }, optional), 8),
  imagePullPolicy: mostly(['Always', 'IfNotPresent', 'Never'], ['always', '']),
  env: list(envVar, 32),
};
const fields = fc.record(
  Object.fromEntries(
    Object.entries(FIELDS).map(([key, arbitrary]) => [
      key,
      fc.oneof({ arbitrary, weight: 9 }, { arbitrary: otherType, weight: 1 }),
    ]),
  ) as { [K in keyof typeof FIELDS]: fc.Arbitrary<unknown> },
);

/**
 * A HelloService spec: a message and at most three other fields, so that one field's edge value is
 * seldom hidden behind another field that is invalid anyway.
 */
const anySpec = fc
  .tuple(message, fields, fc.subarray(Object.keys(FIELDS) as (keyof typeof FIELDS)[], { maxLength: 3 }))
  .map(([msg, all, keys]) => ({
    message: msg,
    ...Object.fromEntries(keys.map((k) => [k, all[k]])),
  }));

/** The fields of issue 20 (placement, metadata, images, env). */
const KNOBS: (keyof typeof FIELDS)[] = [
  'nodeSelector',
  'tolerations',
  'affinity',
  'priorityClassName',
  'topologySpreadConstraints',
  'podLabels',
  'podAnnotations',
  'imagePullSecrets',
  'imagePullPolicy',
  'env',
  'service',
];
/** A plain message and one or two of KNOBS, so that their valid values often reach the dry run of
 * the Deployment and the Service too. */
const knobsSpec = fc
  .tuple(
    fc.record(Object.fromEntries(KNOBS.map((k) => [k, FIELDS[k]]))),
    fc.subarray(KNOBS, { minLength: 1, maxLength: 2 }),
  )
  .map(([all, keys]) => ({ message: 'Hello, world!', ...Object.fromEntries(keys.map((k) => [k, all[k]])) }));

export const helloServiceSpec = fc.oneof(
  { arbitrary: anySpec, weight: 2 },
  { arbitrary: knobsSpec, weight: 1 },
);
