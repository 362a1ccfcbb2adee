// Turns the schema in schema.ts into the CustomResourceDefinition (as an object and as YAML).

import { stringify } from 'yaml';
import { applySchemaDefaults } from './defaults.ts';
import {
  API_VERSION,
  GROUP,
  KIND,
  PLURAL,
  type SchemaNode,
  specSchema,
  statusSchema,
  VERSION,
} from './schema.ts';

type OpenAPI = Record<string, unknown>;

/** The OpenAPI v3 (structural) schema for one node: rules become x-kubernetes-validations. */
export function toOpenAPI(node: SchemaNode): OpenAPI {
  const out: OpenAPI = {};
  if (node.intOrString) out['x-kubernetes-int-or-string'] = true;
  if (node.type) out.type = node.type;
  if (node.format) out.format = node.format;
  out.description = node.description;
  // An object default is written out with its fields' defaults: the API server checks a default
  // against the CEL rules without applying the nested defaults first, so `{}` would fail them.
  if (node.default !== undefined) out.default = applySchemaDefaults(node, node.default);
  for (const key of [
    'enum',
    'minimum',
    'maximum',
    'minLength',
    'maxLength',
    'pattern',
    'minItems',
    'maxItems',
    'maxProperties',
  ] as const) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (node.required) out.required = node.required;
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, toOpenAPI(child)]),
    );
  }
  if (node.additionalProperties) out.additionalProperties = toOpenAPI(node.additionalProperties);
  if (node.items) out.items = toOpenAPI(node.items);
  if (node.listMapKeys) {
    out['x-kubernetes-list-type'] = 'map';
    out['x-kubernetes-list-map-keys'] = node.listMapKeys;
  }
  if (node.rules?.length) {
    out['x-kubernetes-validations'] = node.rules.map(({ rule, message, messageExpression, fieldPath }) => ({
      rule,
      message,
      ...(messageExpression ? { messageExpression } : {}),
      ...(fieldPath ? { fieldPath } : {}),
    }));
  }
  return out;
}

const readyCondition = '.status.conditions[?(@.type=="Ready")]';

/** The HelloService CustomResourceDefinition as an object. */
export function crd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${PLURAL}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'hello-operator', 'app.kubernetes.io/part-of': 'hello-operator' },
    },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: KIND.toLowerCase(),
        shortNames: ['hs', 'hello'],
        categories: ['all'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          // scale: `kubectl scale hs/x --replicas=N` and an HPA that targets a HelloService set
          // spec.replicas (refused by the schema while spec.autoscaling is set: the operator's HPA
          // owns the count then).
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.replicas',
              labelSelectorPath: '.status.selector',
            },
          },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              jsonPath: `${readyCondition}.status`,
              description: 'Ready condition',
            },
            {
              name: 'Reason',
              type: 'string',
              jsonPath: `${readyCondition}.reason`,
              description: 'Why it is (not) ready',
              priority: 1,
            },
            {
              name: 'Replicas',
              type: 'string',
              jsonPath: '.status.replicaSummary',
              description: 'Ready/desired pods',
            },
            { name: 'URL', type: 'string', jsonPath: '.status.url', description: 'Where it is reachable' },
            {
              name: 'Revision',
              type: 'string',
              jsonPath: '.status.latestReadyRevision',
              description: 'The revision serving: the newest whose pods were all ready',
              priority: 1,
            },
            {
              name: 'Message',
              type: 'string',
              jsonPath: '.status.messagePreview',
              description: 'The first line of the message, cut short',
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                'A HelloService runs a production-grade "hello" HTTP service that answers with spec.message: ' +
                'a Deployment, a ConfigMap, a Service, and optionally an Ingress and an autoscaler, ' +
                'admitted by the Pod Security "restricted" profile.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: `The API version: ${API_VERSION}.` },
                kind: { type: 'string', description: `The kind: ${KIND}.` },
                metadata: { type: 'object' },
                spec: toOpenAPI(specSchema),
                status: toOpenAPI(statusSchema),
              },
            },
          },
        },
      ],
    },
  };
}

export const CRD_PATH = `crds/${GROUP}_${PLURAL}.yaml`;

/**
 * White space other than ASCII's. Never in the file: kubectl's YAML reader folds or drops NEL, LS
 * and PS, so the API server would get other text than ours (patterns spell them as escapes:
 * schema.ts GO_SPACE_CLASS), and editors do not show them.
 */
const INVISIBLE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** The CRD file as committed under crds/. */
export function crdYaml(): string {
  const text = stringify(crd(), { lineWidth: 0 });
  const at = text.search(INVISIBLE);
  if (at >= 0)
    throw new Error(`invisible white space in the CRD: ${JSON.stringify(text.slice(at - 40, at + 10))}`);
  return `# Generated from operator/api/schema.ts by \`npm run generate\`; do not edit by hand.\n${text}`;
}
