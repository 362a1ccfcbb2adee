// The HelloService API, defined once. The CRD YAML (crds/) and the TypeScript types (types.gen.ts)
// are generated from this file by `npm run generate`; a unit test fails when either is stale. Every
// default lives here, and every CEL rule sits next to the TypeScript check that mirrors it, so that
// `render` rejects what the API server would reject.

import { BlockList, isIP } from 'node:net';
import { LOG_LEVELS } from '../../workload/config.ts';
import { OPERATOR_POD_LABELS } from '../resources/labels.ts';
import {
  CONFIG_HASH_ANNOTATION,
  ENV_HASH_ANNOTATION,
  LOG_LEVEL_ENV,
  OPERATOR_ENV,
  RPS_METRIC,
} from '../resources/names.ts';
import { QUANTITY_PATTERN, quantityGreater } from './quantity.ts';
import type { DefaultedHelloServiceSpec, DefaultedNetworkPolicyPeer } from './types.gen.ts';

export const GROUP = 'hello.operators.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'HelloService';
export const PLURAL = 'helloservices';

/** Replicas when neither `replicas` nor `autoscaling` is set (not a schema default: see `replicas`). */
export const DEFAULT_REPLICAS = 2;
/** The longest message, in characters: it reaches the pod as one environment variable (limit 128 KiB),
 * and 16384 characters are at most 64 KiB of UTF-8. */
export const MAX_MESSAGE_LENGTH = 16384;

/** A CEL rule for `x-kubernetes-validations`, and the same check in TypeScript for `render`. */
export interface Rule {
  rule: string;
  message: string;
  /** A CEL expression for a message naming the value (the API server falls back to `message`). */
  messageExpression?: string;
  /** The twin of messageExpression, for `render`. */
  messageOf?: (self: never) => string;
  /** Where the API server reports the error, relative to the node holding the rule. */
  fieldPath?: string;
  check: (self: never) => boolean;
}

/** The subset of OpenAPI v3 the CRD uses, plus `rules` (emitted as x-kubernetes-validations) and
 * `tsName` (the name of the generated TypeScript interface; not emitted). */
export interface SchemaNode {
  type?: 'object' | 'string' | 'integer' | 'boolean' | 'array';
  format?: 'int32' | 'int64' | 'date-time';
  description: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  intOrString?: true;
  listMapKeys?: string[];
  rules?: Rule[];
  tsName?: string;
  /** The doc comment of the generated interface, when the description fits one use only. */
  tsDoc?: string;
}

function rule<T>(r: {
  rule: string;
  message: string;
  messageExpression?: string;
  messageOf?: (self: T) => string;
  fieldPath?: string;
  check: (self: T) => boolean;
}): Rule {
  return r as Rule;
}

// Regular expressions shared by the CEL rules and the TypeScript checks. They avoid backslashes
// ([.] rather than \.) so that the same text is valid inside a CEL string literal.
const DNS_LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
export const DNS_SUBDOMAIN_PATTERN = `^${DNS_LABEL}([.]${DNS_LABEL})*$`;
export const HOST_PATTERN = `^([*][.])?${DNS_LABEL}([.]${DNS_LABEL})*$`;
const matches = (pattern: string) => (s: string) => new RegExp(pattern).test(s);

/**
 * White space as Go's unicode.IsSpace sees it, which is what CEL's trim() and the API server's own
 * checks (an image's leading or trailing space) use, as literal characters for a regex class. Not
 * `\s`: RE2 (the API server's patterns) reads it as ASCII space without the vertical tab,
 * JavaScript as every Unicode space and the byte-order mark.
 */
const GO_SPACE = '\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
const ONLY_GO_SPACE = new RegExp(`^[${GO_SPACE}]*$`, 'u');
/**
 * The same characters in a pattern's character class, as escapes that Go's RE2 (the API server's
 * pattern) and JavaScript with the u flag (validate.ts) read alike. Not the characters themselves:
 * kubectl's YAML reader drops or folds NEL, LS and PS, so the API server would get another pattern.
 */
export const GO_SPACE_CLASS = String.raw`\t\n\v\f\r\x85\p{Zs}\p{Zl}\p{Zp}`;
export const NO_SPACE_PATTERN = `^[^${GO_SPACE_CLASS}]+$`;

// A label (or annotation) key, as metav1 validates it: an optional DNS-subdomain prefix of at most
// 253 characters and "/", then a name of at most 63 alphanumerics, "-", "_", "." starting and
// ending alphanumeric. A label value: empty, or such a name.
const QUALIFIED_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
export const LABEL_KEY_PATTERN = `^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${QUALIFIED_NAME}$`;
const LONG_PREFIX = '^[^/]{254,}/';
export const LABEL_VALUE_PATTERN = `^(${QUALIFIED_NAME})?$`;
const isKey = (key: string) => matches(LABEL_KEY_PATTERN)(key) && !matches(LONG_PREFIX)(key);
const KEY_SYNTAX =
  'an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
/** The CEL rule and its twin for a map whose keys must be label or annotation keys. */
const keyRule = (what: string) =>
  rule<Record<string, string>>({
    rule: `self.all(k, k.matches('${LABEL_KEY_PATTERN}') && !k.matches('${LONG_PREFIX}'))`,
    message: `${what} keys must be label keys: ${KEY_SYNTAX}`,
    check: (self) => Object.keys(self).every(isKey),
  });
/** The CEL rule and its twin for a map that must not set any of `reserved`, the operator's own keys. */
const reservedKeysRule = (what: string, reserved: readonly string[], why: string) =>
  rule<Record<string, string>>({
    rule: `!self.exists(k, k in [${reserved.map((k) => `'${k}'`).join(', ')}])`,
    message: `${what} must not set ${reserved.join(', ')}: ${why}`,
    check: (self) => !Object.keys(self).some((k) => reserved.includes(k)),
  });

/** A single label key (a taint's, a topology's, a selector requirement's). */
const labelKey = (description: string): SchemaNode => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 317,
  rules: [
    rule<string>({
      rule: `self.matches('${LABEL_KEY_PATTERN}') && !self.matches('${LONG_PREFIX}')`,
      message: `must be a label key: ${KEY_SYNTAX}`,
      check: isKey,
    }),
  ],
});

const labelValue = (description: string): SchemaNode => ({
  type: 'string',
  description,
  maxLength: 63,
  pattern: LABEL_VALUE_PATTERN,
});

/** The name of another object in the namespace (a Secret, an IngressClass, a PriorityClass). */
const dnsSubdomainName = (description: string, what: string, kind: string): SchemaNode => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 253,
  rules: [
    rule<string>({
      rule: `self.matches('${DNS_SUBDOMAIN_PATTERN}')`,
      message: `${what} must be a lower-case DNS subdomain, the name of ${kind}`,
      check: matches(DNS_SUBDOMAIN_PATTERN),
    }),
  ],
});

const quantity = (description: string, dflt: string): SchemaNode => ({
  type: 'string',
  description: `${description} A Kubernetes quantity. Default ${dflt}.`,
  pattern: QUANTITY_PATTERN,
  maxLength: 32,
  default: dflt,
});

const labelMap = (description: string, what: string, ...rules: Rule[]): SchemaNode => ({
  type: 'object',
  description,
  maxProperties: 16,
  additionalProperties: labelValue('A label value.'),
  rules: [keyRule(what), ...rules],
});

const annotationMap = (description: string, what: string, ...rules: Rule[]): SchemaNode => ({
  type: 'object',
  description,
  maxProperties: 32,
  additionalProperties: { type: 'string', description: 'An annotation value.', maxLength: 4096 },
  rules: [keyRule(what), ...rules],
});

const OPERATOR_LABELS_WHY = 'the operator selects and finds its pods and children by them';

/**
 * Pod annotations the pod validation reads, refused in podAnnotations (found by trying each against
 * the API server): the seccomp and AppArmor profiles (the operator sets the pods' securityContext,
 * which must agree with them), a mirror pod's, the old tolerations annotation (spec.tolerations is
 * the field), and the per-pod deletion cost (meaningless on a template, an error unless an int32).
 */
const POD_VALIDATED_ANNOTATIONS = [
  'kubernetes.io/config.mirror',
  'scheduler.alpha.kubernetes.io/tolerations',
  'controller.kubernetes.io/pod-deletion-cost',
];
const POD_SECURITY_ANNOTATION_PREFIXES = [
  'seccomp.security.alpha.kubernetes.io/',
  'container.seccomp.security.alpha.kubernetes.io/',
  'container.apparmor.security.beta.kubernetes.io/',
];
const podValidatedAnnotationsRule = rule<Record<string, string>>({
  rule:
    `!self.exists(k, k in [${POD_VALIDATED_ANNOTATIONS.map((k) => `'${k}'`).join(', ')}] || ` +
    `${POD_SECURITY_ANNOTATION_PREFIXES.map((p) => `k.startsWith('${p}')`).join(' || ')})`,
  message:
    `podAnnotations must not set ${POD_VALIDATED_ANNOTATIONS.join(', ')} or the seccomp and AppArmor ` +
    "annotations: the operator sets the pods' security profiles, tolerations have their own field, and " +
    'the others are for single pods',
  check: (self) =>
    !Object.keys(self).some(
      (k) =>
        POD_VALIDATED_ANNOTATIONS.includes(k) ||
        POD_SECURITY_ANNOTATION_PREFIXES.some((p) => k.startsWith(p)),
    ),
});

const selector = (description: string): SchemaNode => ({
  type: 'object',
  tsName: 'LabelSelector',
  tsDoc: 'A label selector (matchLabels only).',
  description,
  properties: {
    matchLabels: labelMap(
      'Labels the selected objects carry, all of them. An empty or absent map selects every object.',
      'matchLabels',
    ),
  },
});

const resources: SchemaNode = {
  type: 'object',
  tsName: 'Resources',
  description:
    'CPU and memory for the workload container. Requests are what the scheduler reserves and what ' +
    'the autoscaler measures utilization against; limits cap the container.',
  default: {},
  properties: {
    requests: {
      type: 'object',
      tsName: 'ResourceAmounts',
      description: 'Reserved CPU and memory.',
      default: {},
      properties: {
        cpu: quantity('Reserved CPU.', '50m'),
        memory: quantity('Reserved memory.', '64Mi'),
      },
    },
    limits: {
      type: 'object',
      tsName: 'ResourceLimits',
      description: 'The most CPU and memory the container may use; it is killed above the memory limit.',
      default: {},
      properties: {
        cpu: quantity('CPU limit.', '500m'),
        memory: quantity('Memory limit.', '128Mi'),
      },
    },
  },
  rules: [
    rule<DefaultedHelloServiceSpec['resources']>({
      rule: '!quantity(self.requests.cpu).isGreaterThan(quantity(self.limits.cpu))',
      message: 'resources.requests.cpu must not be greater than resources.limits.cpu',
      fieldPath: '.requests.cpu',
      check: (self) => !quantityGreater(self.requests.cpu, self.limits.cpu),
    }),
    rule<DefaultedHelloServiceSpec['resources']>({
      rule: '!quantity(self.requests.memory).isGreaterThan(quantity(self.limits.memory))',
      message: 'resources.requests.memory must not be greater than resources.limits.memory',
      fieldPath: '.requests.memory',
      check: (self) => !quantityGreater(self.requests.memory, self.limits.memory),
    }),
  ],
};

/** The HPA's scaling rules for one direction; the fields read alike both ways (one TS interface). */
const scalingRules = (direction: 'up' | 'down', defaults: string): SchemaNode => ({
  type: 'object',
  tsName: 'ScalingRules',
  tsDoc: 'How the autoscaler scales up or down (autoscaling/v2 HPAScalingRules).',
  description: `How the autoscaler scales ${direction} (autoscaling/v2 HPAScalingRules). Absent: ${defaults}.`,
  properties: {
    stabilizationWindowSeconds: {
      type: 'integer',
      format: 'int32',
      description:
        'How far back the autoscaler looks, in seconds (0-3600): scaling up it takes the lowest ' +
        'recommendation of this window, scaling down the highest, so that a short swing of the load ' +
        'does not move the replica count.',
      minimum: 0,
      maximum: 3600,
    },
    selectPolicy: {
      type: 'string',
      description:
        'Which policy wins when several apply: Max (the default) the one that allows the biggest ' +
        'change, Min the smallest; Disabled never scales in this direction.',
      enum: ['Max', 'Min', 'Disabled'],
    },
    policies: {
      type: 'array',
      description: 'How many replicas the autoscaler may add or remove per period.',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        tsName: 'ScalingPolicy',
        description: 'A limit on one scaling step (autoscaling/v2 HPAScalingPolicy).',
        required: ['type', 'value', 'periodSeconds'],
        properties: {
          type: {
            type: 'string',
            description: 'Pods: `value` is a number of pods; Percent: a percentage of the current replicas.',
            enum: ['Pods', 'Percent'],
          },
          value: {
            type: 'integer',
            format: 'int32',
            description: 'How many pods, or what percentage, per period (1-1000).',
            minimum: 1,
            maximum: 1000,
          },
          periodSeconds: {
            type: 'integer',
            format: 'int32',
            description: 'The period the limit holds for, in seconds (1-1800).',
            minimum: 1,
            maximum: 1800,
          },
        },
      },
    },
  },
});

type AutoscalingSpec = NonNullable<DefaultedHelloServiceSpec['autoscaling']>;

const autoscaling: SchemaNode = {
  type: 'object',
  tsName: 'Autoscaling',
  description:
    'Scale the Deployment with a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization, and ' +
    'optionally on memory utilization and on requests per second per pod; the replica count is the ' +
    'highest that any of them asks for. Present means on; remove the field to switch autoscaling ' +
    'off. While it is on, the autoscaler owns the replica count, so `replicas` must not be set.',
  required: ['maxReplicas'],
  properties: {
    minReplicas: {
      type: 'integer',
      format: 'int32',
      description: 'The fewest replicas the autoscaler keeps. Default 2, so that one pod can be lost.',
      minimum: 1,
      maximum: 100,
      default: 2,
    },
    maxReplicas: {
      type: 'integer',
      format: 'int32',
      description: 'The most replicas the autoscaler may create. Required: it bounds the cost.',
      minimum: 1,
      maximum: 100,
    },
    targetCPUUtilizationPercentage: {
      type: 'integer',
      format: 'int32',
      description: 'The average CPU use the autoscaler aims for, in percent of the CPU request. Default 80.',
      minimum: 1,
      maximum: 100,
      default: 80,
    },
    targetMemoryUtilizationPercentage: {
      type: 'integer',
      format: 'int32',
      description:
        'The average memory use the autoscaler aims for, in percent of the memory request (1-100). ' +
        'Absent: memory does not count.',
      minimum: 1,
      maximum: 100,
    },
    targetRequestsPerSecond: {
      type: 'integer',
      format: 'int32',
      description:
        "The HTTP requests per second each pod should serve on average (1-100000), from the pods' own " +
        `http_requests_total (probes and scrapes not counted), read as the custom metric ${RPS_METRIC} ` +
        'through prometheus-adapter with the rule in deploy/monitoring/prometheus-adapter/. Needs ' +
        'monitoring.enabled (Prometheus must scrape the pods); without the custom metrics API the ' +
        'AutoscalingMetrics condition says so. Absent: requests do not count.',
      minimum: 1,
      maximum: 100000,
    },
    scaleDownStabilizationWindowSeconds: {
      type: 'integer',
      format: 'int32',
      description:
        'How long the autoscaler waits, after load drops, before it removes replicas: it scales down ' +
        "to the highest recommendation of this window. Absent: the autoscaler's default (300 s). The " +
        'same setting as behavior.scaleDown.stabilizationWindowSeconds, kept for existing HelloServices.',
      minimum: 0,
      maximum: 3600,
    },
    behavior: {
      type: 'object',
      tsName: 'ScalingBehavior',
      description:
        "How fast the autoscaler adds and removes replicas (the HorizontalPodAutoscaler's spec.behavior). " +
        "Absent: the autoscaler's defaults.",
      properties: {
        scaleUp: scalingRules(
          'up',
          'at once, by up to 4 pods or 100% of the replicas (whichever is more) per 15 s',
        ),
        scaleDown: scalingRules(
          'down',
          'to the highest recommendation of the last 300 s, by up to 100% of the replicas per 15 s',
        ),
      },
    },
  },
  rules: [
    rule<AutoscalingSpec>({
      rule: 'self.minReplicas <= self.maxReplicas',
      message: 'autoscaling.minReplicas must not be greater than autoscaling.maxReplicas',
      fieldPath: '.minReplicas',
      check: (self) => self.minReplicas <= self.maxReplicas,
    }),
    rule<AutoscalingSpec>({
      rule:
        '!has(self.scaleDownStabilizationWindowSeconds) || !has(self.behavior) || ' +
        '!has(self.behavior.scaleDown) || !has(self.behavior.scaleDown.stabilizationWindowSeconds)',
      message:
        'set either autoscaling.scaleDownStabilizationWindowSeconds or autoscaling.behavior.scaleDown.stabilizationWindowSeconds, not both: they are the same setting',
      fieldPath: '.scaleDownStabilizationWindowSeconds',
      check: (self) =>
        self.scaleDownStabilizationWindowSeconds == null ||
        self.behavior?.scaleDown?.stabilizationWindowSeconds == null,
    }),
  ],
};

const service: SchemaNode = {
  type: 'object',
  tsName: 'ServiceSettings',
  description: 'The Service in front of the pods.',
  default: {},
  properties: {
    type: {
      type: 'string',
      description: 'The Service type: ClusterIP (default), NodePort or LoadBalancer.',
      enum: ['ClusterIP', 'NodePort', 'LoadBalancer'],
      default: 'ClusterIP',
    },
    port: {
      type: 'integer',
      format: 'int32',
      description: 'The port the Service listens on (1-65535). Default 80.',
      minimum: 1,
      maximum: 65535,
      default: 80,
    },
    labels: labelMap(
      "Labels added to the Service. The operator's own labels (app.kubernetes.io/name, instance, " +
        'managed-by, part-of) cannot be set.',
      'service.labels',
      reservedKeysRule('service.labels', OPERATOR_POD_LABELS, OPERATOR_LABELS_WHY),
    ),
    annotations: annotationMap(
      "Annotations copied onto the Service, for example a cloud load balancer's " +
        '(service.beta.kubernetes.io/aws-load-balancer-internal: "true"). Not ' +
        'service.beta.kubernetes.io/load-balancer-source-ranges.',
      'service.annotations',
      // The Service validation parses it as a list of CIDRs (found by trying it); not offered yet.
      reservedKeysRule(
        'service.annotations',
        ['service.beta.kubernetes.io/load-balancer-source-ranges'],
        'the Service validation parses it as CIDRs, which this API does not check yet',
      ),
    ),
  },
};

const ingress: SchemaNode = {
  type: 'object',
  tsName: 'IngressSettings',
  description:
    'Expose the service over HTTP(S) with an Ingress (networking.k8s.io/v1). Present means on; ' +
    'remove the field to delete the Ingress.',
  required: ['host'],
  properties: {
    host: {
      type: 'string',
      description:
        'The DNS name clients use, for example hello.example.com. Lower case; a leading "*." ' +
        'matches one level of subdomains. Not an IP address.',
      minLength: 1,
      maxLength: 253,
      rules: [
        rule<string>({
          rule: `self.matches('${HOST_PATTERN}') && !self.matches('^[0-9.]+$')`,
          message:
            'ingress.host must be a lower-case DNS name such as hello.example.com (optionally starting with "*."), not an IP address',
          check: (self) => matches(HOST_PATTERN)(self) && !/^[0-9.]+$/.test(self),
        }),
      ],
    },
    className: dnsSubdomainName(
      'The IngressClass that serves this Ingress. Absent means the cluster default IngressClass.',
      'ingress.className',
      'an IngressClass',
    ),
    path: {
      type: 'string',
      description: 'The URL path prefix routed to the service. Starts with "/". Default "/".',
      maxLength: 256,
      default: '/',
      pattern: `^/[^${GO_SPACE_CLASS}]*$`,
      rules: [
        // The Ingress's own check of a Prefix path (networking validation's invalid sequences).
        rule<string>({
          rule: "!['//', '/./', '/../', '%2f', '%2F'].exists(s, self.contains(s)) && !self.endsWith('/..') && !self.endsWith('/.')",
          message: 'ingress.path must not contain "//", "/./", "/../" or "%2f", nor end with "/." or "/.."',
          check: (self) =>
            !['//', '/./', '/../', '%2f', '%2F'].some((s) => self.includes(s)) &&
            !self.endsWith('/..') &&
            !self.endsWith('/.'),
        }),
      ],
    },
    tls: {
      type: 'object',
      tsName: 'IngressTLS',
      description: 'Serve HTTPS for the host with a certificate from a Secret in the same namespace.',
      required: ['secretName'],
      properties: {
        secretName: dnsSubdomainName(
          'The kubernetes.io/tls Secret holding the certificate and key for the host.',
          'ingress.tls.secretName',
          'a Secret',
        ),
      },
    },
    annotations: annotationMap(
      'Annotations copied onto the Ingress, for the ingress controller or cert-manager ' +
        '(for example cert-manager.io/cluster-issuer).',
      'ingress.annotations',
    ),
  },
};

const tmp: SchemaNode = {
  type: 'object',
  tsName: 'TmpVolume',
  description:
    'The writable /tmp of the workload (an emptyDir; the root filesystem is read-only). Its content ' +
    'is lost when the pod goes.',
  default: {},
  properties: {
    sizeLimit: quantity('The most /tmp may hold; the pod is evicted above it.', '64Mi'),
    medium: {
      type: 'string',
      description:
        "Disk (default) keeps /tmp on the node's disk; Memory keeps it in RAM (tmpfs), where it " +
        'counts against the memory limit.',
      enum: ['Disk', 'Memory'],
      default: 'Disk',
    },
  },
};

const podDisruptionBudget: SchemaNode = {
  type: 'object',
  tsName: 'PodDisruptionBudgetSettings',
  description:
    'A PodDisruptionBudget, so that voluntary evictions (node drains, upgrades) take pods down a few ' +
    'at a time.',
  default: {},
  properties: {
    enabled: {
      type: 'boolean',
      description: 'Create the PodDisruptionBudget. Default true.',
      default: true,
    },
    maxUnavailable: {
      type: 'integer',
      format: 'int32',
      description: 'How many pods an eviction may take down at once. Default 1.',
      minimum: 1,
      maximum: 100,
      default: 1,
    },
  },
};

const rollout: SchemaNode = {
  type: 'object',
  tsName: 'RolloutSettings',
  description: 'How a change of message or image rolls out.',
  default: {},
  properties: {
    progressDeadlineSeconds: {
      type: 'integer',
      format: 'int32',
      description:
        'How long a rollout may make no progress (new pods not becoming ready) before the ' +
        'HelloService reports it Stalled with ProgressDeadlineExceeded (10-3600). Default 600, as a ' +
        "Deployment's.",
      minimum: 10,
      maximum: 3600,
      default: 600,
    },
    autoRollback: {
      type: 'boolean',
      description:
        'When the latest revision fails (its rollout passes progressDeadlineSeconds, or its pods ' +
        'crash-loop), point the Deployment back to the latest ready revision (status.rollback says ' +
        'which and why) and try the failed one again only when the spec changes. Default false.',
      default: false,
    },
  },
};

const networkPolicyPeer: SchemaNode = {
  type: 'object',
  tsName: 'NetworkPolicyPeer',
  description:
    'Where traffic may come from: pods chosen by namespaceSelector and/or podSelector, or an ipBlock.',
  properties: {
    namespaceSelector: selector(
      'Namespaces whose pods may connect. With podSelector: those pods in these namespaces. ' +
        'Without podSelector: every pod in them. An empty selector means every namespace.',
    ),
    podSelector: selector(
      "Pods that may connect; without namespaceSelector, in the HelloService's namespace only.",
    ),
    ipBlock: {
      type: 'object',
      tsName: 'IPBlock',
      description: 'A range of IP addresses that may connect (cluster-external clients, for example).',
      required: ['cidr'],
      properties: {
        cidr: {
          type: 'string',
          description: 'The range in CIDR notation, for example 10.0.0.0/8 or 2001:db8::/32.',
          maxLength: 64,
          rules: [
            rule<string>({
              rule: 'isCIDR(self)',
              message:
                'networkPolicy.from[].ipBlock.cidr must be an IP range in CIDR notation, like 10.0.0.0/8',
              check: isCidr,
            }),
          ],
        },
        except: {
          type: 'array',
          description: 'Ranges inside cidr that may not connect.',
          maxItems: 16,
          items: {
            type: 'string',
            description: 'A range in CIDR notation.',
            maxLength: 64,
            rules: [
              rule<string>({
                rule: 'isCIDR(self)',
                message: 'networkPolicy.from[].ipBlock.except[] must be IP ranges in CIDR notation',
                check: isCidr,
              }),
            ],
          },
        },
      },
      rules: [
        // The NetworkPolicy's own check (found by the differential test): inside cidr, and smaller.
        rule<{ cidr: string; except?: string[] | null }>({
          rule:
            '!isCIDR(self.cidr) || !has(self.except) || self.except.all(e, !isCIDR(e) || ' +
            '(cidr(self.cidr).containsIP(cidr(e).masked().ip()) && cidr(e).prefixLength() > cidr(self.cidr).prefixLength()))',
          message: 'networkPolicy.from[].ipBlock.except[] must be strict subsets of cidr',
          check: (self) =>
            !isCidr(self.cidr) || (self.except ?? []).every((e) => !isCidr(e) || strictSubnet(e, self.cidr)),
        }),
      ],
    },
  },
  rules: [
    rule<DefaultedNetworkPolicyPeer>({
      rule: 'has(self.ipBlock) != (has(self.namespaceSelector) || has(self.podSelector))',
      message: 'each networkPolicy.from entry sets either ipBlock, or namespaceSelector and/or podSelector',
      check: (self) =>
        (self.ipBlock !== undefined) !==
        (self.namespaceSelector !== undefined || self.podSelector !== undefined),
    }),
  ],
};

const networkPolicy: SchemaNode = {
  type: 'object',
  tsName: 'NetworkPolicySettings',
  description:
    'A NetworkPolicy that admits traffic to the pods only on their serving port (which also serves ' +
    '/metrics) and drops all other incoming traffic, and all outgoing traffic: the workload opens no ' +
    'connections.',
  default: {},
  properties: {
    enabled: {
      type: 'boolean',
      description: 'Create the NetworkPolicy. Default true.',
      default: true,
    },
    from: {
      type: 'array',
      description:
        'Who may connect to the serving port. Empty or absent: anyone (so that ingress controllers and ' +
        'Prometheus reach the pods wherever they run).',
      maxItems: 16,
      items: networkPolicyPeer,
    },
  },
};

/**
 * A Prometheus duration, as the ServiceMonitor's endpoint interval takes it (e.g. 30s, 1m30s):
 * prometheus-operator's own pattern, each unit at most once and from the largest down ("1h1h" and
 * "30s1m" are refused by the ServiceMonitor; found by the differential test).
 */
export const PROMETHEUS_DURATION_PATTERN =
  '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$';

const monitoring: SchemaNode = {
  type: 'object',
  tsName: 'MonitoringSettings',
  description:
    'A ServiceMonitor (monitoring.coreos.com/v1), so that a Prometheus run by prometheus-operator scrapes ' +
    "the pods' /metrics. It needs prometheus-operator's CRDs in the cluster; without them the Monitoring " +
    'condition says so and nothing else changes (Ready is not affected). Absent means off.',
  // No default for the object itself: the API server then leaves HelloServices that do not set it
  // exactly as they were, which an operator of an older version (that rejects unknown fields) needs.
  properties: {
    enabled: {
      type: 'boolean',
      description: 'Create the ServiceMonitor. Default false.',
      default: false,
    },
    interval: {
      type: 'string',
      description: 'How often Prometheus scrapes each pod, a Prometheus duration. Default 30s.',
      minLength: 1,
      maxLength: 32,
      pattern: PROMETHEUS_DURATION_PATTERN,
      default: '30s',
    },
    labels: labelMap(
      'Labels added to the ServiceMonitor, for a Prometheus whose serviceMonitorSelector asks for them ' +
        '(with kube-prometheus-stack: release: <its release name>).',
      'monitoring.labels',
    ),
  },
};

/** The most /work burns a pod may run at once: the workload's own bound (MAX_WORK_CONCURRENT). They
 * share one core, so each of N takes N times as long. */
export const MAX_WORK_CONCURRENT = 32;

const work: SchemaNode = {
  type: 'object',
  tsName: 'WorkSettings',
  description:
    "The workload's GET /work?ms=N, which burns N ms of CPU, for load and autoscaling tests. Off unless " +
    'enabled: anyone who can reach the Service could otherwise keep the pods busy. Absent means off.',
  // No default for the object, as for monitoring: HelloServices that do not set it stay as they were.
  properties: {
    enabled: {
      type: 'boolean',
      description: 'Serve /work. Default false.',
      default: false,
    },
    maxConcurrent: {
      type: 'integer',
      format: 'int32',
      description:
        `How many /work requests each pod runs at once (1-${MAX_WORK_CONCURRENT}); more are refused with 429 ` +
        'and Retry-After. They share one CPU, so each of N at once takes N times as long. Default 4.',
      minimum: 1,
      maximum: MAX_WORK_CONCURRENT,
      default: 4,
    },
  },
};

// Placement, in the Kubernetes API's own shapes (core/v1), each list and string bounded so that the
// CEL cost estimates pass. The rules are the pod validation's own, so that a HelloService the API
// server accepts always yields a Deployment it accepts too.

type Requirement = { operator: string; values?: string[] | null };
const sizeOf = (values: string[] | null | undefined) => values?.length ?? 0;

/** A selector requirement: a key, an operator, and values (core/v1 NodeSelectorRequirement or
 * meta/v1 LabelSelectorRequirement, which has no Gt and Lt). */
const requirement = (tsName: string, description: string, operators: string[]): SchemaNode => ({
  type: 'object',
  tsName,
  description,
  required: ['key', 'operator'],
  properties: {
    key: labelKey('The label key the requirement is about.'),
    operator: {
      type: 'string',
      description: `How the label relates to values: ${operators.join(', ')}.`,
      enum: operators,
    },
    values: {
      type: 'array',
      description:
        'The values: at least one with In and NotIn, none with Exists and DoesNotExist' +
        (operators.includes('Gt') ? ', exactly one integer with Gt and Lt.' : '.'),
      maxItems: 16,
      items: labelValue('A label value.'),
    },
  },
  rules: [
    rule<Requirement>({
      rule: "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
      message: 'a requirement with operator In or NotIn needs at least one value',
      check: (self) => !['In', 'NotIn'].includes(self.operator) || sizeOf(self.values) > 0,
    }),
    rule<Requirement>({
      rule: "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values) || size(self.values) == 0",
      message: 'a requirement with operator Exists or DoesNotExist takes no values',
      check: (self) => !['Exists', 'DoesNotExist'].includes(self.operator) || sizeOf(self.values) === 0,
    }),
    ...(operators.includes('Gt')
      ? [
          rule<Requirement>({
            rule: "!(self.operator in ['Gt', 'Lt']) || (has(self.values) && size(self.values) == 1 && self.values[0].matches('^[0-9]+$'))",
            message: 'a requirement with operator Gt or Lt takes exactly one value, a whole number',
            check: (self) =>
              !['Gt', 'Lt'].includes(self.operator) ||
              (sizeOf(self.values) === 1 && /^[0-9]+$/.test(self.values?.[0] ?? '')),
          }),
        ]
      : []),
  ],
});

const nodeSelectorTerm = (description: string): SchemaNode => ({
  type: 'object',
  tsName: 'NodeSelectorTerm',
  tsDoc: 'Nodes whose labels meet every requirement (core/v1 NodeSelectorTerm, matchExpressions only).',
  description,
  required: ['matchExpressions'],
  properties: {
    matchExpressions: {
      type: 'array',
      description: 'Requirements on the node labels, all of them.',
      minItems: 1,
      maxItems: 8,
      items: requirement('NodeSelectorRequirement', 'A requirement on a node label.', [
        'In',
        'NotIn',
        'Exists',
        'DoesNotExist',
        'Gt',
        'Lt',
      ]),
    },
  },
});

const weight: SchemaNode = {
  type: 'integer',
  format: 'int32',
  description: 'How much the scheduler favours nodes that match, 1-100, against the other preferences.',
  minimum: 1,
  maximum: 100,
};

/** A label selector with matchExpressions (meta/v1 LabelSelector). */
const labelSelector = (description: string, what: string): SchemaNode => ({
  type: 'object',
  tsName: 'FullLabelSelector',
  tsDoc: 'A label selector (meta/v1 LabelSelector): matchLabels and matchExpressions, all of them.',
  description,
  properties: {
    matchLabels: labelMap('Labels the selected objects carry, all of them.', `${what}.matchLabels`),
    matchExpressions: {
      type: 'array',
      description: 'Requirements on the labels, all of them.',
      maxItems: 8,
      items: requirement('LabelSelectorRequirement', 'A requirement on a label.', [
        'In',
        'NotIn',
        'Exists',
        'DoesNotExist',
      ]),
    },
  },
});

const podAffinityTerm: SchemaNode = {
  type: 'object',
  tsName: 'PodAffinityTerm',
  description:
    'Pods in one topology domain (a node, a zone: the nodes sharing the value of topologyKey) that the ' +
    'scheduler places these pods with or away from (core/v1 PodAffinityTerm).',
  required: ['topologyKey'],
  properties: {
    labelSelector: labelSelector('The pods meant. Absent: none.', 'labelSelector'),
    namespaceSelector: labelSelector(
      "The namespaces of the pods meant, with namespaces. Absent, and no namespaces: the HelloService's.",
      'namespaceSelector',
    ),
    namespaces: {
      type: 'array',
      description: 'Namespaces of the pods meant, by name, besides those namespaceSelector selects.',
      maxItems: 16,
      items: {
        type: 'string',
        description: 'A namespace name.',
        maxLength: 63,
        pattern: `^${DNS_LABEL}$`,
      },
    },
    topologyKey: labelKey(
      'The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone.',
    ),
  },
};

const podAffinity = (description: string): SchemaNode => ({
  type: 'object',
  tsName: 'PodAffinity',
  tsDoc: 'Pods to place these pods with, or away from (core/v1 PodAffinity or PodAntiAffinity).',
  description,
  properties: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      type: 'array',
      description: 'Terms every pod must meet when scheduled; a pod that cannot stays Pending.',
      maxItems: 8,
      items: podAffinityTerm,
    },
    preferredDuringSchedulingIgnoredDuringExecution: {
      type: 'array',
      description: 'Terms the scheduler favours by their weight.',
      maxItems: 8,
      items: {
        type: 'object',
        tsName: 'WeightedPodAffinityTerm',
        description: 'A term and its weight.',
        required: ['weight', 'podAffinityTerm'],
        properties: { weight, podAffinityTerm },
      },
    },
  },
});

const affinity: SchemaNode = {
  type: 'object',
  tsName: 'Affinity',
  description:
    "The pods' affinity (core/v1 Affinity): the nodes they run on, and the pods they run with or away " +
    'from. Node selector terms take matchExpressions (not matchFields). Absent: none.',
  properties: {
    nodeAffinity: {
      type: 'object',
      tsName: 'NodeAffinity',
      description: 'Nodes the pods must or should run on.',
      properties: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          type: 'object',
          tsName: 'NodeSelector',
          description: 'Nodes the pods must run on: those that match at least one term.',
          required: ['nodeSelectorTerms'],
          properties: {
            nodeSelectorTerms: {
              type: 'array',
              description: 'The terms, any of them.',
              minItems: 1,
              maxItems: 8,
              items: nodeSelectorTerm('Nodes that match every requirement.'),
            },
          },
        },
        preferredDuringSchedulingIgnoredDuringExecution: {
          type: 'array',
          description: 'Nodes the scheduler favours, by the weights of the terms they match.',
          maxItems: 8,
          items: {
            type: 'object',
            tsName: 'PreferredSchedulingTerm',
            description: 'A term and its weight.',
            required: ['weight', 'preference'],
            properties: { weight, preference: nodeSelectorTerm('The nodes favoured.') },
          },
        },
      },
    },
    podAffinity: podAffinity('Pods to place these pods near (in the same domain).'),
    podAntiAffinity: podAffinity('Pods to place these pods away from (in other domains).'),
  },
};

type Toleration = {
  key?: string | null;
  operator?: string | null;
  value?: string | null;
  effect?: string | null;
  tolerationSeconds?: number | null;
};

const toleration: SchemaNode = {
  type: 'object',
  tsName: 'Toleration',
  description: 'A taint the pods tolerate (core/v1 Toleration).',
  properties: {
    key: labelKey('The key of the taints tolerated. Absent, with operator Exists: every taint.'),
    operator: {
      type: 'string',
      description: 'Equal (the default): a taint with this key and value; Exists: with this key, any value.',
      enum: ['Equal', 'Exists'],
    },
    value: labelValue('The taint value, with operator Equal.'),
    effect: {
      type: 'string',
      description:
        'The effect of the taints tolerated: NoSchedule, PreferNoSchedule or NoExecute. Absent: all.',
      enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
    },
    tolerationSeconds: {
      type: 'integer',
      format: 'int64',
      description:
        'With effect NoExecute: how long a pod stays on a node after the taint appears (0-86400). ' +
        'Absent: for as long as the taint is there.',
      minimum: 0,
      maximum: 86400,
    },
  },
  rules: [
    rule<Toleration>({
      rule: "has(self.key) || (has(self.operator) && self.operator == 'Exists')",
      message: 'a toleration without a key must have operator Exists (it then tolerates every taint)',
      check: (self) => self.key != null || self.operator === 'Exists',
    }),
    rule<Toleration>({
      rule: "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''",
      message: 'a toleration with operator Exists takes no value',
      check: (self) => self.operator !== 'Exists' || !self.value,
    }),
    rule<Toleration>({
      rule: "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
      message: 'tolerationSeconds needs effect NoExecute',
      check: (self) => self.tolerationSeconds == null || self.effect === 'NoExecute',
    }),
  ],
};

type SpreadConstraint = { topologyKey: string; whenUnsatisfiable: string; minDomains?: number | null };

const topologySpreadConstraint: SchemaNode = {
  type: 'object',
  tsName: 'TopologySpreadConstraint',
  description:
    'How evenly the pods spread over the domains of one topology (core/v1 TopologySpreadConstraint).',
  required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  properties: {
    maxSkew: {
      type: 'integer',
      format: 'int32',
      description: 'The most the pod counts of two domains may differ by (1-100).',
      minimum: 1,
      maximum: 100,
    },
    topologyKey: labelKey(
      'The node label whose value makes a domain, for example kubernetes.io/hostname or topology.kubernetes.io/zone.',
    ),
    whenUnsatisfiable: {
      type: 'string',
      description:
        'DoNotSchedule: a pod that would break maxSkew stays Pending; ScheduleAnyway: it is only disfavoured.',
      enum: ['DoNotSchedule', 'ScheduleAnyway'],
    },
    labelSelector: labelSelector(
      "The pods counted. Absent: this HelloService's pods (the operator fills in their selector).",
      'labelSelector',
    ),
    minDomains: {
      type: 'integer',
      format: 'int32',
      description:
        'With DoNotSchedule: the fewest domains to count, so that fewer domains than this hold pods back (1-100).',
      minimum: 1,
      maximum: 100,
    },
    nodeAffinityPolicy: {
      type: 'string',
      description:
        "Honor (the default): count only the nodes the pods' node affinity and nodeSelector allow; Ignore: all.",
      enum: ['Honor', 'Ignore'],
    },
    nodeTaintsPolicy: {
      type: 'string',
      description: 'Honor: count only the nodes whose taints the pods tolerate; Ignore (the default): all.',
      enum: ['Honor', 'Ignore'],
    },
  },
  rules: [
    rule<SpreadConstraint>({
      rule: "!has(self.minDomains) || self.whenUnsatisfiable == 'DoNotSchedule'",
      message: 'minDomains needs whenUnsatisfiable DoNotSchedule',
      check: (self) => self.minDomains == null || self.whenUnsatisfiable === 'DoNotSchedule',
    }),
  ],
};

// Configuration: environment variables, plain or from a key of a Secret or ConfigMap.

/** A ConfigMap or Secret key, as IsConfigMapKey checks it: letters, digits, "-", "_", "."; not "." or
 * "..", nor starting with "..". */
const CONFIG_KEY_PATTERN = '^([-_a-zA-Z0-9][-._a-zA-Z0-9]*|[.][-_a-zA-Z0-9][-._a-zA-Z0-9]*)$';

const keyRef = (kind: 'Secret' | 'ConfigMap', tsName: string, field: string): SchemaNode => ({
  type: 'object',
  tsName,
  description: `A key of a ${kind} in the HelloService's namespace.`,
  required: ['name', 'key'],
  properties: {
    name: dnsSubdomainName(`The ${kind}.`, `env[].valueFrom.${field}.name`, `a ${kind}`),
    key: {
      type: 'string',
      description: `The key in the ${kind}.`,
      minLength: 1,
      maxLength: 253,
      pattern: CONFIG_KEY_PATTERN,
    },
    optional: {
      type: 'boolean',
      description: `true: a missing ${kind} or key leaves the variable unset; absent or false: the pod does not start without it.`,
    },
  },
});

type EnvVar = { value?: string | null; valueFrom?: object | null };
type EnvVarSource = { secretKeyRef?: object | null; configMapKeyRef?: object | null };

const envVar: SchemaNode = {
  type: 'object',
  tsName: 'EnvVar',
  description: 'An environment variable of the workload container: a value, or valueFrom.',
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      description: `The variable's name: letters, digits and "_", not starting with a digit. Not one the operator sets (${OPERATOR_ENV.join(', ')}).`,
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      rules: [
        rule<string>({
          rule: `!(self in [${OPERATOR_ENV.map((n) => `'${n}'`).join(', ')}])`,
          message: `env names ${OPERATOR_ENV.join(', ')} are set by the operator`,
          messageExpression: `'env ' + self + ' is set by the operator; the names it sets are ${OPERATOR_ENV.join(', ')}'`,
          messageOf: (self) =>
            `env ${self} is set by the operator; the names it sets are ${OPERATOR_ENV.join(', ')}`,
          check: (self) => !(OPERATOR_ENV as readonly string[]).includes(self),
        }),
      ],
    },
    value: {
      type: 'string',
      description: 'The value. Any UTF-8 except NUL.',
      maxLength: 4096,
      pattern: '^[^\\x00]*$',
    },
    valueFrom: {
      type: 'object',
      tsName: 'EnvVarSource',
      description:
        'Where the value comes from: secretKeyRef or configMapKeyRef, one of them. Read when the pod starts.',
      properties: {
        secretKeyRef: keyRef('Secret', 'SecretKeySelector', 'secretKeyRef'),
        configMapKeyRef: keyRef('ConfigMap', 'ConfigMapKeySelector', 'configMapKeyRef'),
      },
      rules: [
        rule<EnvVarSource>({
          rule: 'has(self.secretKeyRef) != has(self.configMapKeyRef)',
          message: 'env[].valueFrom sets either secretKeyRef or configMapKeyRef',
          check: (self) => (self.secretKeyRef != null) !== (self.configMapKeyRef != null),
        }),
      ],
    },
  },
  rules: [
    rule<EnvVar>({
      rule: '!(has(self.value) && has(self.valueFrom))',
      message: 'an env entry sets value or valueFrom, not both',
      check: (self) => !(self.value != null && self.valueFrom != null),
    }),
  ],
};

export const specSchema: SchemaNode = {
  type: 'object',
  tsName: 'HelloServiceSpec',
  description: 'What the HelloService serves and how it runs.',
  required: ['message'],
  properties: {
    message: {
      type: 'string',
      description:
        `The text the service answers with (the workload's MESSAGES). Any UTF-8, several lines allowed, ` +
        `at most ${MAX_MESSAGE_LENGTH} characters. Changing it rolls the pods with no failed requests.`,
      minLength: 1,
      maxLength: MAX_MESSAGE_LENGTH,
      // An environment variable cannot hold a NUL character.
      pattern: '^[^\\x00]*$',
      rules: [
        rule<string>({
          rule: "self.trim() != ''",
          message: 'message must contain at least one character that is not white space',
          // Not String.trim(): CEL's trim() is Go's (it trims NEL, and keeps the byte-order mark).
          check: (self) => !ONLY_GO_SPACE.test(self),
        }),
      ],
    },
    image: {
      type: 'string',
      description:
        "The workload container image. Absent means the operator's default hello workload image; set it " +
        'to pin a version or use a mirror.',
      minLength: 1,
      maxLength: 512,
      // No white space, as Go sees it: a Deployment refuses an image with any at either end.
      pattern: NO_SPACE_PATTERN,
    },
    replicas: {
      type: 'integer',
      format: 'int32',
      description:
        `How many pods run (1-100). Absent means ${DEFAULT_REPLICAS}, or what the autoscaler decides ` +
        'when autoscaling is set; the two cannot be set together.',
      minimum: 1,
      maximum: 100,
    },
    port: {
      type: 'integer',
      format: 'int32',
      description:
        'The port the workload listens on inside the pod (1024-65535: it runs without privileges). ' +
        'It serves the message, the probes and /metrics. Default 8080.',
      minimum: 1024,
      maximum: 65535,
      default: 8080,
    },
    nodeLossToleranceSeconds: {
      type: 'integer',
      format: 'int64',
      description:
        'How long the pods stay bound to a node that stops answering (NotReady or unreachable) before ' +
        'Kubernetes evicts them, so that they are replaced on another node (0-3600): their ' +
        'tolerationSeconds for node.kubernetes.io/not-ready and unreachable. Kubernetes gives pods 300 ' +
        'by default; 30 here, so a lost node costs capacity for seconds, not minutes.',
      minimum: 0,
      maximum: 3600,
      default: 30,
    },
    logLevel: {
      type: 'string',
      description:
        `The workload's log level (its ${LOG_LEVEL_ENV}): ${LOG_LEVELS.join(', ')}. debug logs every request; ` +
        "silent logs nothing. Absent: the workload's default, info. Changing it rolls the pods. Not " +
        `together with an env entry named ${LOG_LEVEL_ENV}.`,
      enum: [...LOG_LEVELS],
    },
    imagePullPolicy: {
      type: 'string',
      description:
        "When the node pulls the workload image: Always, IfNotPresent or Never. Absent: the operator's " +
        'setting (--workload-image-pull-policy, default IfNotPresent).',
      enum: ['Always', 'IfNotPresent', 'Never'],
    },
    imagePullSecrets: {
      type: 'array',
      description:
        "Secrets (kubernetes.io/dockerconfigjson) in the HelloService's namespace holding the " +
        'credentials to pull the image from a private registry.',
      maxItems: 8,
      items: {
        type: 'object',
        tsName: 'LocalObjectReference',
        description: 'A Secret by name.',
        required: ['name'],
        properties: { name: dnsSubdomainName('The Secret.', 'imagePullSecrets[].name', 'a Secret') },
      },
    },
    env: {
      type: 'array',
      description:
        'Environment variables of the workload container, after the ones the operator sets ' +
        `(${OPERATOR_ENV.join(', ')}), which they cannot replace. A Secret or ConfigMap value is read ` +
        'when a pod starts, so the operator rolls the pods when one changes (it looks every 30 s); a missing ' +
        'Secret, ConfigMap or key (not optional) makes Ready False and leaves the running pods alone.',
      maxItems: 32,
      items: envVar,
    },
    nodeSelector: labelMap(
      'Labels a node must have for the pods to run on it (for example kubernetes.io/arch: arm64).',
      'nodeSelector',
    ),
    tolerations: {
      type: 'array',
      description:
        "Taints the pods tolerate, after the operator's own node.kubernetes.io/not-ready and " +
        'unreachable tolerations (nodeLossToleranceSeconds). A toleration here with one of those keys ' +
        "replaces the operator's for that key.",
      maxItems: 16,
      items: toleration,
    },
    affinity,
    priorityClassName: dnsSubdomainName(
      'The PriorityClass of the pods: which pods the scheduler places first, and evicts last. It must ' +
        'exist, or the pods are not created. Absent: the cluster default.',
      'priorityClassName',
      'a PriorityClass',
    ),
    topologySpreadConstraints: {
      type: 'array',
      description:
        'How the pods spread over nodes and zones. Given, it replaces the default: a soft spread over ' +
        "nodes (kubernetes.io/hostname, maxSkew 1, ScheduleAnyway) of each rollout's pods; an empty " +
        'list turns spreading off.',
      maxItems: 8,
      items: topologySpreadConstraint,
      rules: [
        rule<{ topologyKey: string; whenUnsatisfiable: string }[]>({
          rule: 'self.all(c, self.exists_one(d, d.topologyKey == c.topologyKey && d.whenUnsatisfiable == c.whenUnsatisfiable))',
          message: 'topologySpreadConstraints must not repeat a topologyKey with the same whenUnsatisfiable',
          check: (self) =>
            new Set(self.map((c) => JSON.stringify([c.topologyKey, c.whenUnsatisfiable]))).size ===
            self.length,
        }),
      ],
    },
    podLabels: labelMap(
      "Labels added to the pods. The operator's own (app.kubernetes.io/name, instance, managed-by, " +
        'part-of, hello.operators.dev/revision, pod-template-hash) cannot be set.',
      'podLabels',
      reservedKeysRule('podLabels', OPERATOR_POD_LABELS, OPERATOR_LABELS_WHY),
    ),
    podAnnotations: annotationMap(
      'Annotations added to the pods, for example a service mesh\'s (sidecar.istio.io/inject: "true"). ' +
        'Changing them rolls the pods.',
      'podAnnotations',
      reservedKeysRule(
        'podAnnotations',
        [CONFIG_HASH_ANNOTATION, ENV_HASH_ANNOTATION],
        'the operator rolls the pods by it when the message or a value spec.env reads changes',
      ),
      podValidatedAnnotationsRule,
    ),
    resources,
    autoscaling,
    service,
    ingress,
    tmp,
    podDisruptionBudget,
    networkPolicy,
    monitoring,
    rollout,
    work,
  },
  rules: [
    rule<DefaultedHelloServiceSpec>({
      rule: '!(has(self.replicas) && has(self.autoscaling))',
      message:
        'set either replicas or autoscaling, not both: with autoscaling the HorizontalPodAutoscaler owns the replica count',
      fieldPath: '.replicas',
      check: (self) => !(self.replicas !== undefined && self.autoscaling !== undefined),
    }),
    rule<DefaultedHelloServiceSpec>({
      rule:
        '!has(self.autoscaling) || !has(self.autoscaling.targetRequestsPerSecond) || ' +
        '(has(self.monitoring) && self.monitoring.enabled)',
      message:
        'autoscaling.targetRequestsPerSecond needs monitoring.enabled: the request rate comes from Prometheus scraping the pods',
      fieldPath: '.autoscaling.targetRequestsPerSecond',
      check: (self) => self.autoscaling?.targetRequestsPerSecond == null || self.monitoring?.enabled === true,
    }),
    rule<DefaultedHelloServiceSpec>({
      rule: `!has(self.logLevel) || !has(self.env) || !self.env.exists(e, e.name == '${LOG_LEVEL_ENV}')`,
      message: `set either logLevel or an env entry named ${LOG_LEVEL_ENV}, not both: logLevel sets ${LOG_LEVEL_ENV}`,
      fieldPath: '.logLevel',
      check: (self) => self.logLevel === undefined || !(self.env ?? []).some((e) => e.name === LOG_LEVEL_ENV),
    }),
    rule<DefaultedHelloServiceSpec>({
      rule: "self.tmp.medium != 'Memory' || !quantity(self.tmp.sizeLimit).isGreaterThan(quantity(self.resources.limits.memory))",
      message:
        'tmp.sizeLimit must not be greater than resources.limits.memory when tmp.medium is Memory (a memory-backed /tmp counts against the memory limit)',
      fieldPath: '.tmp.sizeLimit',
      check: (self) =>
        self.tmp.medium !== 'Memory' || !quantityGreater(self.tmp.sizeLimit, self.resources.limits.memory),
    }),
  ],
};

/** How many revisions status.revisions keeps (the newest first). */
export const REVISION_HISTORY = 5;

const revisionName = (description: string): SchemaNode => ({ type: 'string', description, maxLength: 63 });

const messagePreviewOf = (what: string): SchemaNode => ({
  type: 'string',
  description: `The first line of the message, cut short${what}.`,
  maxLength: 256,
});

const revision: SchemaNode = {
  type: 'object',
  tsName: 'RevisionStatus',
  description: 'One revision: a message and an image, as the pods of one ReplicaSet run them.',
  required: ['name', 'image', 'messageDigest', 'created', 'ready'],
  properties: {
    name: revisionName('The name of the revision, also the name of its ConfigMap.'),
    image: { type: 'string', description: 'The workload image.', maxLength: 512 },
    messageDigest: {
      type: 'string',
      description: 'The SHA-256 of the message (hex, the first 16 digits).',
      maxLength: 16,
    },
    messagePreview: messagePreviewOf(''),
    created: { type: 'string', format: 'date-time', description: 'When the operator first applied it.' },
    ready: { type: 'boolean', description: 'Whether every pod of it was ready at some point.' },
    reason: {
      type: 'string',
      description: 'Why it did not become ready (the Stalled reason), while it is not.',
      maxLength: 1024,
    },
  },
};

const rollback: SchemaNode = {
  type: 'object',
  tsName: 'RollbackStatus',
  description:
    'An automatic rollback (spec.rollout.autoRollback) in force: the pods run `revision` instead of ' +
    'the failed revision of the spec, until the spec changes.',
  required: ['failedRevision', 'revision', 'observedGeneration', 'reason', 'message', 'time'],
  properties: {
    failedRevision: revisionName('The revision of the spec that failed.'),
    revision: revisionName('The revision the pods were rolled back to: the latest ready one.'),
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'The metadata.generation that failed; a new generation tries its revision again.',
      minimum: 0,
    },
    reason: {
      type: 'string',
      description: 'Why it failed: ProgressDeadlineExceeded or CrashLoopBackOff.',
      maxLength: 1024,
    },
    message: { type: 'string', description: 'Why it failed, for a person.', maxLength: 32768 },
    time: { type: 'string', format: 'date-time', description: 'When the operator rolled back.' },
  },
};

const condition: SchemaNode = {
  type: 'object',
  tsName: 'Condition',
  description: "One aspect of the HelloService's state (metav1.Condition).",
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: {
      type: 'string',
      description:
        'Ready (the summary), Available, Progressing, Degraded, Reconciling and Stalled (the kstatus ' +
        'convention), Monitoring (when spec.monitoring.enabled), or Paused (while the ' +
        'hello.operators.dev/paused annotation is "true").',
      maxLength: 316,
    },
    status: { type: 'string', description: 'True, False or Unknown.', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'The metadata.generation this condition was computed from.',
      minimum: 0,
    },
    lastTransitionTime: {
      type: 'string',
      format: 'date-time',
      description: 'When the status last changed.',
    },
    reason: {
      type: 'string',
      description: 'Why, as one CamelCase word (also used for Events and metrics).',
      maxLength: 1024,
      minLength: 1,
    },
    message: { type: 'string', description: 'Why, for a person, with what to do.', maxLength: 32768 },
  },
};

export const statusSchema: SchemaNode = {
  type: 'object',
  tsName: 'HelloServiceStatus',
  description: 'What the operator last observed. Written by the operator only.',
  // Served until the operator writes the first status: a generation not observed yet. Without it a
  // new HelloService has no status, which kstatus (Flux, kpt, Helm 4's --wait) reads as Current.
  default: { observedGeneration: 0 },
  properties: {
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description:
        'The metadata.generation of the spec this status describes; 0 until the operator has seen it.',
    },
    replicas: {
      type: 'integer',
      format: 'int32',
      description: 'Pods the Deployment wants (its spec.replicas, from the HelloService or the autoscaler).',
    },
    readyReplicas: { type: 'integer', format: 'int32', description: 'Pods that are ready.' },
    selector: {
      type: 'string',
      description:
        "The pods' label selector (`key=value,...`), for the scale subresource: `kubectl scale` and a " +
        'HorizontalPodAutoscaler that targets the HelloService find its pods with it.',
      maxLength: 1024,
    },
    replicaSummary: {
      type: 'string',
      description: 'readyReplicas/replicas, like "2/2", for `kubectl get`.',
      maxLength: 32,
    },
    url: {
      type: 'string',
      description: 'Where the service is reachable: the Ingress URL, else the in-cluster Service URL.',
      maxLength: 2048,
    },
    messagePreview: messagePreviewOf(', for `kubectl get`'),
    latestCreatedRevision: revisionName('The revision of the current spec (message and image).'),
    latestReadyRevision: revisionName(
      'The newest revision whose pods were all ready: what serves while a newer one rolls out or is stuck.',
    ),
    revisions: {
      type: 'array',
      description: `The last ${REVISION_HISTORY} revisions, the newest first.`,
      maxItems: REVISION_HISTORY,
      items: revision,
    },
    rollback,
    conditions: {
      type: 'array',
      description:
        'Ready (the summary), Available, Progressing, Degraded, Reconciling and Stalled; Monitoring when ' +
        'spec.monitoring.enabled; Paused while the hello.operators.dev/paused annotation is "true".',
      maxItems: 16,
      listMapKeys: ['type'],
      items: condition,
    },
  },
};

/** Whether the range `inner` lies inside `outer` and is smaller (both valid CIDRs): same family, a
 * longer prefix, and its address inside `outer`. */
function strictSubnet(inner: string, outer: string): boolean {
  const [innerAddress = '', innerBits = ''] = inner.split('/');
  const [outerAddress = '', outerBits = ''] = outer.split('/');
  const family = isIP(outerAddress) === 4 ? 'ipv4' : 'ipv6';
  if (isIP(innerAddress) !== isIP(outerAddress) || Number(innerBits) <= Number(outerBits)) return false;
  const range = new BlockList();
  range.addSubnet(outerAddress, Number(outerBits), family);
  return range.check(innerAddress, family);
}

/**
 * True for an IPv4 or IPv6 range in CIDR notation, as the CEL isCIDR() accepts it (Go's
 * netip.ParsePrefix, less IPv4-mapped IPv6 addresses): Node's isIP also takes a zone (`%eth0`).
 */
function isCidr(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  // No leading zero in the prefix length: netip.ParsePrefix refuses "/08" (found by the differential test).
  if (family === 0 || prefix === undefined || rest.length > 0 || !/^(0|[1-9][0-9]{0,2})$/.test(prefix))
    return false;
  if (address.includes('%')) return false;
  if (
    family === 6 &&
    /^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(new URL(`http://[${address}]/`).hostname.slice(1, -1))
  )
    return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
