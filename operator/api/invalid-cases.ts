// HelloServices the API must reject, with the field and the words a user sees. The unit tests check
// them against validate.ts; the cluster tests can send the same ones to the real API server, whose
// CEL rules must say the same thing.

import { MAX_MESSAGE_LENGTH } from './schema.ts';

export interface InvalidCase {
  name: string;
  spec: Record<string, unknown>;
  /** The path validate.ts reports. */
  path: string;
  /** A part of the message that both validate.ts and the API server produce. */
  message: string;
}

const message = 'hello';

export const invalidCases: InvalidCase[] = [
  { name: 'no message', spec: {}, path: 'spec.message', message: 'Required value' },
  { name: 'blank message', spec: { message: ' \n\t' }, path: 'spec.message', message: 'white space' },
  {
    name: 'message one character too long',
    spec: { message: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) },
    path: 'spec.message',
    message: `${MAX_MESSAGE_LENGTH}`,
  },
  { name: 'message with NUL', spec: { message: 'a\u0000b' }, path: 'spec.message', message: 'should match' },
  { name: 'unknown field', spec: { message, replica: 3 }, path: 'spec.replica', message: 'unknown field' },
  {
    name: 'zero replicas',
    spec: { message, replicas: 0 },
    path: 'spec.replicas',
    message: 'greater than or equal to 1',
  },
  {
    // A budget of zero evictions would block every node drain forever, whatever the replica count.
    name: 'a PodDisruptionBudget that allows no eviction',
    spec: { message, podDisruptionBudget: { maxUnavailable: 0 } },
    path: 'spec.podDisruptionBudget.maxUnavailable',
    message: 'greater than or equal to 1',
  },
  {
    name: 'replicas and autoscaling',
    spec: { message, replicas: 3, autoscaling: { maxReplicas: 5 } },
    path: 'spec.replicas',
    message: 'either replicas or autoscaling',
  },
  {
    name: 'autoscaling without maxReplicas',
    spec: { message, autoscaling: {} },
    path: 'spec.autoscaling.maxReplicas',
    message: 'Required value',
  },
  {
    name: 'minReplicas above maxReplicas',
    spec: { message, autoscaling: { minReplicas: 5, maxReplicas: 3 } },
    path: 'spec.autoscaling.minReplicas',
    message: 'minReplicas must not be greater than autoscaling.maxReplicas',
  },
  {
    // Both name the same HPA field; which one wins would be a guess.
    name: 'two scale-down stabilization windows',
    spec: {
      message,
      autoscaling: {
        maxReplicas: 5,
        scaleDownStabilizationWindowSeconds: 30,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    },
    path: 'spec.autoscaling.scaleDownStabilizationWindowSeconds',
    message: 'they are the same setting',
  },
  {
    name: 'requests per second without monitoring',
    spec: { message, autoscaling: { maxReplicas: 5, targetRequestsPerSecond: 10 } },
    path: 'spec.autoscaling.targetRequestsPerSecond',
    message: 'targetRequestsPerSecond needs monitoring.enabled',
  },
  {
    name: 'requests per second with monitoring off',
    spec: {
      message,
      autoscaling: { maxReplicas: 5, targetRequestsPerSecond: 10 },
      monitoring: { enabled: false },
    },
    path: 'spec.autoscaling.targetRequestsPerSecond',
    message: 'targetRequestsPerSecond needs monitoring.enabled',
  },
  {
    name: 'a scaling policy of an unknown type',
    spec: {
      message,
      autoscaling: {
        maxReplicas: 5,
        behavior: { scaleUp: { policies: [{ type: 'Replicas', value: 1, periodSeconds: 15 }] } },
      },
    },
    path: 'spec.autoscaling.behavior.scaleUp.policies[0].type',
    message: 'Unsupported value',
  },
  {
    name: 'a scaling policy period above 30 minutes',
    spec: {
      message,
      autoscaling: {
        maxReplicas: 5,
        behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } },
      },
    },
    path: 'spec.autoscaling.behavior.scaleDown.policies[0].periodSeconds',
    message: 'less than or equal to 1800',
  },
  {
    name: 'an empty list of scaling policies',
    spec: { message, autoscaling: { maxReplicas: 5, behavior: { scaleDown: { policies: [] } } } },
    path: 'spec.autoscaling.behavior.scaleDown.policies',
    message: 'at least 1 items',
  },
  {
    name: 'privileged port',
    spec: { message, port: 80 },
    path: 'spec.port',
    message: 'greater than or equal to 1024',
  },
  {
    name: 'port out of range',
    spec: { message, port: 70000 },
    path: 'spec.port',
    message: 'less than or equal to 65535',
  },
  {
    name: 'service port out of range',
    spec: { message, service: { port: 0 } },
    path: 'spec.service.port',
    message: 'greater than or equal to 1',
  },
  {
    name: 'unknown service type',
    spec: { message, service: { type: 'ExternalName' } },
    path: 'spec.service.type',
    message: 'supported values: "ClusterIP", "NodePort", "LoadBalancer"',
  },
  {
    name: 'ingress host with upper case',
    spec: { message, ingress: { host: 'Hello.Example.com' } },
    path: 'spec.ingress.host',
    message: 'lower-case DNS name',
  },
  {
    name: 'ingress host that is an IP',
    spec: { message, ingress: { host: '10.0.0.1' } },
    path: 'spec.ingress.host',
    message: 'not an IP address',
  },
  {
    name: 'ingress without host',
    spec: { message, ingress: { path: '/' } },
    path: 'spec.ingress.host',
    message: 'Required value',
  },
  {
    name: 'relative ingress path',
    spec: { message, ingress: { host: 'hello.example.com', path: 'hello' } },
    path: 'spec.ingress.path',
    message: 'should match',
  },
  {
    name: 'tls without secret',
    spec: { message, ingress: { host: 'hello.example.com', tls: {} } },
    path: 'spec.ingress.tls.secretName',
    message: 'Required value',
  },
  {
    name: 'ingress class that is not a name',
    spec: { message, ingress: { host: 'hello.example.com', className: 'My_Class' } },
    path: 'spec.ingress.className',
    message: 'ingress.className must be a lower-case DNS subdomain',
  },
  {
    name: 'TLS secret that is not a name',
    spec: { message, ingress: { host: 'hello.example.com', tls: { secretName: 'Hello TLS' } } },
    path: 'spec.ingress.tls.secretName',
    message: 'ingress.tls.secretName must be a lower-case DNS subdomain',
  },
  {
    name: 'requests above limits',
    spec: { message, resources: { requests: { memory: '1Gi' } } },
    path: 'spec.resources.requests.memory',
    message: 'must not be greater than resources.limits.memory',
  },
  {
    name: 'CPU request above the limit',
    spec: { message, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
    path: 'spec.resources.requests.cpu',
    message: 'resources.requests.cpu must not be greater than resources.limits.cpu',
  },
  {
    name: 'not a quantity',
    spec: { message, resources: { limits: { cpu: 'lots' } } },
    path: 'spec.resources.limits.cpu',
    message: 'should match',
  },
  {
    name: 'memory-backed /tmp above the memory limit',
    spec: { message, tmp: { medium: 'Memory', sizeLimit: '1Gi' } },
    path: 'spec.tmp.sizeLimit',
    message: 'must not be greater than resources.limits.memory',
  },
  {
    name: '/work with no burn allowed',
    spec: { message, work: { enabled: true, maxConcurrent: 0 } },
    path: 'spec.work.maxConcurrent',
    message: 'greater than or equal to 1',
  },
  {
    name: '/work with more burns than keep the probes answering',
    spec: { message, work: { enabled: true, maxConcurrent: 33 } },
    path: 'spec.work.maxConcurrent',
    message: 'less than or equal to 32',
  },
  {
    name: 'network peer with ipBlock and selector',
    spec: {
      message,
      networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] },
    },
    path: 'spec.networkPolicy.from[0]',
    message: 'either ipBlock',
  },
  {
    name: 'bad CIDR',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock.cidr',
    message: 'ipBlock.cidr must be an IP range in CIDR notation',
  },
  {
    name: 'bad CIDR in except',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0'] } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock.except[0]',
    message: 'except[] must be IP ranges in CIDR notation',
  },
  // Found by the differential test (test/fake/differential.test.ts) where validate.ts and the API
  // server disagreed, or where both accepted a spec whose children the API server refused.
  {
    name: 'message of white space as Go sees it (NEL), which String.trim() keeps',
    spec: { message: ' \u0085\u202f' },
    path: 'spec.message',
    message: 'white space',
  },
  {
    name: 'image ending in a no-break space',
    spec: { message, image: 'hello\u00a0' },
    path: 'spec.image',
    message: 'should match',
  },
  {
    name: 'image with a vertical tab',
    spec: { message, image: 'a\vb' },
    path: 'spec.image',
    message: 'should match',
  },
  {
    name: 'ingress path that the Ingress refuses',
    spec: { message, ingress: { host: 'hello.example.com', path: '/a//b' } },
    path: 'spec.ingress.path',
    message: 'ingress.path must not contain',
  },
  {
    name: 'ingress path with a no-break space',
    spec: { message, ingress: { host: 'hello.example.com', path: '/a\u00a0b' } },
    path: 'spec.ingress.path',
    message: 'should match',
  },
  {
    name: 'ingress annotation key that is no key',
    spec: { message, ingress: { host: 'hello.example.com', annotations: { 'a b': 'x' } } },
    path: 'spec.ingress.annotations',
    message: 'ingress.annotations keys must be label keys',
  },
  {
    name: 'ServiceMonitor label key that is no key',
    spec: { message, monitoring: { enabled: true, labels: { '-team': 'web' } } },
    path: 'spec.monitoring.labels',
    message: 'monitoring.labels keys must be label keys',
  },
  {
    name: 'ServiceMonitor label value that is no label value',
    spec: { message, monitoring: { enabled: true, labels: { team: 'web team' } } },
    path: 'spec.monitoring.labels.team',
    message: 'should match',
  },
  {
    name: 'pod selector label key that is no key',
    spec: { message, networkPolicy: { from: [{ podSelector: { matchLabels: { 'a/b/c': 'x' } } }] } },
    path: 'spec.networkPolicy.from[0].podSelector.matchLabels',
    message: 'matchLabels keys must be label keys',
  },
  {
    name: 'CIDR with a leading zero in the prefix length',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/08' } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock.cidr',
    message: 'ipBlock.cidr must be an IP range in CIDR notation',
  },
  {
    name: 'an except range of the other IP family',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '::/0', except: ['10.0.0.1/32'] } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock',
    message: 'except[] must be strict subsets of cidr',
  },
  {
    name: 'an except range as large as cidr',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/8'] } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock',
    message: 'except[] must be strict subsets of cidr',
  },
  {
    name: 'an except range outside cidr',
    spec: {
      message,
      networkPolicy: { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] },
    },
    path: 'spec.networkPolicy.from[0].ipBlock',
    message: 'except[] must be strict subsets of cidr',
  },
  {
    name: 'CIDR with a zone',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: 'fe80::1%eth0/64' } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock.cidr',
    message: 'ipBlock.cidr must be an IP range in CIDR notation',
  },
  {
    name: 'IPv4-mapped IPv6 CIDR',
    spec: { message, networkPolicy: { from: [{ ipBlock: { cidr: '::ffff:10.0.0.0/104' } }] } },
    path: 'spec.networkPolicy.from[0].ipBlock.cidr',
    message: 'ipBlock.cidr must be an IP range in CIDR notation',
  },
  {
    name: 'CPU request one above a limit of 10^18 (equal as floating point)',
    spec: { message, resources: { requests: { cpu: '1000000000000000001' }, limits: { cpu: '1e18' } } },
    path: 'spec.resources.requests.cpu',
    message: 'resources.requests.cpu must not be greater than resources.limits.cpu',
  },
  {
    name: 'quantity with a three-digit exponent (the API server computes it digit by digit)',
    spec: { message, resources: { limits: { cpu: '1e100' } } },
    path: 'spec.resources.limits.cpu',
    message: 'should match',
  },
  {
    name: 'ServiceMonitor interval with a unit twice',
    spec: { message, monitoring: { enabled: true, interval: '1h1h' } },
    path: 'spec.monitoring.interval',
    message: 'should match',
  },
  {
    name: 'progress deadline too short',
    spec: { message, rollout: { progressDeadlineSeconds: 5 } },
    path: 'spec.rollout.progressDeadlineSeconds',
    message: 'greater than or equal to 10',
  },
  // Placement: the pod validation's own rules, so that an accepted HelloService has a valid Deployment.
  {
    name: 'a nodeSelector key with a space',
    spec: { message, nodeSelector: { 'disk type': 'ssd' } },
    path: 'spec.nodeSelector',
    message: 'nodeSelector keys must be label keys',
  },
  {
    name: 'a toleration without a key that is not Exists',
    spec: { message, tolerations: [{ operator: 'Equal', value: 'x' }] },
    path: 'spec.tolerations[0]',
    message: 'a toleration without a key must have operator Exists',
  },
  {
    name: 'a toleration with operator Exists and a value',
    spec: { message, tolerations: [{ key: 'dedicated', operator: 'Exists', value: 'x' }] },
    path: 'spec.tolerations[0]',
    message: 'with operator Exists takes no value',
  },
  {
    name: 'tolerationSeconds without effect NoExecute',
    spec: { message, tolerations: [{ key: 'dedicated', effect: 'NoSchedule', tolerationSeconds: 10 }] },
    path: 'spec.tolerations[0]',
    message: 'tolerationSeconds needs effect NoExecute',
  },
  {
    name: 'a toleration key that is not a label key',
    spec: { message, tolerations: [{ key: 'a/b/c', operator: 'Exists' }] },
    path: 'spec.tolerations[0].key',
    message: 'must be a label key',
  },
  {
    name: 'a node affinity requirement In without values',
    spec: {
      message,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }],
          },
        },
      },
    },
    path: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]',
    message: 'with operator In or NotIn needs at least one value',
  },
  {
    name: 'a pod anti-affinity requirement Exists with values',
    spec: {
      message,
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] },
            },
          ],
        },
      },
    },
    path: 'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0]',
    message: 'with operator Exists or DoesNotExist takes no values',
  },
  {
    name: 'a node affinity requirement Gt with two values',
    spec: {
      message,
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 1,
              preference: { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }] },
            },
          ],
        },
      },
    },
    path: 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0]',
    message: 'with operator Gt or Lt takes exactly one value',
  },
  {
    name: 'a priorityClassName in upper case',
    spec: { message, priorityClassName: 'High' },
    path: 'spec.priorityClassName',
    message: 'priorityClassName must be a lower-case DNS subdomain',
  },
  {
    name: 'two spread constraints on one topology key with the same whenUnsatisfiable',
    spec: {
      message,
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
        { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ],
    },
    path: 'spec.topologySpreadConstraints',
    message: 'must not repeat a topologyKey',
  },
  {
    name: 'minDomains with ScheduleAnyway',
    spec: {
      message,
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 },
      ],
    },
    path: 'spec.topologySpreadConstraints[0]',
    message: 'minDomains needs whenUnsatisfiable DoNotSchedule',
  },
  // Metadata: the operator's own labels and annotations always win, so they cannot be given.
  {
    name: "podLabels with the operator's own label",
    spec: { message, podLabels: { 'app.kubernetes.io/instance': 'other' } },
    path: 'spec.podLabels',
    message: 'podLabels must not set app.kubernetes.io/name',
  },
  {
    name: 'podLabels with a bad key',
    spec: { message, podLabels: { '-team': 'a' } },
    path: 'spec.podLabels',
    message: 'podLabels keys must be label keys',
  },
  {
    name: "podAnnotations with the operator's config hash",
    spec: { message, podAnnotations: { 'hello.operators.dev/config-hash': 'x' } },
    path: 'spec.podAnnotations',
    message: 'podAnnotations must not set hello.operators.dev/config-hash',
  },
  ...[
    'container.apparmor.security.beta.kubernetes.io/hello',
    'seccomp.security.alpha.kubernetes.io/pod',
    'controller.kubernetes.io/pod-deletion-cost',
  ].map((key) => ({
    name: `podAnnotations with ${key}, which the pod validation reads`,
    spec: { message, podAnnotations: { [key]: 'x' } },
    path: 'spec.podAnnotations',
    message: 'or the seccomp and AppArmor annotations',
  })),
  {
    name: 'podAnnotations with a bad key',
    spec: { message, podAnnotations: { 'a b': 'x' } },
    path: 'spec.podAnnotations',
    message: 'podAnnotations keys must be label keys',
  },
  {
    name: "service.labels with the operator's own label",
    spec: { message, service: { labels: { 'app.kubernetes.io/managed-by': 'me' } } },
    path: 'spec.service.labels',
    message: 'service.labels must not set app.kubernetes.io/name',
  },
  {
    name: 'service.labels with a bad key',
    spec: { message, service: { labels: { 'a/b/c': 'x' } } },
    path: 'spec.service.labels',
    message: 'service.labels keys must be label keys',
  },
  {
    name: 'service.annotations with load-balancer-source-ranges',
    spec: {
      message,
      service: { annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': 'x' } },
    },
    path: 'spec.service.annotations',
    message: 'service.annotations must not set service.beta.kubernetes.io/load-balancer-source-ranges',
  },
  {
    name: 'service.annotations with a bad key',
    spec: { message, service: { annotations: { '/x': 'y' } } },
    path: 'spec.service.annotations',
    message: 'service.annotations keys must be label keys',
  },
  // Images and configuration.
  {
    name: 'an imagePullSecrets name in upper case',
    spec: { message, imagePullSecrets: [{ name: 'RegCred' }] },
    path: 'spec.imagePullSecrets[0].name',
    message: 'imagePullSecrets[].name must be a lower-case DNS subdomain',
  },
  {
    name: 'an unknown imagePullPolicy',
    spec: { message, imagePullPolicy: 'Sometimes' },
    path: 'spec.imagePullPolicy',
    message: 'supported values: "Always", "IfNotPresent", "Never"',
  },
  {
    name: 'an unknown logLevel',
    spec: { message, logLevel: 'verbose' },
    path: 'spec.logLevel',
    message: 'supported values: "fatal", "error", "warn", "info", "debug", "trace", "silent"',
  },
  {
    name: 'logLevel and an env LOG_LEVEL',
    spec: { message, logLevel: 'debug', env: [{ name: 'LOG_LEVEL', value: 'info' }] },
    path: 'spec.logLevel',
    message: 'either logLevel or an env entry named LOG_LEVEL',
  },
  {
    name: 'an env variable the operator sets',
    spec: { message, env: [{ name: 'PORT', value: '9090' }] },
    path: 'spec.env[0].name',
    message: 'set by the operator',
  },
  {
    name: 'an env variable with value and valueFrom',
    spec: {
      message,
      env: [{ name: 'TOKEN', value: 'x', valueFrom: { secretKeyRef: { name: 'token', key: 'token' } } }],
    },
    path: 'spec.env[0]',
    message: 'sets value or valueFrom, not both',
  },
  {
    name: 'an env valueFrom with both a Secret and a ConfigMap',
    spec: {
      message,
      env: [
        {
          name: 'TOKEN',
          valueFrom: { secretKeyRef: { name: 'a', key: 'k' }, configMapKeyRef: { name: 'b', key: 'k' } },
        },
      ],
    },
    path: 'spec.env[0].valueFrom',
    message: 'sets either secretKeyRef or configMapKeyRef',
  },
  {
    name: 'an env valueFrom with neither a Secret nor a ConfigMap',
    spec: { message, env: [{ name: 'TOKEN', valueFrom: {} }] },
    path: 'spec.env[0].valueFrom',
    message: 'sets either secretKeyRef or configMapKeyRef',
  },
  {
    name: 'an env Secret name in upper case',
    spec: { message, env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'Token', key: 'k' } } }] },
    path: 'spec.env[0].valueFrom.secretKeyRef.name',
    message: 'secretKeyRef.name must be a lower-case DNS subdomain',
  },
  {
    name: 'an env ConfigMap name in upper case',
    spec: { message, env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'Conf', key: 'k' } } }] },
    path: 'spec.env[0].valueFrom.configMapKeyRef.name',
    message: 'configMapKeyRef.name must be a lower-case DNS subdomain',
  },
  {
    name: 'an env ConfigMap key of two dots',
    spec: { message, env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'conf', key: '..' } } }] },
    path: 'spec.env[0].valueFrom.configMapKeyRef.key',
    message: 'should match',
  },
];
